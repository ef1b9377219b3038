"""`factcheck draft`: verification notes for claims."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import err_console, open_workspace, print_json, print_table, progress_bar, say
from factcheck.cli.options import JudgeOption
from factcheck.models import DraftReport
from factcheck.safety import word_cut


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)


def draft(
    ctx: typer.Context,
    claim_ids: Annotated[
        list[str] | None, typer.Argument(help="Claim ids; none = every stored claim without a note.")
    ] = None,
    article: Annotated[
        str | None, typer.Option("--article", help="Draft the claims of this article (path or document id).")
    ] = None,
    judge: JudgeOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, max=64, help="Claims drafted concurrently.")
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="Draft again claims that already have a draft or failed note.")
    ] = False,
    include_own: Annotated[
        bool, typer.Option("--include-own-article", help="Let a claim's own article count as evidence.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also draft claims below the check-worthiness threshold.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the notes as JSON.")] = False,
    max_requests: Annotated[
        int | None,
        typer.Option("--max-requests", min=1, help="Stop starting claims after this many LLM requests."),
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option("--max-tokens-total", min=1, help="Stop starting claims after this many tokens."),
    ] = None,
) -> None:
    """Retrieve evidence, run the checks and draft a verification note for each claim."""
    with open_workspace(ctx) as workspace, progress_bar("drafting") as progress:
        report = workspace.draft(
            claim_ids,
            article,
            judge=judge,
            workers=workers,
            redo=redo,
            include_own_article=include_own,
            threshold=0.0 if show_all else None,
            progress=progress,
            max_requests=max_requests,
            max_tokens=max_tokens,
        )
    show_report(report, as_json)


def show_report(report: DraftReport, as_json: bool) -> None:
    for line in report.errors:
        err_console.print(f"not drafted: {line}", soft_wrap=True)
    if as_json:
        print_json(report.notes)
    else:
        print_table(
            ("note", "claim", "verdict", "leans", "conf.", "cites", "flags", "checked before"),
            [
                (
                    note.id,
                    word_cut(report.claim_texts.get(note.claim_id, note.claim_id), 160),
                    note.verdict.value,
                    note.suggestion.value if note.suggestion else "",
                    f"{note.confidence:.2f}",
                    str(len(note.citations)),
                    ", ".join(note.flags),
                    "\n".join(p.line() for p in report.prior_checks.get(note.claim_id, [])),
                )
                for note in report.notes
            ],
            show_lines=True,
        )
        say(
            f"{report.drafted} drafted ({report.failed} failed), {report.skipped} already had a note, "
            f"{len(report.errors)} not drafted, in {report.seconds:.1f}s"
        )
        if report.removed:
            say(f"{report.removed} claims skipped: their article was removed while drafting")
        if report.deferred:
            say(f"budget reached: {report.deferred} claims left; run the same command again to continue")
    if report.errors:
        raise typer.Exit(1)
