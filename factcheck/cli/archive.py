"""`factcheck archive import|list`: published fact-checks that claims are matched against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factcheck.cli.common import err_console, open_workspace, print_jsonl, print_table, progress_bar, say
from factcheck.errors import InputError

app = typer.Typer(
    help="Fact-check archives: claims already checked, by us or by anyone ('checked before?').",
    no_args_is_help=True,
)


@app.command("import")
def import_archive(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="ClaimReview JSON / JSON-LD, JSONL or TSV files.")],
) -> None:
    """Import published fact-checks; every claim is then matched against them (offline)."""
    failed = 0
    with open_workspace(ctx, create=True) as workspace, progress_bar("embedding checked claims") as progress:
        for path in files:
            try:
                report = workspace.import_archive(path, progress)
            except InputError as exc:  # one bad file: the others are still imported
                err_console.print(f"skipped: {exc}", soft_wrap=True)
                failed += 1
                continue
            for line in report.errors:
                err_console.print(f"skipped: {line}", soft_wrap=True)
            failed += len(report.errors)
            say(
                f"{path}: {report.imported} checked claims imported, {report.unchanged} unchanged, "
                f"{len(report.errors)} skipped"
            )
    if failed:
        raise typer.Exit(1)


@app.command("list")
def list_archives(ctx: typer.Context, as_jsonl: Annotated[bool, typer.Option("--jsonl")] = False) -> None:
    """Each archive and how many checked claims it holds ('workspace': our own approved notes)."""
    with open_workspace(ctx) as workspace:
        origins = workspace.archives()
    if as_jsonl:
        print_jsonl({"archive": origin, "claims": count} for origin, count in origins)
        return
    if not origins:
        say("no archives yet: `factcheck archive import FILE` (ClaimReview JSON-LD, JSONL or TSV)")
        return
    print_table(("archive", "checked claims"), origins)
