"""`factcheck notes list|show|history|approve|reject|set-verdict|export`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from factcheck.cli.common import console, err_console, open_workspace, print_json, say, settings_from
from factcheck.cli.render import render_note
from factcheck.errors import InputError

app = typer.Typer(help="List, show, decide on and export verification notes.", no_args_is_help=True)

ARTICLE = typer.Option(None, "--article", help="Only notes on this article (path or document id).")
VERDICT = typer.Option(None, "--verdict", help="supported, partly_supported, refuted or not_enough_evidence.")
TYPE = typer.Option(None, "--type", help="Claim type, e.g. quantity or quote.")
REVIEWER = typer.Option(None, "--reviewer", help="Your name for the review log (default FACTCHECK_REVIEWER).")


def reviewer_name(ctx: typer.Context, reviewer: str | None) -> str:
    return reviewer or settings_from(ctx).reviewer


@app.command("list")
def list_notes(
    ctx: typer.Context,
    article: str = ARTICLE,
    verdict: str = VERDICT,
    claim_type: str = TYPE,
    status: str = typer.Option("all", "--status", help="draft, approved, rejected, failed, stale or all."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Notes matching the filters, most check-worthy first."""
    with open_workspace(ctx) as workspace:
        items = workspace.queue(workspace.queue_filter(article, verdict, claim_type, status))
    if as_json:
        print_json([i.note for i in items])
        return
    table = Table("note", "status", "verdict", "conf.", "type", "claim")
    for item in items:
        table.add_row(
            item.note.id,
            item.note.status.value,
            item.note.verdict.value,
            f"{item.note.confidence:.2f}",
            item.claim.type.value,
            item.claim.text[:90],
        )
    console.print(table)
    say(f"{len(items)} notes")


@app.command("show")
def show(ctx: typer.Context, note_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One note in full: claim in context, verdict, rationale, citations, checks and flags."""
    with open_workspace(ctx) as workspace:
        view = workspace.note_view(note_id)
    if as_json:
        print_json(view.note)
    else:
        render_note(console, view)


@app.command("history")
def history(ctx: typer.Context, note_id: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Every review action on a note, oldest first, with before and after."""
    with open_workspace(ctx) as workspace:
        reviews = workspace.history(note_id)
    if as_json:
        print_json(reviews)
        return
    if not reviews:
        say("no review actions yet")
    for r in reviews:
        changed = {k: (r.before.get(k), r.after.get(k)) for k in r.after if r.before.get(k) != r.after.get(k)}
        summary = (
            "; ".join(f"{k}: {str(a)[:40]} -> {str(b)[:40]}" for k, (a, b) in changed.items()) or "no change"
        )
        say(
            f"{r.at:%Y-%m-%d %H:%M:%S} {r.reviewer} {r.action}"
            + (f" ({r.reason})" if r.reason else "")
            + f": {summary}"
        )


@app.command("approve")
def approve(ctx: typer.Context, note_id: str, reviewer: str = REVIEWER) -> None:
    """Approve a note."""
    with open_workspace(ctx) as workspace:
        note = workspace.approve(note_id, reviewer_name(ctx, reviewer))
    say(f"approved {note.id}")


@app.command("reject")
def reject(
    ctx: typer.Context,
    note_id: str,
    reason: str = typer.Option(..., "--reason", help="Why."),
    reviewer: str = REVIEWER,
) -> None:
    """Reject a note, with a reason."""
    with open_workspace(ctx) as workspace:
        note = workspace.reject(note_id, reviewer_name(ctx, reviewer), reason)
    say(f"rejected {note.id}")


@app.command("set-verdict")
def set_verdict(
    ctx: typer.Context,
    note_id: str,
    verdict: str,
    reviewer: str = REVIEWER,
    reason: str = typer.Option("", "--reason"),
) -> None:
    """Change a note's verdict."""
    with open_workspace(ctx) as workspace:
        note = workspace.set_verdict(note_id, verdict, reviewer_name(ctx, reviewer), reason)
    say(f"{note.id} is now {note.verdict.value}")


@app.command("export")
def export_notes(
    ctx: typer.Context,
    fmt: str = typer.Option("md", "--format", help="md, html, json or claimreview (JSON-LD)."),
    out: Path = typer.Option(..., "--out", help="Output file (a folder with --per-article)."),
    status: str = typer.Option(
        "approved", "--status", help="Which notes: approved (default), draft, rejected, failed, stale, all."
    ),
    article: str = ARTICLE,
    verdict: str = VERDICT,
    claim_type: str = TYPE,
    per_article: bool = typer.Option(
        False, "--per-article", help="Markdown: one file per article in the --out folder."
    ),
) -> None:
    """Export notes for publishing. Exports never contain API keys, local paths or prompts."""
    with open_workspace(ctx) as workspace:
        export = workspace.export(
            fmt, workspace.queue_filter(article, verdict, claim_type, status), per_article
        )
    try:
        if per_article:
            out.mkdir(parents=True, exist_ok=True)
            for name, text in export.files.items():
                (out / name).write_text(text, encoding="utf-8")
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(next(iter(export.files.values())), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {out} ({exc.strerror or exc}); choose a writable --out path"
        ) from None
    for line in export.withheld:
        err_console.print(f"warning: {line}", soft_wrap=True)
    where = f"{out}/ ({len(export.files)} files)" if per_article else str(out)
    say(f"wrote {export.notes} notes to {where}")
