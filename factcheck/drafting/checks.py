"""Deterministic checks, always run: quotes, quantities, dates, independence. Their results go into
the note and into the LLM prompt."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from factcheck.drafting.grounding import cite
from factcheck.models import CheckResult, Citation, Claim, ClaimType, Evidence
from factcheck.text.quantities import find_quantities
from factcheck.text.speech import find_quotes

NEAR_QUOTE = 85.0  # rapidfuzz partial ratio at or above which a quote is "nearly" found
_TOLERANCE = {
    "": 0.05,
    "about": 0.15,
    "around": 0.15,
    "approximately": 0.15,
    "roughly": 0.15,
    "some": 0.15,
    "an estimated": 0.15,
    "estimated": 0.15,
    "close to": 0.1,
}
_AT_LEAST = {"more than", "over", "at least", "upwards of", "well over", "just over", "no fewer than"}
_AT_MOST = {
    "up to",
    "at most",
    "less than",
    "fewer than",
    "under",
    "just under",
    "no more than",
    "as many as",
    "as much as",
}
_BELOW = {"nearly", "almost"}
_SYNONYMS = [
    {"troop", "soldier", "serviceman", "servicemen", "personnel", "force"},
    {"people", "person"},
    {"percent", "cent", "%"},
    {"dollar", "usd"},
]


def independent(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence that is not the claim's own article or its outlet."""
    return [e for e in evidence if not {"own_article", "same_outlet"} & set(e.flags)]


def _surname(speaker: str) -> str:
    names = list(re.findall(r"[A-Z][\w'’-]+", speaker))
    return names[-1] if names else ""


def quote_check(claim: Claim, evidence: list[Evidence]) -> tuple[CheckResult, list[Citation]]:
    """Is the quoted text in another source, verbatim or nearly, and attributed to the same speaker?
    The quote is the claim's span, or the longest quotation inside it when the span reports speech."""
    inner = find_quotes(claim.text, 0, len(claim.text), min_words=3)
    quote = max(inner, key=lambda q: len(q.text)).text if inner else claim.text
    best: tuple[float, Evidence, int, int] | None = None
    for item in independent(evidence):
        text = item.passage.text
        position = text.lower().find(quote.lower())
        if position >= 0:
            match = (100.0, item, position, position + len(quote))
        else:
            alignment = fuzz.partial_ratio_alignment(quote.lower(), text.lower())
            if alignment is None:  # nothing in common at all
                continue
            match = (alignment.score, item, alignment.dest_start, alignment.dest_end)
        if best is None or match[0] > best[0]:
            best = match
    if best is None or best[0] < NEAR_QUOTE:
        similarity = round(best[0], 1) if best else None
        return CheckResult(
            name="quote",
            outcome="not_found",
            similarity=similarity,
            detail="The quoted words were not found in any other indexed source.",
        ), []
    similarity, item, start, end = best
    surname = _surname(claim.speaker)
    attributed = bool(surname) and surname.lower() in item.passage.text.lower()
    how = "verbatim" if similarity == 100.0 else f"nearly ({similarity:.0f}% similar)"
    who = (
        f"and attributed to {surname}"
        if attributed
        else "but not attributed to the same speaker in that passage"
    )
    result = CheckResult(
        name="quote",
        outcome=("found_verbatim" if similarity == 100.0 else "found_near")
        + ("" if attributed else "_unattributed"),
        detail=f"The quote appears {how} in '{item.document_title or item.passage.document_id}' {who}.",
        passage_ids=[item.passage.id],
        similarity=round(similarity, 1),
    )
    return result, [cite(item.passage, start, end, item.document_title, item.document_url)]


def _unit_key(unit: str) -> str:
    word = unit.lower().removesuffix("s") if unit.lower() not in ("people", "personnel") else unit.lower()
    for group in _SYNONYMS:
        if word in group or unit.lower() in group:
            return sorted(group)[0]
    return word


def compare_quantity(claimed: float, approximation: str, found: float) -> str:
    """'agree' or 'disagree', following the claim's own wording."""
    ratio = found / claimed if claimed else float("inf")
    if approximation in _AT_LEAST:
        return "agree" if ratio >= 0.98 else "disagree"
    if approximation in _AT_MOST:
        return "agree" if ratio <= 1.02 else "disagree"
    if approximation in _BELOW:
        return "agree" if 0.85 <= ratio <= 1.02 else "disagree"
    tolerance = _TOLERANCE.get(approximation, 0.15)
    return "agree" if abs(ratio - 1) <= tolerance else "disagree"


def quantity_check(claim: Claim, evidence: list[Evidence]) -> tuple[CheckResult, list[Citation]]:
    """Compare the claim's quantity with quantities of the same unit in independent evidence."""
    claimed = claim.quantities[0]
    key = _unit_key(claimed.unit)
    outcomes: list[tuple[str, float, Evidence, int, int]] = []
    for item in independent(evidence):
        for found in find_quantities(item.passage.text):
            if not key or _unit_key(found.unit) != key:
                continue
            outcomes.append(
                (
                    compare_quantity(claimed.value, claimed.approximation, found.value),
                    found.value / claimed.value,
                    item,
                    found.start,
                    found.end,
                )
            )
    if not outcomes:
        return CheckResult(
            name="quantity",
            outcome="not_comparable",
            detail=f"No independent source gives a number of {claimed.unit or 'the same thing'}.",
        ), []
    kinds = {o[0] for o in outcomes}
    outcome = "agree" if kinds == {"agree"} else "disagree" if kinds == {"disagree"} else "mixed"
    parts = [
        f"{o[2].passage.text[o[3] : o[4]]!r} in '{o[2].document_title or o[2].passage.document_id}' "
        f"({o[0]}, ratio {o[1]:.2f})"
        for o in outcomes[:4]
    ]
    detail = f"Claim says {claimed.text!r}; sources give " + "; ".join(parts) + "."
    citations = [cite(o[2].passage, o[3], o[4], o[2].document_title, o[2].document_url) for o in outcomes[:4]]
    return CheckResult(
        name="quantity",
        outcome=outcome,
        detail=detail,
        passage_ids=list(dict.fromkeys(o[2].passage.id for o in outcomes)),
    ), citations


def date_check(claim: Claim, evidence: list[Evidence]) -> CheckResult:
    after = [e.passage.id for e in evidence if "after_claim" in e.flags]
    before = [e.passage.id for e in evidence if "long_before_claim" in e.flags]
    if claim.claim_date is None:
        return CheckResult(
            name="date",
            outcome="unknown",
            detail="The claim has no date, so evidence dates were not compared.",
        )
    if not after and not before:
        return CheckResult(
            name="date",
            outcome="consistent",
            detail="No evidence is dated after the claim or more than a year before it.",
        )
    detail = []
    if after:
        detail.append(f"{len(after)} passage(s) are dated after the claim ({claim.claim_date})")
    if before:
        detail.append(f"{len(before)} passage(s) are more than a year older than the claim")
    return CheckResult(
        name="date",
        outcome="after_claim" if after else "long_before",
        detail="; ".join(detail) + ".",
        passage_ids=after + before,
    )


def independence_check(evidence: list[Evidence]) -> CheckResult:
    if not evidence:
        return CheckResult(name="independence", outcome="no_evidence", detail="No evidence was retrieved.")
    others = independent(evidence)
    if not others:
        return CheckResult(
            name="independence",
            outcome="same_outlet_only",
            detail="The only evidence comes from the claim's own article or outlet.",
            passage_ids=[e.passage.id for e in evidence],
        )
    outlets = {e.outlet or e.passage.document_id for e in others}
    return CheckResult(
        name="independence",
        outcome="independent",
        detail=f"Evidence comes from {len(outlets)} source(s) other than the claim's outlet.",
        passage_ids=[e.passage.id for e in others],
    )


def check_claim(claim: Claim, evidence: list[Evidence]) -> tuple[list[CheckResult], list[Citation]]:
    """Every check that applies to the claim, and the citations the checks rest on."""
    results, citations = [], []
    if claim.type == ClaimType.quote:
        result, cited = quote_check(claim, evidence)
        results.append(result)
        citations += cited
    if claim.quantities:
        result, cited = quantity_check(claim, evidence)
        results.append(result)
        citations += cited
    results.append(date_check(claim, evidence))
    results.append(independence_check(evidence))
    return results, citations
