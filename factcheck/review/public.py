"""What a published note says, in the reviewer's words: the short claim and the public explanation. Until a
reviewer writes them, review shows a suggestion built from the verdict and the citations (never the machine
rationale), and approving the note approves what it showed."""

from __future__ import annotations

from factcheck.models import Claim, Note, Verdict

SHORT_CLAIM = 120  # characters: fact-check readers and search engines show short claims
LABELS = {
    Verdict.supported: "Supported",
    Verdict.partly_supported: "Partly supported",
    Verdict.refuted: "Refuted",
    Verdict.not_enough_evidence: "Not enough evidence",
}


def short_claim(note: Note, claim: Claim) -> str:
    """The reviewer's short claim, else the claim's own words when short, else its statement cut at a word."""
    if note.claim_reviewed.strip():
        return note.claim_reviewed.strip()
    for text in (claim.text, claim.statement):
        if len(text) <= SHORT_CLAIM:
            return text
    cut = claim.statement[: SHORT_CLAIM - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def public_explanation(note: Note) -> str:
    """The reviewer's explanation, else one suggested from the verdict and the first citation."""
    if note.explanation.strip():
        return note.explanation.strip()
    label = LABELS[note.verdict]
    if note.citations:
        citation = note.citations[0]
        source = citation.document_title or "a source"
        return f"{label}. {source} says: “{citation.quote}”."
    return f"{label}. The sources checked do not settle this claim."
