"""What a published note says, in the reviewer's words: the short claim and the public explanation. Until a
reviewer writes them, review shows a draft built from the claim, the verdict and the citations (never the
machine rationale), and approving the note approves what it showed. A draft is publishable as it stands: the
claim whole and in its own words, an explanation that names outlets and agrees with the verdict."""

from __future__ import annotations

import re

from factcheck.claims.statements import without_date
from factcheck.models import Citation, Claim, ClaimType, Note, Verdict
from factcheck.safety import public_text
from factcheck.text.metadata import outlet_from_url
from factcheck.text.sentences import sentence_spans

SHORT_CLAIM = 200  # characters: fact-check readers and search engines show short claims
LABELS = {
    Verdict.supported: "Supported",
    Verdict.partly_supported: "Partly supported",
    Verdict.refuted: "Refuted",
    Verdict.not_enough_evidence: "Not enough evidence",
}
# Where a long sentence may be cut into clauses that stand alone.
_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=—)")
# A subheading run into the next sentence ("Security RowThe West continues ...").
_GLUED = re.compile(r"^(?:[A-Z][a-z]+ )*[A-Z][a-z]+(?=[A-Z][a-z])")


def _whole(text: str) -> str:
    return public_text(text)


def _quote_of(claim: Claim) -> str:
    return claim.text.strip().strip('"“”').strip()


def _fitting(parts: list[str], must_hold: str, limit: int) -> str:
    """The shortest run of consecutive parts that holds `must_hold`, grown while it fits: whole parts only."""
    joined = [_whole(p) for p in parts if p.strip()]
    for size in range(len(joined), 0, -1):
        for start in range(len(joined) - size + 1):
            text = " ".join(joined[start : start + size])
            if len(text) <= limit and must_hold in text:
                return text
    return ""


def _said(claim: Claim, words: str) -> str:
    return f"{claim.speaker}: “{words}”" if claim.speaker else f"“{words}”"


def short_claim(note: Note, claim: Claim) -> str:
    """The reviewer's short claim; else one drafted from the claim in its own words, whole: the statement
    without its date (the date has its own field), a quote with who said it, or the clause of a long sentence
    that carries the checked words. Never cut mid-sentence, never longer than SHORT_CLAIM, and the checked
    figure or quote always kept."""
    if note.claim_reviewed.strip():
        return note.claim_reviewed.strip()
    span = _whole(claim.text)
    if claim.type == ClaimType.quote:
        quote = _quote_of(claim)
        if len(_said(claim, quote)) <= SHORT_CLAIM:
            return _said(claim, quote)
        sentences = [quote[a:b] for a, b in sentence_spans(quote)]
        room = SHORT_CLAIM - len(_said(claim, ""))
        first = _fitting(sentences, "", room) or _fitting(_CLAUSE.split(quote), "", room)
        if first:
            return _said(claim, first.rstrip(",;:"))
    for text in (without_date(claim.statement), claim.sentence):
        text = _whole(text)
        if text and len(text) <= SHORT_CLAIM and span in text:
            return text
    clause = _fitting(_CLAUSE.split(claim.sentence), span, SHORT_CLAIM)
    if clause:
        return clause.rstrip(",;:")
    # the checked words alone are longer than a short claim: their leading clauses, holding every figure
    figures = [q.text for q in claim.quantities if q.text in span]
    clauses, lead = [_whole(c) for c in _CLAUSE.split(span) if c.strip()], ""
    for clause in clauses:
        if len(f"{lead} {clause}".strip()) > SHORT_CLAIM:
            break
        lead = f"{lead} {clause}".strip()
    if lead and all(f in lead for f in figures):
        return lead.rstrip(",;:")
    return _fitting(clauses, figures[0] if figures else "", SHORT_CLAIM).rstrip(",;:") or lead.rstrip(",;:")


def _source(note: Note, citation: Citation) -> str:
    """A cited source as a reader knows it: its outlet (and date), never its headline."""
    item = next((e for e in note.evidence if e.passage_id == citation.passage_id), None)
    outlet = (item.outlet if item else "") or outlet_from_url(citation.document_url) or "an indexed source"
    published = item.published if item else None
    outlet = public_text(outlet)
    return f"{outlet} ({published:%-d %B %Y})" if published else outlet


def _quotable(quote: str) -> str:
    """A cited sentence as it may be quoted: whole, without a subheading run into it or control characters."""
    text = public_text(quote)
    glued = _GLUED.match(text)
    return text[glued.end() :] if glued else text


def public_explanation(note: Note) -> str:
    """The reviewer's explanation; else a drafted one in one or two plain sentences: what the cited sources show,
    each named by its outlet and date, consistent with the verdict (a note left unsettled never quotes evidence
    as if it settled the claim). Never the machine rationale."""
    if note.explanation.strip():
        return note.explanation.strip()
    label = LABELS[note.verdict]
    if note.verdict == Verdict.not_enough_evidence or not note.citations:
        return f"{label}: the sources checked do not settle this claim."
    sources = list(dict.fromkeys(_source(note, c) for c in note.citations))
    text = f"{label}. {sources[0]} reports: “{_quotable(note.citations[0].quote)}”"
    return text + (f" Also cited: {', '.join(sources[1:])}." if len(sources) > 1 else "")
