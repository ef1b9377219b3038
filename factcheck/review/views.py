"""What a reviewer sees of a note: the note, its claim, its article, the passages it cites, earlier fact-checks
of its claim, why it is stale, and the text that would be published."""

from __future__ import annotations

from collections.abc import Callable

from factcheck.models import Claim, DocumentSummary, Note, NoteStatus, NoteView, PriorCheck
from factcheck.review.actions import Reviewing
from factcheck.review.public import public_explanation, short_claim
from factcheck.storage.db import ReviewStores

Headers = Callable[..., dict[str, DocumentSummary]]
PriorChecks = Callable[[list[Claim]], dict[str, list[PriorCheck]]]


def note_view(db: ReviewStores, note: Note, headers: Headers, prior_checks: PriorChecks) -> NoteView:
    claim = db.claim(note.claim_id)
    known = headers()
    if claim.document_id not in known or any(c.document_id not in known for c in note.citations):
        known = headers(refresh=True)  # a document indexed a moment ago by another process
    return NoteView(
        prior_checks=prior_checks([claim]).get(claim.id, []),
        stale_reason=Reviewing(db).stale_reason(note) if note.status == NoteStatus.stale else "",
        public_claim=short_claim(note, claim),
        public_explanation=public_explanation(note),
        note=note,
        claim=claim,
        document=known[claim.document_id],
        passages=db.passages_by_id(c.passage_id for c in note.citations),
        cited_documents={
            c.document_id: known[c.document_id] for c in note.citations if c.document_id in known
        },
    )
