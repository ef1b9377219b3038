"""Deterministic checks, always run: quotes, quantities, dates, independence. They read only evidence that
is about the claim and independent of it, compare like with like (the same counted thing, place and time),
and never call a figure from a later date a refutation. Their results go into the note and the LLM prompt."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from factcheck.drafting.grounding import cite
from factcheck.models import CheckResult, Citation, Claim, ClaimType, EvidenceItem, Passage, Quantity
from factcheck.text.quantities import find_quantities, is_vague
from factcheck.text.speech import find_quotes
from factcheck.text.terms import countries, key_terms

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


# A figure described as moving ("now 130,000, up from earlier estimates") is a figure of another moment.
_CHANGE = re.compile(
    r"\b(?:up|down) from\b|\bfrom (?:an )?earlier\b|\b(?:now|currently|latest|revised|updated|so far)\b|"
    r"\b(?:rose|risen|rising|increased|grew|grown|climbed|jumped|surged|fell|fallen|dropped|declined|decreased)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_UP = re.compile(
    r"\b(?:increas\w*|rose|risen|rise[sn]?|rising|grew|grown|grow(?:s|ing|th)?|higher|gain(?:s|ed)?|"
    r"climb\w*|jump\w*|surg\w*|up)\b",
    re.I,
)
_DOWN = re.compile(
    r"\b(?:decreas\w*|fell|fallen|fall(?:s|ing)?|drop\w*|declin\w*|lower|down|cut|reduc\w*|"
    r"shr[au]nk|shrink\w*|loss(?:es)?|lost)\b",
    re.I,
)


def direction(text: str) -> str:
    """'up', 'down' or '' for a sentence that reports a change (and '' when it says both)."""
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    return "up" if up and not down else "down" if down and not up else ""


def independent(evidence: list[EvidenceItem]) -> list[EvidenceItem]:
    """Evidence that is not the claim's own article or its outlet."""
    return [e for e in evidence if not {"own_article", "same_outlet"} & set(e.flags)]


def usable(evidence: list[EvidenceItem]) -> list[EvidenceItem]:
    """Independent evidence that is about the claim: the only evidence a check may rest on."""
    return [e for e in independent(evidence) if e.about_claim]


def passage_of(item: EvidenceItem) -> Passage:
    return Passage(
        id=item.passage_id,
        document_id=item.document_id,
        index=0,
        start=item.start,
        end=item.end,
        text=item.text,
    )


def _cite(item: EvidenceItem, start: int, end: int) -> Citation:
    return cite(passage_of(item), start, end, item.title, item.url)


def speaker_surname(speaker: str) -> str:
    names = re.findall(r"[A-Z][\w'’-]+", speaker)
    return names[-1] if names else ""


NEAR_LENGTH = 0.8  # a near match must span at least this share of the quote's length
QUOTE_PART_WORDS = 6  # a part of a long quote counts when it has at least this many words
_CLAUSE = re.compile(r"(?<=[.;:!?])\s+|,\s+(?=(?:while|but|and|whereas|as|so|because|which|although)\b)")


def quote_parts(quote: str) -> list[str]:
    """The sentences and clauses of a long quote that can stand on their own: a source that reports part of
    what was said ("said Russian troops on Russian territory were London's main concern") reports it said."""
    parts = [p.strip(' ,.;:!?"“”') for p in _CLAUSE.split(quote)]
    return [p for p in parts if len(p.split()) >= QUOTE_PART_WORDS and p != quote.strip(" ,.;:!?")]


def _best_match(quote: str, items: list[EvidenceItem]) -> tuple[float, EvidenceItem, int, int] | None:
    """Where the quote is closest to verbatim in the evidence: (similarity 0-100, item, start, end)."""
    best: tuple[float, EvidenceItem, int, int] | None = None
    for item in items:
        position = item.text.lower().find(quote.lower())
        if position >= 0:
            return 100.0, item, position, position + len(quote)
        if len(item.text) < NEAR_LENGTH * len(quote):
            continue  # the source is shorter than the quote: it cannot carry it whole
        alignment = fuzz.partial_ratio_alignment(quote.lower(), item.text.lower())
        if alignment is None:  # nothing in common at all
            continue
        match = (alignment.score, item, alignment.dest_start, alignment.dest_end)
        if best is None or match[0] > best[0]:
            best = match
    return best


def _sentence_around(item: EvidenceItem, start: int, end: int) -> tuple[int, int]:
    """The passage offsets of the sentence (or sentences) holding text[start:end]."""
    inside = [s for s in item.sentences if s.end - item.start > start and s.start - item.start < end]
    if not inside:
        return start, end
    return inside[0].start - item.start, inside[-1].end - item.start


def _attributed(surname: str, item: EvidenceItem, start: int, end: int) -> bool:
    """The speaker is named in the sentence that carries the words."""
    if not surname:
        return False
    a, b = _sentence_around(item, start, end)
    return surname.lower() in item.text[a:b].lower()


def quote_check(claim: Claim, evidence: list[EvidenceItem]) -> tuple[CheckResult, list[Citation]]:
    """Did the speaker say it? Is the quoted text in another source about the claim, verbatim or nearly, and
    attributed to the same speaker; or, for a long quote, a sentence or clause of it? The quote is the claim's
    span, or the longest quotation inside it when the span reports speech."""
    inner = find_quotes(claim.text, 0, len(claim.text), min_words=3)
    quote = max(inner, key=lambda q: len(q.text)).text if inner else claim.text
    relevant = usable(evidence)
    surname = speaker_surname(claim.speaker)
    best = _best_match(quote, relevant)
    part = ""
    if best is None or best[0] < NEAR_QUOTE:
        for piece in quote_parts(quote):
            found = _best_match(piece, relevant)
            if found and found[0] >= NEAR_QUOTE and (not part or _attributed(surname, *found[1:])):
                best, part = found, piece
                if _attributed(surname, *found[1:]):
                    break
    if best is None or best[0] < NEAR_QUOTE:
        similarity = round(best[0], 1) if best else None
        return CheckResult(
            name="quote",
            outcome="not_found",
            similarity=similarity,
            detail="The quoted words were not found in any other source about the claim.",
        ), []
    similarity, item, start, end = best
    attributed = (
        _attributed(surname, item, start, end)
        if part
        else bool(surname) and (surname.lower() in item.text.lower())
    )
    how = "verbatim" if similarity == 100.0 else f"nearly ({similarity:.0f}% similar)"
    who = (
        f"and attributed to {surname}"
        if attributed
        else "but not attributed to the same speaker in that passage"
    )
    kind = "found_part" if part else "found_verbatim" if similarity == 100.0 else "found_near"
    what = f"Part of the quote ('{part}')" if part else "The quote"
    result = CheckResult(
        name="quote",
        outcome=kind + ("" if attributed else "_unattributed"),
        similarity=round(similarity, 1),
        detail=f"{what} appears {how} in evidence [{item.rank}] ({source_name(item)}) {who}.",
        passage_ids=[item.passage_id],
    )
    return result, [_cite(item, *_sentence_around(item, start, end))]  # the sentence, as it may be published


def source_name(item: EvidenceItem) -> str:
    """How a source is named to a reader: its outlet, else its title, else its document id."""
    return item.outlet or (f"'{item.title}'" if item.title else item.document_id)


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


def _modifiers(quantity: Quantity) -> set[str]:
    """Countries named inside the quantity's own phrase ('100,000 Moscow troops' -> {'russia'})."""
    return countries(quantity.text)


def same_thing(claim: Claim, claimed: Quantity, sentence: str, found: Quantity) -> bool:
    """Whether a figure in an evidence sentence counts the same thing as the claim's figure: the same unit or
    counted noun, no conflicting country in either phrase, and the sentence shares a named thing with the
    claim."""
    if not claimed.unit or _unit_key(found.unit) != _unit_key(claimed.unit):
        return False
    claim_countries, found_countries = _modifiers(claimed), _modifiers(found)
    if claim_countries and found_countries and not claim_countries & found_countries:
        return False  # "Russian troops" are not "US troops"
    context = countries(claim.sentence) | countries(claimed.text)
    if found_countries and context and not found_countries & context:
        return False
    named = {t for t in key_terms(f"{claim.sentence} {claim.statement}") if not t[0].isdigit()}
    return not named or bool(named & {t for t in key_terms(sentence) if not t[0].isdigit()})


def same_time(claim: Claim, sentence: str) -> bool:
    """False when both name years and none is shared: figures of different years are not compared."""
    claim_years, sentence_years = set(_YEAR.findall(claim.sentence)), set(_YEAR.findall(sentence))
    return not (claim_years and sentence_years and not claim_years & sentence_years)


# outcome, ratio, evidence, the figure's start and end in the passage, and what to cite: its whole sentence
Comparison = tuple[str, float, EvidenceItem, int, int, int, int]


def _compare_figure(claim: Claim, claimed: Quantity, evidence: list[EvidenceItem]) -> list[Comparison]:
    """Every figure in evidence about the claim that counts the same thing at the same time as `claimed`."""
    claimed_direction = direction(claim.sentence)
    found_all: list[Comparison] = []
    for item in usable(evidence):
        for sentence in item.sentences:
            if sentence.text.rstrip().endswith("?"):
                continue  # a question asserts nothing, even when it repeats the claim's figure
            for found in find_quantities(sentence.text):
                if is_vague(found) or not same_thing(claim, claimed, sentence.text, found):
                    continue
                if not same_time(claim, sentence.text):
                    continue
                found_direction = direction(sentence.text)
                if claimed_direction and found_direction != claimed_direction:
                    if not found_direction:
                        continue  # a change and a level are not the same thing
                    outcome = "disagree"  # "rose 27%" against "fell 27%"
                else:
                    outcome = compare_quantity(claimed.value, claimed.approximation, found.value)
                moved = "after_claim" in item.flags or _CHANGE.search(sentence.text)
                # "changed since" needs a moment to have changed since: an undated claim's figure just disagrees
                if outcome == "disagree" and moved and not claimed_direction and claim.claim_date is not None:
                    outcome = "changed_since"
                offset = sentence.start - item.start
                ratio = found.value / claimed.value if claimed.value else float("inf")
                start, end = offset + found.start, offset + found.end
                cited = (offset, offset + len(sentence.text))  # a whole sentence, as it may be published
                found_all.append((outcome, ratio, item, start, end, *cited))
    return found_all


def _figure_outcome(kinds: set[str]) -> str:
    if kinds == {"agree"} or kinds == {"agree", "changed_since"}:
        return "agree"  # the same figure (plus figures of another moment)
    if "agree" in kinds and "disagree" in kinds:
        return "mixed"
    if "disagree" in kinds:
        return "disagree"
    return "changed_since" if kinds else "not_comparable"


def quantity_check(claim: Claim, evidence: list[EvidenceItem]) -> tuple[CheckResult, list[Citation]]:
    """Compare each of the claim's figures with figures about the same thing, at the same time, in evidence
    about it. The claim agrees only when every figure does; a different figure dated after the claim, or
    described as moving, is "changed since", not a refutation."""
    figures = [q for q in claim.quantities if not is_vague(q)]
    per_figure = {q.text: _compare_figure(claim, q, evidence) for q in figures}
    outcomes = {text: _figure_outcome({c[0] for c in found}) for text, found in per_figure.items()}
    compared = [c for found in per_figure.values() for c in found]
    if not compared:
        unit = figures[0].unit if figures else ""
        return CheckResult(
            name="quantity",
            outcome="not_comparable",
            detail=f"No independent source about the claim gives a figure for the same "
            f"{unit or 'thing'} at the same time.",
        ), []
    results = set(outcomes.values())
    if results == {"agree"}:
        outcome = "agree"
    elif "mixed" in results or ("agree" in results and "disagree" in results):
        outcome = "mixed"
    elif "disagree" in results:
        outcome = "disagree"
    elif "agree" in results:
        outcome = "partial"  # some figures agree, the others are not found
    else:
        outcome = "changed_since"
    parts = [
        f"{c[2].text[c[3] : c[4]]!r} in evidence [{c[2].rank}] ({c[0].replace('_', ' ')}, ratio {c[1]:.2f})"
        for c in compared[:4]
    ]
    claimed_text = "; ".join(repr(t) for t in outcomes)
    detail = f"Claim says {claimed_text}; sources give " + "; ".join(parts) + "."
    if outcome == "partial":
        missing = [t for t, o in outcomes.items() if o == "not_comparable"]
        detail += f" No source gives {', '.join(repr(m) for m in missing)}."
    if outcome == "changed_since":
        detail += " The figure has changed over time: that is not a refutation of the claim when it was made."
    passages = list(dict.fromkeys(c[2].passage_id for c in compared))
    return CheckResult(name="quantity", outcome=outcome, detail=detail, passage_ids=passages), [
        _cite(c[2], c[5], c[6]) for c in compared[:4]
    ]


def date_check(claim: Claim, evidence: list[EvidenceItem]) -> CheckResult:
    relevant = usable(evidence)
    after = [e.passage_id for e in relevant if "after_claim" in e.flags]
    before = [e.passage_id for e in relevant if "long_before_claim" in e.flags]
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
            detail="No evidence about the claim is dated after it or more than a year before it.",
        )
    detail = []
    if after:
        detail.append(
            f"{len(after)} passage(s) are dated after the claim ({claim.claim_date}): they can show a "
            "change since, not refute it alone"
        )
    if before:
        detail.append(f"{len(before)} passage(s) are more than a year older than the claim")
    return CheckResult(
        name="date",
        outcome="after_claim" if after else "long_before",
        detail="; ".join(detail) + ".",
        passage_ids=after + before,
    )


def independence_check(evidence: list[EvidenceItem]) -> CheckResult:
    if not evidence:
        return CheckResult(name="independence", outcome="no_evidence", detail="No evidence was retrieved.")
    if not [e for e in evidence if e.about_claim]:
        return CheckResult(
            name="independence",
            outcome="none_about_claim",
            detail="None of the retrieved passages is about the claim.",
        )
    others = usable(evidence)
    if not others:
        return CheckResult(
            name="independence",
            outcome="same_outlet_only",
            detail="The only evidence about the claim comes from its own article or outlet.",
            passage_ids=[e.passage_id for e in evidence if e.about_claim],
        )
    outlets = {e.outlet or e.document_id for e in others}
    copies = sorted({c for e in others for c in e.copies})
    counted_once = (
        f" Copies of one story under other names count once: {', '.join(copies)}." if copies else ""
    )
    return CheckResult(
        name="independence",
        outcome="independent",
        detail=f"Evidence about the claim comes from {len(outlets)} source(s) other than the "
        f"claim's article and outlet.{counted_once}",
        passage_ids=[e.passage_id for e in others],
    )


def check_claim(claim: Claim, evidence: list[EvidenceItem]) -> tuple[list[CheckResult], list[Citation]]:
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
