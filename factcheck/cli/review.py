"""`factcheck review`: walk the queue of drafted notes with single keys."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

import typer

from factcheck.review import actions as review
from factcheck.errors import InputError
from factcheck.models import Verdict
from .common import console, open_workspace
from .notes import ARTICLE, REVIEWER, TYPE, VERDICT, queue_filter, reviewer_name
from .render import render_note

KEYS = "[a]pprove  [r]eject  [v]erdict  [e]dit  [c]ite  [s]kip  [b]ack  [q]uit"
VERDICTS = list(Verdict)


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)


def review_command(
    ctx: typer.Context, article: str = ARTICLE, verdict: str = VERDICT, claim_type: str = TYPE,
    status: str = typer.Option("draft", "--status", help="Which notes to walk: draft (default), failed, all, ..."),
    reviewer: str = REVIEWER,
) -> None:
    """Review drafted notes one by one: approve, reject, change the verdict, edit in $EDITOR, add citations."""
    name = reviewer_name(ctx, reviewer)
    if not name:
        raise InputError("who is reviewing? pass --reviewer NAME or set FACTCHECK_REVIEWER")
    with open_workspace(ctx) as workspace:
        db = workspace.db
        items = review.queue(db, queue_filter(workspace, article, verdict, claim_type, status))
        if not items:
            say("nothing to review: no notes match (draft notes with `factcheck draft`)")
            return
        pending = review.PendingEdits(workspace.settings.home)
        saved = db.review_position(name)
        index = next((i for i, item in enumerate(items) if item.note.id == saved), 0)
        while 0 <= index < len(items):
            item = items[index] = review.QueueItem(db.note(items[index].note.id), items[index].claim)
            db.set_review_position(name, item.note.id)
            render_note(console, db, item, f"{index + 1}/{len(items)}")
            console.print(KEYS, style="bold", markup=False, highlight=False)
            key = typer.getchar().lower()
            try:
                step = _act(key, item, db, workspace, pending, name)
            except InputError as exc:
                console.print(str(exc), style="red", markup=False)
                continue
            if step == "quit":
                say(f"stopped at {item.note.id}; `factcheck review` resumes here")
                return
            index = max(index + step, 0)
        if index >= len(items):
            say("end of the queue")


def say(message: str) -> None:
    console.print(message, markup=False, highlight=False)


def edit_in_editor(text: str) -> str:
    """Open text in $VISUAL/$EDITOR (default vi) and return what the person saved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "note.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise InputError(f"cannot start the editor {editor!r} ({exc.strerror}); set EDITOR to one you have") from None
        if code != 0:
            raise InputError(f"the editor {editor!r} exited with status {code}; nothing was changed")
        return path.read_text(encoding="utf-8")


def _act(key, item, db, workspace, pending, name):
    """Apply one key; returns how far to move in the queue, or 'quit'."""
    note_id = item.note.id
    if key == "a":
        review.approve(db, note_id, name)
        say(f"approved {note_id}")
        return 1
    if key == "r":
        reason = typer.prompt("reason for rejecting")
        review.reject(db, note_id, name, reason)
        say(f"rejected {note_id}")
        return 1
    if key == "v":
        console.print("  ".join(f"[{n}] {v.value}" for n, v in enumerate(VERDICTS, 1)), markup=False)
        choice = typer.getchar()
        if choice not in "1234" or not choice:
            raise InputError(f"{choice!r} is not 1-4; verdict unchanged")
        review.set_verdict(db, note_id, VERDICTS[int(choice) - 1], name)
        return 0
    if key == "e":
        text = pending.load(note_id) or review.edit_text(item.note, item.claim)
        edited = edit_in_editor(text)
        if edited == text and not pending.load(note_id):
            say("no changes")
            return 0
        try:
            review.apply_edit(db, note_id, edited, name)
        except InputError as exc:
            path = pending.save(note_id, edited)
            raise InputError(f"edit not saved: {exc}. Your text is kept in {path}; press e to fix it") from None
        pending.clear(note_id)
        say(f"saved edit to {note_id}")
        return 0
    if key == "c":
        query = typer.prompt("search for evidence", default=item.claim.statement)
        hits = workspace.search(query, k=5)
        for number, hit in enumerate(hits, 1):
            console.print(f"[{number}] {hit.passage.id} {hit.document_title}: {hit.passage.text[:200]}", markup=False)
        if not hits:
            raise InputError("no passages found for that search")
        choice = typer.prompt("passage number", type=int)
        if not 1 <= choice <= len(hits):
            raise InputError(f"choose a passage between 1 and {len(hits)}")
        quote = typer.prompt("quote (exact words from the passage)")
        review.add_citation(db, note_id, hits[choice - 1].passage.id, quote, name)
        return 0
    if key == "s":
        return 1
    if key == "b":
        return -1
    if key == "q":
        return "quit"
    raise InputError(f"unknown key {key!r}; {KEYS}")
