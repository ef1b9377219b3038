"""`factcheck sources list|show|remove`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from factcheck.cli.common import console, open_workspace, print_json, print_jsonl, print_table, say

app = typer.Typer(help="List, show and remove indexed documents.", no_args_is_help=True)


@app.command("list")
def list_sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON document per line.")] = False,
) -> None:
    """List indexed documents. Documents not in English are flagged: claim detection skips them."""
    with open_workspace(ctx) as workspace:
        documents = workspace.sources()
    if as_json:
        print_json(documents)
        return
    if as_jsonl:
        print_jsonl(documents)
        return
    print_table(
        ("id", "title", "outlet", "published", "language", "passages", "path"),
        [
            (d.id, d.title, d.outlet, str(d.published or ""), _language(d.language), str(d.passages), d.path)
            for d in documents
        ],
    )


def _language(code: str) -> str:
    """'en'; another language flagged, since the claim rules are English-only; '?' when undetected."""
    if not code:
        return "?"
    return code if code == "en" else f"{code} (not English: no claim detection)"


@app.command("show")
def show(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="Document id (or a unique prefix) or path.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a document's metadata and passages."""
    with open_workspace(ctx) as workspace:
        doc = workspace.document(document)
        passages = workspace.passages(doc.id)
    if as_json:
        print_json({"document": doc.model_dump(mode="json"), "passages": [p.model_dump() for p in passages]})
        return
    console.print(Text(doc.title or "(no title)", style="bold"))
    say(f"{doc.id}  {doc.outlet}  {doc.published or ''}  {doc.url}\n{doc.path}")
    for p in passages:
        console.print(Text(f"\n{p.id} [{p.start}-{p.end}]", style="dim"))
        say(p.text)


@app.command("remove")
def remove(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="Document id (or a unique prefix) or path.")],
    force: Annotated[
        bool, typer.Option("--force", help="Remove it even when approved notes depend on it.")
    ] = False,
) -> None:
    """Remove a document, its passages and its claims. Notes depending on it become stale; history stays."""
    with open_workspace(ctx) as workspace:
        doc = workspace.remove(document, force=force)
    say(f"removed {doc.id} ({doc.title or doc.path})")
