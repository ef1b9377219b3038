"""`factcheck notes list|show|history|approve|reject|undo|set-verdict|cite|edit|assign|comment|export`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from factcheck.cli.common import (
    console,
    edit_in_editor,
    err_console,
    open_workspace,
    print_json,
    print_jsonl,
    print_table,
    reviewer_name,
    say,
    settings_from,
    terminal,
    to_stdout,
)
from factcheck.cli.options import (
    Article,
    ByRecord,
    Group,
    IncludeUnapproved,
    Jsonl,
    Reviewer,
    Status,
    TypeChoice,
    VerdictChoice,
    Yes,
)
from factcheck.cli.render import render_note
from factcheck.errors import InputError, NeedsConfirmation
from factcheck.models import Note, NoteStatus, NoteView, Verdict
from factcheck.safety import word_cut
from factcheck.workspace import Workspace

app = typer.Typer(help="List, show, decide on and export verification notes.", no_args_is_help=True)

EXPORT_FORMATS = Workspace.export_formats()  # for the help; a plugin's formats are checked when used


def _export_format(value: str) -> str:
    names = [f.name for f in Workspace.export_formats()]
    if value not in names:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(names)}")
    return value


@app.command("list")
def list_notes(
    ctx: typer.Context,
    article: Article = None,
    verdict: VerdictChoice = None,
    claim_type: TypeChoice = None,
    status: Annotated[Status, typer.Option("--status", help="Which notes.")] = Status.all,
    assigned: Annotated[
        str | None, typer.Option("--assigned", help="mine, unassigned, or a reviewer's name.")
    ] = None,
    reviewer: Reviewer = None,
    by_record: ByRecord = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_jsonl: Jsonl = False,
) -> None:
    """Notes matching the filters, most check-worthy first (or, with --by-record, strongest lean first)."""
    with open_workspace(ctx) as workspace:
        filters = workspace.queue_filter(
            article,
            verdict,
            claim_type,
            status,
            assigned=assigned,
            me=reviewer or settings_from(ctx).reviewer,
            by_record=by_record,
        )
        items = workspace.queue(filters)
    if as_json:
        print_json([i.note for i in items])
        return
    if as_jsonl:
        print_jsonl(i.note for i in items)
        return
    print_table(
        ("note", "status", "verdict", "leans", "record", "conf.", "type", "assigned", "claim"),
        [
            (
                item.note.id,
                item.note.status.value,
                item.note.verdict.value,
                item.note.suggestion.value if item.note.suggestion else "",
                _record(item.note),
                f"{item.note.confidence:.2f}",
                item.claim.type.value,
                item.note.assigned_to,
                word_cut(item.claim.text, 90) if terminal() else item.claim.text,
            )
            for item in items
        ],
    )
    if terminal():
        say(f"{len(items)} notes")


def _record(note: Note) -> str:
    """A lean's record in a table cell: right of claims, and its 95% lower bound."""
    record = note.provenance.record if note.suggestion else None
    return f"{record.right}/{record.claims} ≥{record.lower_bound:.0%}" if record else ""


@app.command("show")
def show(ctx: typer.Context, note_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One note in full: claim in context, verdict, rationale, citations, checks and flags."""
    with open_workspace(ctx) as workspace:
        view = workspace.note_view(note_id)
    if as_json:
        print_json(view.note)
    else:
        render_note(console, view)


@app.command("history")
def history(
    ctx: typer.Context,
    note_id: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    as_jsonl: Jsonl = False,
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
        changes = r.changes()
        say(
            f"{r.at:%Y-%m-%d %H:%M:%S} {r.reviewer} {r.action}"
            + (f" ({r.reason})" if r.reason else "")
            + (":" if changes else ": no change")
        )
        for line in changes:
            say(f"    {line}")


@app.command("approve")
def approve(
    ctx: typer.Context,
    note_id: str,
    reviewer: Reviewer = None,
    group: Group = False,
    yes: Yes = False,
    show: Annotated[
        bool,
        typer.Option(
            "--show", help="Print what will be published (claim, rating, explanation, sources) and ask first."
        ),
    ] = False,
) -> None:
    """Approve a note (and, with --group, its near-duplicates in other articles, after confirmation)."""
    with open_workspace(ctx) as workspace:
        name = reviewer_name(ctx, reviewer, workspace)
        if show:
            view = workspace.note_view(note_id)
            _show_published(view)
            if not yes and not typer.confirm("publish this?", default=False):
                say("not approved: nothing changed")
                return
            note = _confirmed(
                lambda confirm: workspace.approve(view.note.id, name, view.note.version, confirm), yes
            )
        else:
            note = _confirmed(lambda confirm: workspace.approve(note_id, name, confirm=confirm), yes)
        if note.status != NoteStatus.approved:
            say(
                f"signed off {note.id}: {len(note.signoffs)} sign-off(s); another reviewer must approve it too"
            )
            return
        say(f"approved {note.id}: published as {note.verdict.value.replace('_', ' ')}")
        if group:
            _decide_group(workspace, note.id, name, "approve", "", yes)


def _confirmed(action: Callable[[bool], Note], yes: bool) -> Note:
    """Run an action; when it needs a confirmation (another reviewer's decision, a verdict other than the lean),
    say why and ask once (--yes: go on)."""
    try:
        return action(yes)
    except NeedsConfirmation as exc:
        err_console.print(str(exc), soft_wrap=True)
        if not terminal() or not typer.confirm(exc.question, default=False):
            raise InputError(exc.refused) from None
        return action(True)


@app.command("undo")
def undo(ctx: typer.Context, note_id: str, reviewer: Reviewer = None) -> None:
    """Undo your latest approve, sign-off or reject on a note."""
    with open_workspace(ctx) as workspace:
        note = workspace.undo(note_id, reviewer_name(ctx, reviewer, workspace))
    say(f"undone: {note.id} is {note.status.value} again")


@app.command("assign")
def assign(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The reviewer; '' unassigns.")],
    note_ids: Annotated[list[str] | None, typer.Argument(help="Note ids (or use --article).")] = None,
    article: Article = None,
    reviewer: Reviewer = None,
) -> None:
    """Assign notes, or every note of an article, to a reviewer."""
    with open_workspace(ctx) as workspace:
        ids = list(note_ids or [])
        if article:
            ids += [i.note.id for i in workspace.queue(workspace.queue_filter(article=article, status="all"))]
        if not ids:
            raise InputError("name notes to assign, or an article with --article")
        notes = workspace.assign(ids, to, reviewer_name(ctx, reviewer, workspace))
    say(f"{len(notes)} note(s) {'assigned to ' + to if to.strip() else 'unassigned'}")


@app.command("comment")
def comment(ctx: typer.Context, note_id: str, text: str, reviewer: Reviewer = None) -> None:
    """Comment on a note: kept in its history, seen by every reviewer."""
    with open_workspace(ctx) as workspace:
        review = workspace.comment(note_id, reviewer_name(ctx, reviewer, workspace), text)
    say(f"comment added to {review.note_id}")


def _show_published(view: NoteView) -> None:
    note = view.note
    say(f"claim reviewed: {view.public_claim}")
    say(f"rating: {note.verdict.value.replace('_', ' ')}")
    say(f"explanation: {view.public_explanation}")
    for number, citation in enumerate(note.citations, 1):
        say(f"source {number}: {citation.document_title or citation.document_id}: “{citation.quote}”")
    if not note.citations:
        say("sources: none cited")


@app.command("cite")
def cite(
    ctx: typer.Context,
    note_id: str,
    ref: Annotated[
        str,
        typer.Argument(
            help="What to cite: an evidence number (2: its highlighted sentence), a sentence (2.3 or P2.S3: "
            "sentence 3 of evidence 2), or a passage id from `factcheck search` with --quote."
        ),
    ],
    quote: Annotated[
        str | None, typer.Option("--quote", help="With a passage id: the words to quote, verbatim.")
    ] = None,
    reviewer: Reviewer = None,
) -> None:
    """Cite a sentence of a note's evidence, or words of any stored passage (checked verbatim)."""
    with open_workspace(ctx) as workspace:
        before = workspace.note(note_id)
        note = workspace.cite(before.id, ref, reviewer_name(ctx, reviewer, workspace), quote, before.version)
    citation = note.citations[-1]
    say(
        f"{note.id} now cites {citation.document_title or citation.document_id}: “{citation.quote}”"
        f"{_status_change(before, note)}"
    )


def _status_change(before: Note, after: Note) -> str:
    """What a change did to the note's status, in words ("" when nothing)."""
    if before.status == NoteStatus.approved and after.status != NoteStatus.approved:
        return f"; back in review ({after.status.value}): the published text changed after approval"
    return ""


def _arranged(
    ctx: typer.Context, note_id: str, reviewer: str | None, order_of: Callable[[Note], list[int]]
) -> Note:
    """Keep a note's citations in the order `order_of` gives for it, and say what changed."""
    with open_workspace(ctx) as workspace:
        before = workspace.note(note_id)
        note = workspace.arrange_citations(
            before.id, order_of(before), reviewer_name(ctx, reviewer, workspace), before.version
        )
    say(f"{note.id}: {len(note.citations)} citation(s) now{_status_change(before, note)}")
    return note


@app.command("uncite")
def uncite(
    ctx: typer.Context,
    note_id: str,
    citation: Annotated[int, typer.Argument(help="The citation's number, as `notes show` lists it.")],
    reviewer: Reviewer = None,
) -> None:
    """Remove a citation from a note."""

    def without(note: Note) -> list[int]:
        if not 1 <= citation <= len(note.citations):
            raise InputError(f"note {note.id} has citations 1-{len(note.citations)}; {citation} is not one")
        return [n for n in range(1, len(note.citations) + 1) if n != citation]

    _arranged(ctx, note_id, reviewer, without)


@app.command("reorder")
def reorder(
    ctx: typer.Context,
    note_id: str,
    order: Annotated[str, typer.Argument(help="The citation numbers in their new order, e.g. 2,1,3.")],
    reviewer: Reviewer = None,
) -> None:
    """Put a note's citations in a new order (the first is the one an explanation quotes)."""
    numbers = [part.strip() for part in order.split(",") if part.strip()]
    if not numbers or not all(n.isdigit() for n in numbers):
        raise InputError(f"{order!r} is not a list of citation numbers; write them like 2,1,3")

    def listed(note: Note) -> list[int]:
        if len(numbers) != len(note.citations):
            raise InputError(
                f"note {note.id} has {len(note.citations)} citations: list every one once (`notes uncite` "
                "removes one)"
            )
        return [int(n) for n in numbers]

    _arranged(ctx, note_id, reviewer, listed)


@app.command("edit")
def edit(
    ctx: typer.Context,
    note_id: str,
    verdict: Annotated[Verdict | None, typer.Option("--verdict", help="The new verdict.")] = None,
    claim: Annotated[
        str | None,
        typer.Option("--claim", help="The short claim that gets published (200 characters at most)."),
    ] = None,
    explanation: Annotated[str | None, typer.Option("--explanation", help="The public explanation.")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the history).")] = "",
    reviewer: Reviewer = None,
) -> None:
    """Edit a note: the verdict and the public text with flags, or the whole note in $EDITOR (no flags)."""
    with open_workspace(ctx) as workspace:
        name = reviewer_name(ctx, reviewer, workspace)
        view = workspace.note_view(note_id)
        note = view.note
        if verdict is None and claim is None and explanation is None:
            text, _ = workspace.edit_text(note.id, name)
            note = workspace.save_edit(note.id, edit_in_editor(text), name, note.version)
        else:
            if verdict is not None:
                note = workspace.set_verdict(note.id, verdict, name, reason, note.version)
            if claim is not None or explanation is not None:
                note = workspace.edit_public(
                    note.id,
                    view.public_claim if claim is None else claim,
                    view.public_explanation if explanation is None else explanation,
                    name,
                    note.version,
                )
    say(f"{note.id} saved: {note.verdict.value}, {note.status.value}")


@app.command("reject")
def reject(
    ctx: typer.Context,
    note_id: str,
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    reviewer: Reviewer = None,
    group: Group = False,
    yes: Yes = False,
) -> None:
    """Reject a note, with a reason (and, with --group, its near-duplicates, after confirmation)."""
    with open_workspace(ctx) as workspace:
        name = reviewer_name(ctx, reviewer, workspace)
        note = _confirmed(lambda confirm: workspace.reject(note_id, name, reason, confirm=confirm), yes)
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
    verdict: Verdict,
    reviewer: Reviewer = None,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Change a note's verdict."""
    with open_workspace(ctx) as workspace:
        before = workspace.note(note_id)
        note = workspace.set_verdict(
            before.id, verdict, reviewer_name(ctx, reviewer, workspace), reason, before.version
        )
    say(f"{note.id} is now {note.verdict.value}{_status_change(before, note)}")


@app.command("export")
def export_notes(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            callback=_export_format,
            help="; ".join(f"{f.name}: {f.description}" for f in EXPORT_FORMATS) + ".",
        ),
    ] = "md",
    out: Annotated[
        str,
        typer.Option(
            "-o", "--out", help="Output file, '-' for stdout (default); a folder with --per-article."
        ),
    ] = "-",
    status: Annotated[Status, typer.Option("--status", help="Which notes.")] = Status.approved,
    article: Article = None,
    verdict: VerdictChoice = None,
    claim_type: TypeChoice = None,
    per_article: Annotated[
        bool, typer.Option("--per-article", help="Markdown: one file per article in the --out folder.")
    ] = False,
    include_unapproved: IncludeUnapproved = False,
) -> None:
    """Export notes for publishing. Exports never contain API keys, local paths or prompts."""
    with open_workspace(ctx) as workspace:
        export = workspace.export(
            fmt, workspace.queue_filter(article, verdict, claim_type, status), per_article, include_unapproved
        )
    for line in export.withheld:
        err_console.print(f"warning: {line}", soft_wrap=True)
    if out == "-" and not per_article:
        name, content = next(iter(export.files.items()))
        to_stdout(content, json_text=name.endswith((".json", ".jsonld", ".jsonl")), nl=False)
        sys.stdout.flush()  # a reader that stopped early (`| head`) ends the command here, before it claims more
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
