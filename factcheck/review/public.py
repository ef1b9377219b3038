"""What a published note says, in the reviewer's words: the short claim and the public explanation. Until a
reviewer writes them, review shows a suggestion built from the verdict and the citations (never the machine
rationale), and approving the note approves what it showed."""

from __future__ import annotations

from factcheck.models import Claim, ClaimType, Note, Verdict

SHORT_CLAIM = 120  # characters: fact-check readers and search engines show short claims
LABELS = {
    Verdict.supported: "Supported",
    Verdict.partly_supported: "Partly supported",
    Verdict.refuted: "Refuted",
    Verdict.not_enough_evidence: "Not enough evidence",
}


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def short_claim(note: Note, claim: Claim) -> str:
    """The reviewer's short claim; else a drafted one that stands alone: the claim's self-contained statement
    (who said what, where, when), or the speaker and their words, or the sentence; cut at a word at most."""
    if note.claim_reviewed.strip():
        return note.claim_reviewed.strip()
    candidates = [claim.statement]
    if claim.speaker and claim.type == ClaimType.quote:
        candidates.append(f"{claim.speaker}: “{claim.text.strip(chr(34) + '“”')}”")
    elif claim.speaker and claim.type == ClaimType.attribution:
        candidates.append(f"{claim.speaker}: {claim.text}")
    candidates.append(claim.sentence)
    for text in candidates:
        text = " ".join(text.split())
        if text and len(text) <= SHORT_CLAIM:
            return text
    return _cut(" ".join(claim.statement.split()), SHORT_CLAIM)


QUOTED = 200  # characters of a source quoted in a drafted explanation


def public_explanation(note: Note) -> str:
    """The reviewer's explanation; else a drafted one: one or two plain sentences that say the verdict and
    name the sources it rests on, with the words of the first (never the machine rationale)."""
    if note.explanation.strip():
        return note.explanation.strip()
    label = LABELS[note.verdict]
    if not note.citations:
        return f"{label}: the sources checked do not settle this claim."
    sources = list(dict.fromkeys(c.document_title or "an indexed source" for c in note.citations))
    first = note.citations[0]
    named = (
        sources[0]
        if len(sources) == 1
        else f"{sources[0]} and {len(sources) - 1} other source" + ("s" if len(sources) > 2 else "")
    )
    return f"{label}, according to {named}. {first.document_title or 'A source'} reports: “{_cut(first.quote, QUOTED)}”"
