"""Isolate checkable claims: exact spans, types, speakers, quantities, a score and a standalone statement."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from factcheck.claims.statements import statement_for
from factcheck.models import Claim, ClaimType, Document, Quantity, Span
from factcheck.text.quantities import find_quantities, quantity_claim_span
from factcheck.text.sentences import Sentence, split_sentences
from factcheck.text.speech import Attribution, find_attribution, find_quotes, is_person_like

MIN_QUOTE_WORDS = 6
# A "sentence" longer than this has no sentence ends the splitter can find (a run-on dump, not prose): the rules
# cannot read it, and turning each of its numbers into a claim that carries all of it would take quadratic time.
MAX_SENTENCE_CHARS = 2000
LEARNED_WEIGHT = (
    0.35  # share of the learned scorer in the blended score (chosen on ClaimBuster + the examples)
)
# Reported speech ("X said that ...", quotes) is checkable as speech: did X say it? Its first person is the
# speaker's, so the rules' intention and anecdote penalties skip it, and it keeps its rule score: the learned
# scorer, trained on debate sentences where it is rare, scores it near 0 on news.
REPORTED_SPEECH = (ClaimType.attribution, ClaimType.quote)
_DATELINE = re.compile(r"[A-Z][A-Z .,'-]{2,40}\s+[-–—]+\s+")
_CONNECTIVE = re.compile(
    r"(?:For information|Even so|At the same time|Meanwhile|However|In addition|Moreover|Furthermore|Also|"
    r"Still|"
    r"Nevertheless|Nonetheless|Indeed|In fact|Separately|Similarly|Besides|Among (?:its|their|"
    r"the) recent developments|"
    r"In (?:her|his|their) turn|On the other hand|By contrast),\s+"
)
_TRAILING_ASIDE = re.compile(r",\s+(?:which|who|whose|as part of|amid|in a bid)\b.*$", re.S)
_OPINION = re.compile(
    r"\b(?:should|must|ought to|need to|needs to|I think|we think|I believe|we believe|in my view|"
    r"regrettable|"
    r"unfortunately|hopefully|shame|disgrace|nothing short of|up to something|looks more like|it seems)\b",
    re.I,
)
_HEDGE = re.compile(r"\b(?:may|might|could|perhaps|possibly|allegedly|reportedly)\b", re.I)
# A speaker's own intentions and requests ("I want to give every family $5,000") are promises, not facts.
_INTENTION = re.compile(
    r"\b(?:I|we)(?:'m|'re| am| are)?\s+(?:really\s+|also\s+)?(?:want|going|gonna|would like|plan|intend|hope|"
    r"propose|ask|will|'ll|shall|need to|have to|must)\b|\b(?:I|we)'ll\b|\blet(?:'s| us| me)\b",
    re.I,
)
# A speaker's own experiences told as a story ("When I was in the Senate I worked with", "two days ago we ate
# lunch") are anecdotes, not public record. On ClaimBuster's crowd labels (scored out-of-fold) it turns down about
# twice as many non-check-worthy sentences as check-worthy ones.
_ANECDOTE = re.compile(
    r"^(?:\W*\w+\W+){0,3}?(?:I|we)(?:'ve| have| had)?\s+(?:was|were|been|met|went|came|ate|grew up|worked|"
    r"served|visited|talked|spoke|sat|saw|heard|stood|lived|traveled|travelled)\b",
    re.I,
)
_CAUSAL = re.compile(
    r"\b(?:because|due to|caused|causes|led to|leads to|as a result|resulted in|results in|owing to|"
    r"thanks to|blamed)\b",
    re.I,
)
_COMPARISON = re.compile(
    r"\b(?:(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|worse|better|faster|slower) than|"
    r"unlike|"
    r"compared (?:with|to)|the (?:largest|biggest|highest|lowest|most|least|first|only|worst|best)|twice as|"
    r"record (?:high|low)|while (?:NATO|the)\b)",
    re.I,
)
_PREDICTION = re.compile(
    r"\b(?:will|would|is expected to|are expected to|is going to|plans? to|is planning to|forecasts?|"
    r"predicts?)\b",
    re.I,
)
_EVENT_VERB = re.compile(
    r"\b(?:\w{3,}ed|sent|met|held|took|made|won|lost|began|went|left|came|fell|rose|gave|brought|built|fought|"
    r"shot|struck|hit|signed|visited|withdrawn|drawn|seen|shown|sold|paid|spent|cut|set|put)\b"
)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+|\b[A-Z]{2,}\b")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TYPE_BASE = {
    ClaimType.quantity: 0.72,
    ClaimType.quote: 0.6,
    ClaimType.attribution: 0.55,
    ClaimType.event: 0.6,
    ClaimType.comparison: 0.55,
    ClaimType.causal: 0.55,
    ClaimType.prediction: 0.42,
    ClaimType.other: 0.3,
}

# A learned scorer: sentence text -> probability that it is check-worthy. Plugged in by the caller.
SentenceScorer = Callable[[list[str]], list[float]]
# The hook for an LLM pass over each claim (statement and type); it must not move the span.
ClaimRefiner = Callable[[Claim, Document], Claim]


@dataclass
class _Context:
    last_speaker: str = ""  # the nearest named speaker, for "he continued"


def claim_id(document_id: str, start: int, end: int) -> str:
    return "c" + hashlib.sha1(f"{document_id}:{start}:{end}".encode()).hexdigest()[:11]


def core_span(text: str, sentence: Sentence, trim_aside: bool = False) -> tuple[int, int]:
    """The sentence without datelines, leading connectives, trailing asides and the final period."""
    start, end = sentence.start, sentence.end
    for pattern in (_DATELINE, _CONNECTIVE):
        if match := pattern.match(text, start, end):
            start = match.end()
    if trim_aside and (aside := _TRAILING_ASIDE.search(text, start, end)):
        end = aside.start()
    while end > start and text[end - 1] in ".!?;: ":
        end -= 1
    return start, end


def classify(sentence_text: str, attribution: Attribution | None) -> ClaimType:
    if attribution is not None:
        return ClaimType.attribution
    if _CAUSAL.search(sentence_text):
        return ClaimType.causal
    if _COMPARISON.search(sentence_text):
        return ClaimType.comparison
    if _PREDICTION.search(sentence_text):
        return ClaimType.prediction
    if _EVENT_VERB.search(sentence_text) and _PROPER.search(sentence_text):
        return ClaimType.event
    return ClaimType.other


def rule_score(claim_type: ClaimType, sentence_text: str, quantities: list[Quantity]) -> float:
    """Check-worthiness from surface features; the learned scorer, when present, is blended in."""
    score = _TYPE_BASE[claim_type]
    score += 0.04 * min(len(_PROPER.findall(sentence_text)), 4)
    if quantities:
        score += 0.1
    if _OPINION.search(sentence_text):
        score -= 0.1 if claim_type in REPORTED_SPEECH else 0.2
    if _HEDGE.search(sentence_text):
        score -= 0.08
    if claim_type not in REPORTED_SPEECH:  # reported speech stays checkable: did they say it?
        if _INTENTION.search(sentence_text):
            score -= 0.2
        if _ANECDOTE.search(sentence_text):
            score -= 0.2
    if sentence_text.rstrip().endswith("?"):
        score -= 0.3
    words = len(sentence_text.split())
    if words < 6:
        score -= 0.3
    return max(0.0, min(1.0, score))


def resolve_when(text: str, published: date | None) -> str:
    """'on Thursday' -> 'on Thursday, 10 February 2022' when the article date pins it down."""
    if published is None:
        return text
    for offset in range(7):
        day = published - timedelta(days=offset)
        name = _WEEKDAYS[day.weekday()]
        if f"on {name}" in text:
            return text.replace(f"on {name}", f"on {name}, {day.day} {day:%B %Y}", 1)
    return text


def detect_claims(
    document: Document, scorer: SentenceScorer | None = None, refine: ClaimRefiner | None = None
) -> list[Claim]:
    """All claim candidates in the body of a document, in reading order, each with a score."""
    return detect_claims_many([document], scorer, refine)[0]


def detect_claims_many(
    documents: list[Document], scorer: SentenceScorer | None = None, refine: ClaimRefiner | None = None
) -> list[list[Claim]]:
    """The claims of each document, as `detect_claims` finds them. The learned scorer sees every candidate
    sentence of the batch in one call, each distinct text once: embedding is the cost, and the model runs
    fastest on many sentences sorted by length, with no repeats (wire copy repeats whole paragraphs)."""
    drafts = [_drafts(document) for document in documents]
    unique = list(dict.fromkeys(d["sentence"].text for batch in drafts for d in batch))
    return _finish(documents, drafts, _score(scorer, unique) if scorer else {}, refine)


# Distinct sentences handed to the scorer at a time. Large: one call sorts them all by length (less padding), and
# the model's two threads are not left waiting on a core the rules hold, as with many small calls that overlap
# the rules. On debate transcripts 256 ran at 0.89x the model alone on the same sentences, 4096 at 0.93x.
SCORE_CHUNK = 4096


def detect_claims_batches(
    batches: Iterable[list[Document]],
    scorer: SentenceScorer | None = None,
    refine: ClaimRefiner | None = None,
) -> Iterator[list[list[Claim]]]:
    """`detect_claims_many` for each batch of documents, in order, as a pipeline: while a worker thread embeds
    sentences already drafted (onnxruntime releases the GIL), the rules read the next document. Each distinct
    sentence of a batch is scored once."""
    if scorer is None:
        for documents in batches:
            yield _finish(documents, [_drafts(d) for d in documents], {}, refine)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="factcheck-score") as pool:
        previous: tuple[list[Document], list[list[dict]], list[Future]] | None = None
        for documents in batches:
            drafts, futures, pending, seen = [], [], [], set()
            for document in documents:
                drafts.append(_drafts(document))
                for draft in drafts[-1]:
                    if draft["sentence"].text not in seen:
                        seen.add(draft["sentence"].text)
                        pending.append(draft["sentence"].text)
                if len(pending) >= SCORE_CHUNK:
                    futures.append(pool.submit(_score, scorer, pending))
                    pending = []
            if pending:
                futures.append(pool.submit(_score, scorer, pending))
            if previous is not None:
                yield _finish(previous[0], previous[1], _merged(previous[2]), refine)
            previous = (documents, drafts, futures)
        if previous is not None:
            yield _finish(previous[0], previous[1], _merged(previous[2]), refine)


def _merged(futures: list[Future]) -> dict[str, float]:
    out: dict[str, float] = {}
    for future in futures:
        out.update(future.result())
    return out


def _score(scorer: SentenceScorer, texts: list[str]) -> dict[str, float]:
    return dict(zip(texts, scorer(texts), strict=True)) if texts else {}


def _finish(
    documents: list[Document],
    drafts: list[list[dict]],
    learned: dict[str, float],
    refine: ClaimRefiner | None,
) -> list[list[Claim]]:
    out = []
    for document, batch in zip(documents, drafts, strict=True):
        for draft in batch:
            if learned:
                weight = 0.0 if draft["type"] in REPORTED_SPEECH else LEARNED_WEIGHT
                probability = learned[draft["sentence"].text]
                draft["score"] = round((1 - weight) * draft["score"] + weight * probability, 3)
        claims = [_build(document, **draft) for draft in batch]
        if refine:
            claims = [_refined(claim, refine(claim, document)) for claim in claims]
        out.append(sorted(claims, key=lambda c: (c.span.start, c.span.end)))
    return out


def _drafts(document: Document) -> list[dict]:
    """Rule-based claim drafts (span, type, speaker, rule score) of one document."""
    text = document.text
    context = _Context()
    drafts: list[dict] = []
    for sentence in split_sentences(text, document.body_start):
        if sentence.kind == "sentence" and sentence.end - sentence.start <= MAX_SENTENCE_CHARS:
            drafts.extend(_claims_in_sentence(text, sentence, context))
    return drafts


def _refined(original: Claim, refined: Claim) -> Claim:
    """Accept only the statement and type from a refiner; spans always come from the text."""
    return original.model_copy(
        update={
            "statement": refined.statement,
            "type": refined.type,
            "statement_source": refined.statement_source,
        }
    )


def _speaker(text: str, sentence: Sentence, attribution: Attribution | None, context: _Context) -> str:
    """Who asserts the sentence: its attribution (a pronoun resolved to the last person named), or the last
    person named when the sentence starts with "he" or "she" ("Even so, he did not rule out ...")."""
    s_start, s_end = core_span(text, sentence)
    if attribution:
        speaker = (
            context.last_speaker if attribution.pronoun and context.last_speaker else attribution.speaker
        )
        if not attribution.pronoun and is_person_like(attribution.speaker):
            context.last_speaker = attribution.speaker
        return speaker
    if context.last_speaker and re.match(r"(?:\S+\s+){0,3}?(?:he|she)\b", text[s_start:s_end], re.I):
        return context.last_speaker
    return ""


def _claims_in_sentence(text: str, sentence: Sentence, context: _Context) -> list[dict]:
    all_quotes = find_quotes(text, sentence.start, sentence.end)
    attribution = find_attribution(text, sentence.start, sentence.end, all_quotes)
    s_start, s_end = core_span(text, sentence)
    speaker = _speaker(text, sentence, attribution, context)
    base = {"sentence": sentence, "speaker": speaker, "channel": attribution.channel if attribution else ""}
    found: list[dict] = []
    # A quote is its own claim when it carries the sentence; a phrase quoted inside reported speech is not.
    for quote in all_quotes:
        carries = len(quote.text.split()) >= MIN_QUOTE_WORDS and (quote.end - quote.start) >= 0.5 * len(
            sentence.text
        )
        if carries and (attribution or context.last_speaker):
            found.append(
                {
                    **base,
                    "start": quote.start,
                    "end": quote.end,
                    "type": ClaimType.quote,
                    "speaker": speaker or context.last_speaker,
                    "score": rule_score(ClaimType.quote, quote.text, []),
                }
            )
    quantities = find_quantities(text, s_start, s_end)
    for quantity in quantities:
        q_start, q_end = quantity_claim_span(text, quantity, s_end)
        score = rule_score(ClaimType.quantity, sentence.text, [quantity])
        found.append(
            {
                **base,
                "start": q_start,
                "end": q_end,
                "type": ClaimType.quantity,
                "quantities": [quantity],
                "score": score,
            }
        )
    if not found:
        claim_type = classify(sentence.text, attribution)
        start, end = core_span(text, sentence, trim_aside=claim_type == ClaimType.event)
        if end - start >= 20:
            score = rule_score(claim_type, sentence.text, quantities)
            found.append({**base, "start": start, "end": end, "type": claim_type, "score": score})
    return found


def _build(
    document: Document,
    *,
    sentence: Sentence,
    start: int,
    end: int,
    type: ClaimType,
    speaker: str,
    channel: str,
    score: float,
    quantities: list[Quantity] | None = None,
) -> Claim:
    claim = Claim(
        id=claim_id(document.id, start, end),
        document_id=document.id,
        span=Span(start=start, end=end),
        text=document.text[start:end],
        sentence=sentence.text,
        sentence_span=Span(start=sentence.start, end=sentence.end),
        type=type,
        checkworthiness=round(score, 3),
        speaker=speaker or document.outlet,
        channel=channel,
        claim_date=document.published,
        quantities=quantities or [],
        statement="",
    )
    core = document.text[slice(*core_span(document.text, sentence))]
    statement = statement_for(claim, resolve_when(core, document.published), speaker)
    return claim.model_copy(update={"statement": statement})


def reanchor(claim: Claim, text: str) -> Claim:
    """The claim placed on a new version of its article: unchanged when its words are still at its offsets,
    'moved' to the nearest place they now appear (same id, so its notes and reviews stay), 'lost' otherwise."""
    start, end = claim.span.start, claim.span.end
    if text[start:end] == claim.text:
        return claim if claim.anchor == "exact" else claim.model_copy(update={"anchor": "exact"})
    found = [m.start() for m in re.finditer(re.escape(claim.text), text)]
    if not found:
        return claim.model_copy(update={"anchor": "lost"})
    new_start = min(found, key=lambda position: abs(position - start))
    shift = new_start - start
    s_start, s_end = claim.sentence_span.start + shift, claim.sentence_span.end + shift
    if text[s_start:s_end] != claim.sentence:
        s_start, s_end = new_start, new_start + len(claim.text)
    quantities = [
        q.model_copy(update={"start": q.start + shift, "end": q.end + shift}) for q in claim.quantities
    ]
    return claim.model_copy(
        update={
            "span": Span(start=new_start, end=new_start + len(claim.text)),
            "anchor": "moved",
            "sentence": text[s_start:s_end],
            "sentence_span": Span(start=s_start, end=s_end),
            "quantities": quantities,
        }
    )
