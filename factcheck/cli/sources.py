"""`factcheck sources list|show|remove`."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from factcheck.cli.common import console, open_workspace, print_json, say

app = typer.Typer(help="List, show and remove indexed documents.", no_args_is_help=True)


@app.command("list")
def list_sources(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """List indexed documents."""
    with open_workspace(ctx) as workspace:
        documents = workspace.sources()
    if as_json:
        print_json(documents)
        return
    table = Table("id", "title", "outlet", "published", "passages", "path")
    for d in documents:
        table.add_row(d.id, d.title, d.outlet, str(d.published or ""), str(d.passages), d.path)
    console.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    document: str = typer.Argument(..., help="Document id (or a unique prefix) or path."),
    as_json: bool = typer.Option(False, "--json"),
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
    document: str = typer.Argument(..., help="Document id (or a unique prefix) or path."),
    force: bool = typer.Option(False, "--force", help="Remove it even when approved notes depend on it."),
) -> None:
    """Remove a document, its passages and its claims. Notes depending on it become stale; history stays."""
    with open_workspace(ctx) as workspace:
        doc = workspace.remove(document, force=force)
    say(f"removed {doc.id} ({doc.title or doc.path})")
