"""The evidence a note carries: every retrieved passage, ranked, split into sentences located by offsets,
with the sentences that best match the claim and whether the passage is about the claim at all.

A passage is about the claim when its best sentence is similar enough (a floor calibrated on public dev data,
see `calibration.py`) and it shares a key term (a named thing or a number) with the claim. Only such passages
count as evidence for the checks; the others stay on the page for the reviewer, marked as background."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from factcheck.drafting.stance import StanceScorer, read_joined, read_stances
from factcheck.models import Claim, Evidence, EvidenceItem, EvidenceSentence
from factcheck.text.sentences import sentence_spans
from factcheck.text.terms import content_words, key_terms

Embedder = Callable[[list[str]], np.ndarray]
SIMILARITY_FLOOR = 0.35  # default; the calibrated value comes from factcheck/data/calibration.json
BEST_MARGIN = 0.03  # a second sentence counts as best too when its similarity is this close to the best
_CACHE_LIMIT = 20_000  # passages whose sentence vectors are kept in memory


def shares_subject(claim: Claim, query: str, text: str) -> bool:
    """Whether a passage shares what the claim is about: a named thing or a number, or two content words."""
    if key_terms(f"{claim.text} {query}") & key_terms(text):
        return True
    return len(content_words(query) & content_words(text)) >= 2


def about_claim(claim: Claim, query: str, text: str, similarity: float, floor: float) -> bool:
    """The relevance rule: similar enough to the claim (the calibrated floor) and sharing its subject."""
    return similarity >= floor and shares_subject(claim, query, text)


class EvidenceBuilder:
    """Turns retrieval hits into the evidence items a note stores. Sentence vectors are cached per passage
    text, so passages that come back for many claims are embedded once. With a stance scorer (the verification
    model), every sentence and passage also gets its stance toward the claim."""

    def __init__(
        self, embed: Embedder | None, floor: float = SIMILARITY_FLOOR, stance: StanceScorer | None = None
    ) -> None:
        self.embed, self.floor, self.stance = embed, floor, stance
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def build(
        self, claim: Claim, query: str, hits: list[Evidence], statement: str | None = None
    ) -> list[EvidenceItem]:
        """Hits as evidence: sentences scored against `query`, stances read against `statement` (or `query`)."""
        spans = [sentence_spans(hit.passage.text) for hit in hits]
        similarities = self._similarities(query, hits, spans)
        claim_words = content_words(query)
        items = []
        for rank, (hit, passage_spans, scores) in enumerate(zip(hits, spans, similarities, strict=True), 1):
            passage = hit.passage
            sentences = [
                EvidenceSentence(
                    number=n,
                    start=passage.start + a,
                    end=passage.start + b,
                    text=passage.text[a:b],
                    similarity=round(float(score), 4) if score is not None else None,
                )
                for n, ((a, b), score) in enumerate(zip(passage_spans, scores, strict=True), 1)
            ]
            best_score = max((s for s in scores if s is not None), default=None)
            if best_score is None:  # no embedder: the sentences sharing most words with the claim
                overlaps = [len(claim_words & content_words(s.text)) for s in sentences]
                top = max(overlaps, default=0)
                best = [s.number for s, o in zip(sentences, overlaps, strict=True) if top and o == top][:1]
                similarity = hit.dense_score or 0.0
            else:
                best = [
                    s.number
                    for s, v in zip(sentences, scores, strict=True)
                    if v is not None and v >= best_score - BEST_MARGIN
                ][:2]
                similarity = float(best_score)
            items.append(
                EvidenceItem(
                    rank=rank,
                    passage_id=passage.id,
                    document_id=passage.document_id,
                    title=hit.title,
                    url=hit.url,
                    outlet=hit.outlet,
                    published=hit.published,
                    start=passage.start,
                    end=passage.end,
                    text=passage.text,
                    dense_score=hit.dense_score,
                    lexical_score=hit.lexical_score,
                    score=hit.score,
                    similarity=round(similarity, 4),
                    about_claim=about_claim(claim, query, passage.text, similarity, self.floor),
                    flags=list(hit.flags),
                    copies=list(hit.copies),
                    sentences=sentences,
                    best=best,
                )
            )
        if self.stance is None:
            return items
        claim_text = statement or query
        return read_joined(claim_text, read_stances(claim_text, items, self.stance), self.stance)

    def _similarities(
        self, query: str, hits: list[Evidence], spans: list[list[tuple[int, int]]]
    ) -> list[list[float | None]]:
        if self.embed is None:
            return [[None] * len(s) for s in spans]
        keys = [(hit.passage.id, hit.passage.text) for hit in hits]
        with self._lock:
            missing = [i for i, key in enumerate(keys) if key not in self._vectors]
        texts = [query] + [hits[i].passage.text[a:b] for i in missing for a, b in spans[i]]
        vectors = _normalised(np.asarray(self.embed(texts), dtype=np.float32))
        claim_vector, cursor = vectors[0], 1
        with self._lock:
            if len(self._vectors) > _CACHE_LIMIT:
                self._vectors.clear()
            for i in missing:
                self._vectors[keys[i]] = vectors[cursor : cursor + len(spans[i])]
                cursor += len(spans[i])
            found = [self._vectors[key] for key in keys]
        return [list(map(float, sentence_vectors @ claim_vector)) for sentence_vectors in found]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.clip(norms, 1e-12, None)
