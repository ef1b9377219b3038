"""`factcheck notes list|show|history|approve|reject|set-verdict|export`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from factcheck.review import actions as review
from factcheck.review import export
from factcheck.errors import InputError
from factcheck.models import NoteStatus, Verdict
from .common import console, open_workspace, print_json, settings_from
from .render import render_note

app = typer.Typer(help="List, show, decide on and export verification notes.", no_args_is_help=True)
FORMATS = ("md", "html", "json", "claimreview")


def queue_filter(workspace, article: str | None, verdict: str | None, claim_type: str | None,
                 status: str | None) -> review.QueueFilter:
    try:
        return review.QueueFilter(
            article=workspace.resolve_document(article).id if article else None,
            verdict=Verdict(verdict) if verdict else None, claim_type=claim_type,
            status=NoteStatus(status) if status and status != "all" else None,
        )
    except ValueError as exc:
        raise InputError(f"{exc}; verdicts: {', '.join(v.value for v in Verdict)}; "
                         f"statuses: {', '.join(s.value for s in NoteStatus)}, all") from None


def reviewer_name(ctx: typer.Context, reviewer: str | None) -> str:
    return reviewer or settings_from(ctx).reviewer


ARTICLE = typer.Option(None, "--article", help="Only notes on this article (path or document id).")
VERDICT = typer.Option(None, "--verdict", help="supported, partly_supported, refuted or not_enough_evidence.")
TYPE = typer.Option(None, "--type", help="Claim type, e.g. quantity or quote.")
REVIEWER = typer.Option(None, "--reviewer", help="Your name for the review log (default FACTCHECK_REVIEWER).")


@app.command("list")
def list_notes(ctx: typer.Context, article: str = ARTICLE, verdict: str = VERDICT, claim_type: str = TYPE,
               status: str = typer.Option("all", "--status", help="draft, approved, rejected, failed or all."),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Notes matching the filters, most check-worthy first."""
    with open_workspace(ctx) as workspace:
        items = review.queue(workspace.db, queue_filter(workspace, article, verdict, claim_type, status))
    if as_json:
        print_json([i.note for i in items])
        return
    table = Table("note", "status", "verdict", "conf.", "type", "claim")
    for item in items:
        table.add_row(item.note.id, item.note.status.value, item.note.verdict.value, f"{item.note.confidence:.2f}",
                      item.claim.type.value, item.claim.text[:90])
    console.print(table)
    console.print(f"{len(items)} notes")


@app.command("show")
def show(ctx: typer.Context, note_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One note in full: claim in context, verdict, rationale, citations, checks and flags."""
    with open_workspace(ctx) as workspace:
        note = workspace.db.note(note_id)
        if as_json:
            print_json(note)
            return
        render_note(console, workspace.db, review.QueueItem(note, workspace.db.claim(note.claim_id)))


@app.command("history")
def history(ctx: typer.Context, note_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every review action on a note, oldest first, with before and after."""
    with open_workspace(ctx) as workspace:
        reviews = workspace.db.reviews(workspace.db.note(note_id).id)
    if as_json:
        print_json(reviews)
        return
    if not reviews:
        console.print("no review actions yet")
    for r in reviews:
        changed = {k: (r.before.get(k), r.after.get(k)) for k in r.after if r.before.get(k) != r.after.get(k)}
        summary = "; ".join(f"{k}: {str(a)[:40]} -> {str(b)[:40]}" for k, (a, b) in changed.items()) or "no change"
        console.print(f"{r.at:%Y-%m-%d %H:%M:%S} {r.reviewer} {r.action}" + (f" ({r.reason})" if r.reason else "") + f": {summary}",
                      highlight=False, markup=False)


@app.command("approve")
def approve(ctx: typer.Context, note_id: str, reviewer: str = REVIEWER) -> None:
    """Approve a note."""
    with open_workspace(ctx) as workspace:
        note = review.approve(workspace.db, note_id, reviewer_name(ctx, reviewer))
    console.print(f"approved {note.id}")


@app.command("reject")
def reject(ctx: typer.Context, note_id: str, reason: str = typer.Option(..., "--reason", help="Why."),
           reviewer: str = REVIEWER) -> None:
    """Reject a note, with a reason."""
    with open_workspace(ctx) as workspace:
        note = review.reject(workspace.db, note_id, reviewer_name(ctx, reviewer), reason)
    console.print(f"rejected {note.id}")


@app.command("set-verdict")
def set_verdict(ctx: typer.Context, note_id: str, verdict: str, reviewer: str = REVIEWER,
                reason: str = typer.Option("", "--reason")) -> None:
    """Change a note's verdict."""
    try:
        value = Verdict(verdict)
    except ValueError:
        raise InputError(f"unknown verdict {verdict!r}; use one of {', '.join(v.value for v in Verdict)}") from None
    with open_workspace(ctx) as workspace:
        note = review.set_verdict(workspace.db, note_id, value, reviewer_name(ctx, reviewer), reason)
    console.print(f"{note.id} is now {note.verdict.value}")


@app.command("export")
def export_notes(
    ctx: typer.Context,
    fmt: str = typer.Option("md", "--format", help="md, html, json or claimreview (JSON-LD)."),
    out: Path = typer.Option(..., "--out", help="Output file (a folder with --per-article)."),
    status: str = typer.Option("approved", "--status", help="Which notes: approved (default), draft, rejected, failed, all."),
    article: str = ARTICLE, verdict: str = VERDICT, claim_type: str = TYPE,
    per_article: bool = typer.Option(False, "--per-article", help="Markdown: one file per article in the --out folder."),
) -> None:
    """Export notes for publishing. Exports never contain API keys, local paths or prompts."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    settings = settings_from(ctx)
    with open_workspace(ctx, settings) as workspace:
        items = export.gather(workspace.db, [i.note for i in review.queue(
            workspace.db, queue_filter(workspace, article, verdict, claim_type, status))])
    if not items:
        raise InputError(f"no {status} notes to export; approve some first (`factcheck review`) or pass --status all")
    if per_article:
        if fmt != "md":
            raise InputError("--per-article is for --format md")
        out.mkdir(parents=True, exist_ok=True)
        for name, text in export.markdown_per_article(items).items():
            (out / name).write_text(text, encoding="utf-8")
        console.print(f"wrote {len(items)} notes to {out}/ ({len({i.document.id for i in items})} files)")
        return
    text = {"md": export.to_markdown, "html": export.to_html, "json": export.to_json}.get(fmt)
    content = text(items) if text else export.to_claimreview(items, settings.publisher)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(content, encoding="utf-8")
    console.print(f"wrote {len(items)} notes to {out}")
