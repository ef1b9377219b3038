"""`factcheck review`: walk the queue of drafted notes with single keys."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from factcheck.cli.common import console, edit_in_editor, open_workspace, reviewer_name, say
from factcheck.cli.options import Article, ByRecord, Reviewer, Status, TypeChoice, VerdictChoice
from factcheck.cli.render import render_brief, render_evidence, render_note, render_sentences
from factcheck.errors import InputError, NeedsConfirmation
from factcheck.models import EvidenceItem, QueueItem, Verdict
from factcheck.workspace import Workspace

KEYS = "[a]pprove [r]eject [v]erdict [e]dit [c]ite [x] uncite [o]rder [d]etails [s]kip [b]ack [q]uit"
VERDICTS = list(Verdict)


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)


def _keys_readable() -> bool:
    """A terminal on stdin, or a key reader installed in place of one (typer's test runner does that)."""
    termui = sys.modules[typer.getchar.__module__]
    return sys.stdin.isatty() or getattr(termui, "_getchar", None) is not None


def review_command(
    ctx: typer.Context,
    article: Article = None,
    verdict: VerdictChoice = None,
    claim_type: TypeChoice = None,
    status: Annotated[Status, typer.Option("--status", help="Which notes to walk.")] = Status.draft,
    reviewer: Reviewer = None,
    by_record: ByRecord = False,
) -> None:
    """Review drafted notes one by one: approve, reject, change the verdict, edit, add citations."""
    if not _keys_readable():
        raise InputError(
            "review reads single keys and needs a terminal; without one, use `factcheck notes approve|reject|"
            "set-verdict NOTE_ID`, or review in the browser with `factcheck serve`"
        )
    with open_workspace(ctx) as workspace:
        name = reviewer_name(ctx, reviewer, workspace)
        if not name:
            raise InputError("who is reviewing? pass --reviewer NAME or set FACTCHECK_REVIEWER")
        items = workspace.queue(
            workspace.queue_filter(article, verdict, claim_type, status, by_record=by_record)
        )
        if not items:
            say("nothing to review: no notes match (draft notes with `factcheck draft`)")
            return
        saved = workspace.review_position(name)
        index = next((i for i, item in enumerate(items) if item.note.id == saved), 0)
        while 0 <= index < len(items):
            note_id = items[index].note.id
            workspace.review_position(name, note_id)
            view = workspace.note_view(note_id)
            render_brief(console, view, f"{index + 1}/{len(items)}")
            say(KEYS)
            key = typer.getchar().lower()
            try:
                step = _act(key, QueueItem(note=view.note, claim=view.claim), workspace, name)
            except InputError as exc:
                console.print(str(exc), style="red")
                continue
            if step == "quit":
                say(f"stopped at {note_id}; `factcheck review` resumes here")
                return
            index = max(index + int(step), 0)
        if index >= len(items):
            say("end of the queue")


def _sentence_number(item: EvidenceItem) -> int | None:
    render_sentences(console, item)
    answer = typer.prompt("sentence number (Enter: the highlighted one)", default="", show_default=False)
    if not answer.strip():
        return None
    if not answer.strip().isdigit():
        raise InputError(f"{answer!r} is not a sentence number; nothing was cited")
    return int(answer)


def _cite(item: QueueItem, workspace: Workspace, name: str) -> int:
    """Cite by number: an evidence passage, then a sentence (Enter: the highlighted one). Words instead of a
    number search other passages; a sentence is still chosen by number, never typed."""
    note_id, evidence = item.note.id, item.note.evidence
    answer = typer.prompt(
        "evidence number to cite, or words to search other passages",
        default="1" if evidence else item.claim.statement,
    )
    if answer.strip().isdigit():
        rank = int(answer)
        chosen = next((e for e in evidence if e.rank == rank), None)
        if chosen is None:
            raise InputError(f"there is no evidence [{rank}]; choose 1-{len(evidence)}")
        workspace.cite_evidence(note_id, rank, _sentence_number(chosen), name)
        say(f"cited evidence [{rank}] in {note_id}")
        return 0
    found = workspace.search_evidence(answer, item.claim.id, k=5)
    if not found:
        raise InputError("no passages found for that search")
    render_evidence(console, found)
    pick = typer.prompt("passage number", type=int)
    chosen = next((e for e in found if e.rank == pick), None)
    if chosen is None:
        raise InputError(f"choose a passage between 1 and {len(found)}")
    number = _sentence_number(chosen) or (chosen.best[0] if chosen.best else 1)
    sentence = next((s for s in chosen.sentences if s.number == number), None)
    if sentence is None:
        raise InputError(f"passage {pick} has sentences 1-{len(chosen.sentences)}")
    workspace.add_citation(note_id, chosen.passage_id, sentence.text, name)
    say(f"cited {chosen.passage_id} in {note_id}")
    return 0


def _approve(item: QueueItem, workspace: Workspace, name: str) -> int:
    """Approve, naming the verdict that gets published; ask once when it is not the one the evidence leans to."""
    try:
        note = workspace.approve(item.note.id, name, item.note.version)
    except NeedsConfirmation as exc:
        console.print(str(exc), style="yellow")
        if not typer.confirm(exc.question, default=False):
            say(exc.refused.split(" (")[0])
            return 0
        note = workspace.approve(item.note.id, name, item.note.version, confirm=True)
    published = note.verdict.value.replace("_", " ")
    say(
        f"approved {note.id}: published as {published}"
        if note.status.value == "approved"
        else f"signed off {note.id} ({published})"
    )
    return 1


def _arrange(key: str, item: QueueItem, workspace: Workspace, name: str) -> int:
    """x: remove a citation by number; o: put the citations in a new order ("2,1")."""
    count = len(item.note.citations)
    if not count:
        raise InputError("this note has no citations")
    if key == "x":
        answer = typer.prompt(f"citation to remove (1-{count})")
        if not answer.strip().isdigit() or not 1 <= int(answer) <= count:
            raise InputError(f"{answer!r} is not a citation number 1-{count}; nothing was removed")
        order = [n for n in range(1, count + 1) if n != int(answer)]
    else:
        answer = typer.prompt(
            f"new order of citations 1-{count}, e.g. {','.join(map(str, range(count, 0, -1)))}"
        )
        parts = [p.strip() for p in answer.split(",")]
        if not all(p.isdigit() for p in parts) or sorted(int(p) for p in parts) != list(range(1, count + 1)):
            raise InputError(f"{answer!r} does not list citations 1-{count} once each; order unchanged")
        order = [int(p) for p in parts]
    note = workspace.arrange_citations(item.note.id, order, name, item.note.version)
    back = (
        " (back in review: the approved text changed)"
        if item.note.status.value == "approved" != note.status.value
        else ""
    )
    say(f"citations of {note.id}: {len(note.citations)}{back}")
    return 0


def _details(item: QueueItem, workspace: Workspace, name: str) -> int:
    render_note(console, workspace.note_view(item.note.id))
    typer.prompt("Enter: back to the note", default="", show_default=False)
    return 0


def _reject(item: QueueItem, workspace: Workspace, name: str) -> int:
    reason = typer.prompt("reason for rejecting")
    workspace.reject(item.note.id, name, reason)
    say(f"rejected {item.note.id}")
    return 1


def _verdict(item: QueueItem, workspace: Workspace, name: str) -> int:
    say("  ".join(f"[{n}] {v.value}" for n, v in enumerate(VERDICTS, 1)))
    choice = typer.getchar()
    if not choice or choice not in "1234":
        raise InputError(f"{choice!r} is not 1-4; verdict unchanged")
    note = workspace.set_verdict(item.note.id, VERDICTS[int(choice) - 1], name)
    if item.note.status.value == "approved" != note.status.value:
        say(f"{note.id} is back in review: the approved verdict changed")
    return 0


def _edit(item: QueueItem, workspace: Workspace, name: str) -> int:
    text, pending = workspace.edit_text(item.note.id, name)
    edited = edit_in_editor(text)
    if edited == text and not pending:
        say("no changes")
        return 0
    workspace.save_edit(item.note.id, edited, name)
    say(f"saved edit to {item.note.id}")
    return 0


ACTIONS = {
    "a": _approve,
    "r": _reject,
    "v": _verdict,
    "e": _edit,
    "c": _cite,
    "x": lambda item, workspace, name: _arrange("x", item, workspace, name),
    "o": lambda item, workspace, name: _arrange("o", item, workspace, name),
    "d": _details,
}
MOVES: dict[str, int | str] = {"s": 1, "b": -1, "q": "quit"}


def _act(key: str, item: QueueItem, workspace: Workspace, name: str) -> int | str:
    """Apply one key; returns how far to move in the queue, or 'quit'."""
    if key in ACTIONS:
        return ACTIONS[key](item, workspace, name)
    if key in MOVES:
        return MOVES[key]
    raise InputError(f"unknown key {key!r}; {KEYS}")
