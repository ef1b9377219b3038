"""Evidence retrieval shared by `search` and drafting: dense (Chroma) + lexical (BM25), fused, diversified."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from factcheck.models import DocumentSummary, Evidence

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.)
LONG_BEFORE_DAYS = 365
SHINGLE = 4  # words per shingle when telling copies of one text apart
COPY_OVERLAP = 0.6  # the share of the shorter text's shingles that two copies of one story have in common
MIN_SHINGLES = 8  # a passage with less of its own telling than this (a line, a quote) is nobody's copy
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RetrievalSettings:
    k: int = 6
    candidates: int = 30
    per_document: int = 2
    include_own_article: bool = False

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "candidates": self.candidates,
            "per_document": self.per_document,
            "include_own_article": self.include_own_article,
            "fusion": f"rrf(k={RRF_K})",
            "lexical": "bm25(lucene, k1=1.5, b=0.75)",
        }


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> dict[str, dict]:
    """Reciprocal rank fusion of two ranked lists; keeps each list's own score."""
    fused: dict[str, dict] = {}
    for name, ranked in (("dense", dense), ("lexical", lexical)):
        for rank, (pid, score) in enumerate(ranked):
            entry = fused.setdefault(pid, {"score": 0.0, "dense": None, "lexical": None})
            entry["score"] += 1.0 / (RRF_K + rank + 1)
            entry[name] = score
    return fused


def date_flags(published: date | None, claim_date: date | None) -> list[str]:
    if published is None or claim_date is None:
        return []
    if published > claim_date:
        return ["after_claim"]
    if (claim_date - published).days > LONG_BEFORE_DAYS:
        return ["long_before_claim"]
    return []


_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The word sequences of a text outside quotation marks: independent reports share what was said, copies
    share how it was told."""
    words = _WORD.findall(_QUOTED.sub(" ", text).lower())
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def copied_from(text: frozenset, other: frozenset) -> bool:
    """Whether most of a passage's own telling is in another text: it is a copy of (part of) that text."""
    return len(text) >= MIN_SHINGLES and len(text & other) / len(text) >= COPY_OVERLAP


def copies_text(a: frozenset, b: frozenset) -> bool:
    """Whether two passages are copies of one text (syndicated, lightly edited): most of the shorter one's
    own telling is in the other."""
    return copied_from(a, b) if len(a) <= len(b) else copied_from(b, a)


def _source_name(hit: Evidence) -> str:
    return hit.outlet or hit.title or hit.passage.document_id


def collapse_copies(ranked: list[Evidence], own_text: str = "") -> list[Evidence]:
    """Copies of one story under several outlets count as one source: the best-ranked copy stays, naming the
    others in `copies`, and the others leave the list (so independent sources ranked below them come back).
    A copy of the claim's own article is not evidence at all: it is the claim's own story again."""
    own = shingles(own_text)
    kept: list[tuple[Evidence, frozenset]] = []
    for hit in ranked:
        text = shingles(hit.passage.text)
        if copied_from(text, own):
            continue
        original = next((i for i, (_, seen) in enumerate(kept) if copies_text(text, seen)), None)
        if original is None:
            kept.append((hit, text))
            continue
        first = kept[original][0]
        if first.passage.document_id == hit.passage.document_id:
            kept.append((hit, text))  # overlapping passages of one document are not copies of a story
            continue
        name = _source_name(hit)
        if name != _source_name(first) and name not in first.copies:
            kept[original] = (first.model_copy(update={"copies": [*first.copies, name]}), kept[original][1])
    return [hit for hit, _ in kept]


def diversify(ranked: list[Evidence], k: int, per_document: int) -> list[Evidence]:
    """Best first, at most `per_document` passages from one document."""
    chosen: list[Evidence] = []
    per_doc: dict[str, int] = {}
    for item in ranked:
        count = per_doc.get(item.passage.document_id, 0)
        if count < per_document:
            chosen.append(item)
            per_doc[item.passage.document_id] = count + 1
        if len(chosen) == k:
            break
    return chosen


def same_outlet(a: DocumentSummary | None, b: DocumentSummary | None) -> bool:
    if a is None or b is None:
        return False
    if a.outlet and b.outlet and a.outlet.lower() == b.outlet.lower():
        return True
    from factcheck.text.metadata import outlet_from_url

    hosts = outlet_from_url(a.url), outlet_from_url(b.url)  # "" for a relative or non-http URL: no evidence
    return bool(hosts[0] and hosts[0] == hosts[1])
