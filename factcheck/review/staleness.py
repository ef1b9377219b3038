"""Sources change; notes follow. After documents changed (or before they are removed), claims on them are
re-anchored to their words, and every note citing them or resting on them is checked again: one that no longer
holds becomes stale, with the reason in its history."""

from __future__ import annotations

from factcheck.claims.detect import reanchor
from factcheck.errors import InputError
from factcheck.models import Note, NoteStatus
from factcheck.review import actions
from factcheck.storage.db import ReviewStores


def before_removal(db: ReviewStores, document_id: str, force: bool) -> None:
    """Refuse to remove a document approved notes cite or rest on, unless `force`: then they become stale."""
    depending = sorted(
        {
            n.id
            for n in db.notes_citing([document_id]) + db.notes_on([document_id])
            if n.status == NoteStatus.approved
        }
    )
    if depending and not force:
        raise InputError(
            f"{len(depending)} approved note(s) depend on {document_id} ({', '.join(depending[:3])}"
            f"{', ...' if len(depending) > 3 else ''}); pass --force to remove it anyway (they become stale and "
            "stay out of exports until re-approved)"
        )
    sources_changed(db, [document_id], removed=True)


def sources_changed(db: ReviewStores, document_ids: list[str], removed: bool = False) -> list[str]:
    """Re-anchor the claims of changed documents and mark stale every note that no longer holds; returns the
    ids of the notes marked stale."""
    lost = set() if removed else _reanchor(db, document_ids)
    notes = {n.id: n for n in db.notes_citing(document_ids) + db.notes_on(document_ids)}
    on_removed = {n.id for n in db.notes_on(document_ids)} if removed else set()
    stale = []
    for note in notes.values():
        if note.status not in (NoteStatus.draft, NoteStatus.approved):
            continue
        reason = _why_stale(db, note, document_ids, removed, note.id in on_removed, note.claim_id in lost)
        if reason:
            actions.Reviewing(db).mark_stale(note, reason)
            stale.append(note.id)
    return stale


def _reanchor(db: ReviewStores, document_ids: list[str]) -> set[str]:
    """Claims follow their words in changed documents; returns the ids of claims whose words are gone."""
    lost: set[str] = set()
    for document_id in document_ids:
        text = db.document(document_id).text
        for claim in db.claims(document_id):
            moved = reanchor(claim, text)
            if moved != claim:
                db.save_claim(moved)
            if moved.anchor == "lost":
                lost.add(claim.id)
    return lost


def _why_stale(
    db: ReviewStores, note: Note, document_ids: list[str], removed: bool, on_removed: bool, claim_lost: bool
) -> str:
    if on_removed:
        return "its article was removed from the workspace"
    if removed:
        return f"a cited source was removed from the workspace ({', '.join(document_ids)})"
    if claim_lost:
        return "the words of its claim are no longer in its article"
    if problems := actions.Reviewing(db).citation_problems(note):
        return f"a cited source changed: {problems[0]}"
    return ""
