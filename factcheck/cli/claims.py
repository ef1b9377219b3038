"""`factcheck claims ARTICLE`."""

from __future__ import annotations

import typer
from rich.table import Table

from .common import console, open_workspace, print_json, print_jsonl, progress_bar, settings_from


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)


def claims(
    ctx: typer.Context,
    article: str = typer.Argument(..., help="Path to an article, or an indexed document id."),
    show_all: bool = typer.Option(False, "--all", help="Show every candidate, whatever its score."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Minimum check-worthiness (default from settings)."),
    as_json: bool = typer.Option(False, "--json", help="Every field of every claim, as a JSON list."),
    as_jsonl: bool = typer.Option(False, "--jsonl", help="One JSON claim per line."),
    draft_notes: bool = typer.Option(False, "--draft", help="Go on to draft verification notes for the claims shown."),
    judge: str = typer.Option(None, "--judge", help="With --draft: evidence, llm or local."),
) -> None:
    """Isolate the checkable claims of an article; they are stored so later commands can use their ids."""
    settings = settings_from(ctx)
    cutoff = 0.0 if show_all else (threshold if threshold is not None else settings.claims.threshold)
    with open_workspace(ctx, settings) as workspace, progress_bar("reading") as progress:
        found = workspace.extract_claims(article, progress=progress)
        shown = [c for c in found if c.checkworthiness >= cutoff]
        if draft_notes:
            from factcheck.drafting.draft import draft
            from .draft import show_report

            report = draft(workspace, [c.id for c in shown], judge_name=judge, progress=progress)
            show_report(report, {c.id: c.text for c in shown}, as_json or as_jsonl)
            return
    if as_json:
        print_json(shown)
        return
    if as_jsonl:
        print_jsonl(shown)
        return
    table = Table("id", "type", "claim", "speaker", "score", show_lines=True)
    for claim in shown:
        table.add_row(claim.id, claim.type.value, claim.text, claim.speaker, f"{claim.checkworthiness:.2f}")
    console.print(table)
    hidden = len(found) - len(shown)
    console.print(f"{len(shown)} claims" + (f" ({hidden} below {cutoff:.2f} hidden; --all shows them)" if hidden else ""))
