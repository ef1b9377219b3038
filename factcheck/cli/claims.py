"""`factcheck claims ARTICLE`."""

from __future__ import annotations

import typer
from rich.table import Table

from factcheck.cli.common import (
    console,
    open_workspace,
    print_json,
    print_jsonl,
    progress_bar,
    say,
    settings_from,
)
from factcheck.cli.draft import show_report
from factcheck.models import JudgeName


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)


def claims(
    ctx: typer.Context,
    article: str = typer.Argument(..., help="Path to an article, or an indexed document id."),
    show_all: bool = typer.Option(False, "--all", help="Show every candidate, whatever its score."),
    threshold: float = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Minimum check-worthiness (default from settings)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Every field of every claim, as a JSON list."),
    as_jsonl: bool = typer.Option(False, "--jsonl", help="One JSON claim per line."),
    draft_notes: bool = typer.Option(
        False, "--draft", help="Go on to draft verification notes for the claims shown."
    ),
    judge: JudgeName = typer.Option(
        None, "--judge", help="With --draft: who judges (default from settings)."
    ),
) -> None:
    """Isolate the checkable claims of an article; they are stored so later commands can use their ids."""
    settings = settings_from(ctx)
    cutoff = 0.0 if show_all else (threshold if threshold is not None else settings.claims.threshold)
    with open_workspace(ctx, settings) as workspace, progress_bar("reading") as progress:
        found = workspace.claims(article, progress=progress)
        shown = [c for c in found if c.checkworthiness >= cutoff]
        report = (
            workspace.draft([c.id for c in shown], judge=judge, progress=progress) if draft_notes else None
        )
    if report is not None:
        show_report(report, as_json or as_jsonl)
    elif as_json:
        print_json(shown)
    elif as_jsonl:
        print_jsonl(shown)
    else:
        table = Table("id", "type", "claim", "speaker", "score", show_lines=True)
        for claim in shown:
            table.add_row(
                claim.id, claim.type.value, claim.text, claim.speaker, f"{claim.checkworthiness:.2f}"
            )
        console.print(table)
        hidden = len(found) - len(shown)
        say(
            f"{len(shown)} claims"
            + (f" ({hidden} below {cutoff:.2f} hidden; --all shows them)" if hidden else "")
        )
