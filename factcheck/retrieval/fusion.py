"""Evidence retrieval shared by `search` and drafting: dense (Chroma) + lexical (BM25), fused, diversified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from factcheck.models import DocumentSummary, Evidence

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.)
LONG_BEFORE_DAYS = 365


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
