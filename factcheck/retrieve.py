"""Evidence retrieval shared by `search` and drafting: dense (Chroma) + lexical (BM25), fused, diversified."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from .db import Database
from .models import DocumentSummary, Evidence

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.)
LONG_BEFORE_DAYS = 365


@dataclass(frozen=True)
class RetrievalSettings:
    k: int = 6
    candidates: int = 30
    per_document: int = 2
    include_own_article: bool = False

    def as_dict(self) -> dict:
        return {"k": self.k, "candidates": self.candidates, "per_document": self.per_document,
                "include_own_article": self.include_own_article, "fusion": f"rrf(k={RRF_K})", "lexical": "bm25s"}


class LexicalIndex:
    """BM25 over every stored passage; rebuilt only when the passages change, and saved in the workspace
    so the next command loads it instead of rebuilding it."""

    def __init__(self, db: Database, folder: Path | None = None) -> None:
        self.db = db
        self.folder = folder
        self._lock = threading.Lock()
        self._signature: tuple[int, int] | None = None
        self._retriever = None
        self.ids: list[str] = []
        self.document_ids: np.ndarray = np.array([])

    def _ensure(self) -> None:
        signature = self.db.passage_signature()
        if signature == self._signature:
            return
        import bm25s

        if self._load(signature):
            return
        ids, document_ids, texts = self.db.all_passages()
        retriever = None
        if texts:
            retriever = bm25s.BM25()
            retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
        self._retriever, self.ids, self.document_ids = retriever, ids, np.array(document_ids)
        self._signature = signature
        self._save()

    def _save(self) -> None:
        if self.folder is None or self._retriever is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(self.folder), show_progress=False)
        meta = {"signature": list(self._signature), "ids": self.ids, "document_ids": self.document_ids.tolist()}
        (self.folder / "factcheck.json").write_text(json.dumps(meta), encoding="utf-8")

    def _load(self, signature: tuple[int, int]) -> bool:
        meta_path = self.folder / "factcheck.json" if self.folder else None
        if meta_path is None or not meta_path.exists():
            return False
        import bm25s

        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if tuple(meta["signature"]) != signature:
                return False
            retriever = bm25s.BM25.load(str(self.folder), show_progress=False)
        except (OSError, ValueError, KeyError):
            return False  # a damaged or foreign index is rebuilt
        self._retriever, self.ids, self.document_ids = retriever, meta["ids"], np.array(meta["document_ids"])
        self._signature = signature
        return True

    def search(self, query: str, k: int, exclude_document: str | None = None) -> list[tuple[str, float]]:
        import bm25s

        with self._lock:
            self._ensure()
            if self._retriever is None:
                return []
            tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
            if not tokens.vocab:
                return []
            mask = None
            if exclude_document:
                mask = (self.document_ids != exclude_document).astype(np.float32)
            k = min(k, len(self.ids))
            indices, scores = self._retriever.retrieve(tokens, k=k, show_progress=False, weight_mask=mask, n_threads=1)
            return [(self.ids[i], float(s)) for i, s in zip(indices[0], scores[0]) if s > 0]


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
    chosen, per_doc = [], {}
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
    from .metadata import outlet_from_url

    return bool(a.url and b.url and outlet_from_url(a.url) == outlet_from_url(b.url))
