"""`factcheck notes list|show|history|approve|reject|set-verdict|export`."""

from __future__ import annotations

from pathlib import Path

import typer

from factcheck.cli.common import (
    console,
    err_console,
    open_workspace,
    print_json,
    print_jsonl,
    print_table,
    say,
    settings_from,
    terminal,
)
from factcheck.cli.render import render_note
from factcheck.errors import InputError
from factcheck.workspace import Workspace

app = typer.Typer(help="List, show, decide on and export verification notes.", no_args_is_help=True)

ARTICLE = typer.Option(None, "--article", help="Only notes on this article (path or document id).")
VERDICT = typer.Option(None, "--verdict", help="supported, partly_supported, refuted or not_enough_evidence.")
TYPE = typer.Option(None, "--type", help="Claim type, e.g. quantity or quote.")
JSONL = typer.Option(False, "--jsonl", help="One JSON object per line.")
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
    as_jsonl: bool = JSONL,
) -> None:
    """Notes matching the filters, most check-worthy first."""
    with open_workspace(ctx) as workspace:
        items = workspace.queue(workspace.queue_filter(article, verdict, claim_type, status))
    if as_json:
        print_json([i.note for i in items])
        return
    if as_jsonl:
        print_jsonl(i.note for i in items)
        return
    print_table(
        ("note", "status", "verdict", "conf.", "type", "claim"),
        [
            (
                item.note.id,
                item.note.status.value,
                item.note.verdict.value,
                f"{item.note.confidence:.2f}",
                item.claim.type.value,
                item.claim.text[:90] if terminal() else item.claim.text,
            )
            for item in items
        ],
    )
    if terminal():
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
def history(
    ctx: typer.Context, note_id: str, as_json: bool = typer.Option(False, "--json"), as_jsonl: bool = JSONL
) -> None:
    """Every review action on a note, oldest first, with before and after."""
    with open_workspace(ctx) as workspace:
        reviews = workspace.history(note_id)
    if as_json:
        print_json(reviews)
        return
    if as_jsonl:
        print_jsonl(reviews)
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


GROUP = typer.Option(
    False, "--group", help="Also apply the decision to the draft notes on the same claim in other articles."
)
YES = typer.Option(False, "--yes", "-y", help="With --group: do not ask for confirmation.")


@app.command("approve")
def approve(
    ctx: typer.Context, note_id: str, reviewer: str = REVIEWER, group: bool = GROUP, yes: bool = YES
) -> None:
    """Approve a note (and, with --group, its near-duplicates in other articles, after confirmation)."""
    name = reviewer_name(ctx, reviewer)
    with open_workspace(ctx) as workspace:
        note = workspace.approve(note_id, name)
        say(f"approved {note.id}")
        if group:
            _decide_group(workspace, note.id, name, "approve", "", yes)


@app.command("reject")
def reject(
    ctx: typer.Context,
    note_id: str,
    reason: str = typer.Option(..., "--reason", help="Why."),
    reviewer: str = REVIEWER,
    group: bool = GROUP,
    yes: bool = YES,
) -> None:
    """Reject a note, with a reason (and, with --group, its near-duplicates, after confirmation)."""
    name = reviewer_name(ctx, reviewer)
    with open_workspace(ctx) as workspace:
        note = workspace.reject(note_id, name, reason)
        say(f"rejected {note.id}")
        if group:
            _decide_group(workspace, note.id, name, "reject", reason, yes)


def _decide_group(
    workspace: Workspace, note_id: str, reviewer: str, action: str, reason: str, yes: bool
) -> None:
    twins = workspace.group_notes(note_id)
    if not twins:
        say("no draft notes on the same claim in other articles")
        return
    for twin in twins:
        claim = workspace.claim(twin.claim_id)
        say(f"  {twin.id} ({twin.verdict.value}) on {claim.document_id}: {claim.text[:100]}")
    verb = "approve (with this verdict)" if action == "approve" else "reject"
    if not yes and not typer.confirm(f"{verb} these {len(twins)} notes too?", default=False):
        say("the group was left as it was")
        return
    done, refused = workspace.decide_group(note_id, reviewer, action, reason)
    for line in refused:
        err_console.print(f"not changed: {line}", soft_wrap=True)
    say(f"{'approved' if action == 'approve' else 'rejected'} {len(done)} more note(s) on the same claim")


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
    out: str = typer.Option(
        "-", "-o", "--out", help="Output file, '-' for stdout (default); a folder with --per-article."
    ),
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
    for line in export.withheld:
        err_console.print(f"warning: {line}", soft_wrap=True)
    if out == "-" and not per_article:
        typer.echo(next(iter(export.files.values())), nl=False)
        err_console.print(f"wrote {export.notes} notes to stdout")
        return
    if out == "-":
        raise InputError("--per-article writes one file per article: give a folder with --out")
    folder = Path(out)
    try:
        if per_article:
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in export.files.items():
                (folder / name).write_text(text, encoding="utf-8")
        else:
            folder.parent.mkdir(parents=True, exist_ok=True)
            folder.write_text(next(iter(export.files.values())), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write {out} ({exc.strerror or exc}); choose a writable --out path"
        ) from None
    where = f"{out}/ ({len(export.files)} files)" if per_article else str(out)
    say(f"wrote {export.notes} notes to {where}")
