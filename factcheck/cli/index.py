"""`factcheck index` and `factcheck search`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from factcheck.cli.common import console, err_console, open_workspace, print_json, progress_bar, say


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("search")(search)


def index(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or directories (searched recursively)."),
    force: bool = typer.Option(False, "--force", help="Re-embed documents even when unchanged."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Index articles (.txt, .md, .html, .json, .jsonl) into the vector store."""
    with open_workspace(ctx) as workspace, progress_bar("indexing") as progress:
        report = workspace.index(paths, force=force, progress=progress)
    for line in report.errors:
        err_console.print(f"skipped: {line}", soft_wrap=True)
    for line in report.warnings:
        err_console.print(f"warning: {line}", soft_wrap=True)
    if report.stale:
        err_console.print(
            f"warning: {len(report.stale)} note(s) became stale because a source changed "
            f"({', '.join(report.stale[:5])}); see `factcheck review --status stale`",
            soft_wrap=True,
        )
    if as_json:
        print_json(report)
    else:
        say(
            f"documents: {report.new} new, {report.updated} updated, {report.skipped} unchanged, "
            f"{report.failed} failed; {report.passages} passages embedded in {report.seconds:.1f}s"
        )
    if report.failed:
        raise typer.Exit(1)


def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="What to look for."),
    k: int = typer.Option(5, "-k", "--top", min=1, max=100, help="How many passages."),
    as_json: bool = typer.Option(False, "--json", help="Print hits as JSON."),
) -> None:
    """Show the passages that best match QUERY (dense + BM25, fused): what the drafter will see."""
    with open_workspace(ctx) as workspace:
        hits = workspace.search(query, k=k)
    if as_json:
        print_json(hits)
        return
    if not hits:
        say("no passages indexed yet: run `factcheck index PATH` first")
        return
    table = Table("score", "passage", "document", "offsets", "text", show_lines=True)
    for hit in hits:
        p = hit.passage
        found_by = " + ".join(
            name
            for name, value in (("dense", hit.dense_score), ("bm25", hit.lexical_score))
            if value is not None
        )
        table.add_row(
            f"{hit.score:.4f}\n{found_by}",
            p.id,
            hit.document_title or p.document_id,
            f"{p.start}-{p.end}",
            p.text,
        )
    console.print(table)
