"""`factcheck index` and `factcheck search`."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import (
    err_console,
    open_workspace,
    print_json,
    print_jsonl,
    print_table,
    progress_bar,
    say,
)


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("search")(search)


def index(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories (searched recursively) or http(s) URLs of articles to fetch."
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Re-embed documents even when unchanged.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Index articles (.txt, .md, .html, .json, .jsonl, or web pages by URL) into the vector store."""
    with open_workspace(ctx, create=True) as workspace, progress_bar("passages embedded") as progress:
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
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=100, help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print hits as JSON.")] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON hit per line.")] = False,
) -> None:
    """Show the passages that best match QUERY (dense + BM25, fused): what the drafter will see."""
    with open_workspace(ctx) as workspace:
        hits = workspace.search(query, k=k)
    if as_json:
        print_json(hits)
        return
    if as_jsonl:
        print_jsonl(hits)
        return
    if not hits:
        say("no passages indexed yet: run `factcheck index PATH` first")
        return
    rows = []
    for hit in hits:
        p = hit.passage
        found_by = " + ".join(
            name
            for name, value in (("dense", hit.dense_score), ("bm25", hit.lexical_score))
            if value is not None
        )
        rows.append(
            (
                f"{hit.score:.4f}\n{found_by}",
                p.id,
                hit.title or p.document_id,
                f"{p.start}-{p.end}",
                p.text,
            )
        )
    print_table(("score", "passage", "document", "offsets", "text"), rows, show_lines=True)
