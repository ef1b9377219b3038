"""The one retriever: dense (Chroma) + lexical (BM25), fused, diversified and flagged. `search` and drafting
both go through it, so what a person searches is what the drafter sees."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from factcheck.errors import InputError
from factcheck.models import DocumentSummary, Evidence
from factcheck.retrieval.fusion import (
    RetrievalSettings,
    collapse_copies,
    date_flags,
    diversify,
    fuse,
    same_outlet,
)
from factcheck.retrieval.lexical import LexicalIndex
from factcheck.storage.documents import DocumentStore

if TYPE_CHECKING:
    from factcheck.retrieval.vectors import VectorStore


class Retriever:
    """Evidence for a query from one workspace's database, vector store and BM25 index."""

    def __init__(self, db: DocumentStore, store: Callable[[], VectorStore], lexical: LexicalIndex) -> None:
        self.db = db
        self._store = store  # opened lazily: commands that never search never load Chroma
        self.lexical = lexical
        self._headers: dict[str, DocumentSummary] = {}
        self._headers_signature: int | None = None
        self._lock = threading.Lock()  # one Chroma query at a time from worker threads
        self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factcheck-bm25")

    def search(self, query: str, k: int = 5, exclude_document: str | None = None) -> list[Evidence]:
        """Top passages for a query, as drafting would see them (own-article exclusion aside)."""
        settings = RetrievalSettings(
            k=k, candidates=max(30, 3 * k), per_document=k, include_own_article=exclude_document is None
        )
        return self.retrieve(query, settings, own_document=exclude_document)

    def retrieve(
        self,
        query: str,
        settings: RetrievalSettings,
        own_document: str | None = None,
        claim_date: date | None = None,
        within: set[str] | None = None,
    ) -> list[Evidence]:
        """Dense + BM25 evidence, fused and diversified, flagged for dates and same-outlet sources.
        `within` limits the evidence to those documents (an evaluation item judged against its own source)."""
        if not query.strip():
            raise InputError("the search query is empty; give some words to look for")
        exclude = None if settings.include_own_article else own_document
        headers = self.headers()
        excluded_passages = headers[exclude].passages if exclude in headers else 0
        scope = sorted(within) if within is not None else None
        # BM25 runs beside the dense query (embedding and Chroma release the GIL): a query costs the slower
        # of the two, not their sum.
        lexical_hits = self._beside.submit(
            self.lexical.search, query, settings.candidates, exclude, within=within
        )
        with self._lock:
            dense = self._store().query(query, settings.candidates, exclude, excluded_passages, within=scope)
        lexical = lexical_hits.result()
        fused = fuse(dense, lexical)
        passages = self.db.passages_by_id(fused)
        if any(p.document_id not in headers for p in passages.values()):
            headers = self.headers(
                refresh=True
            )  # a document committed by an index run since the cache was read
        own = headers.get(own_document) if own_document else None
        ranked = []
        for pid, entry in fused.items():
            passage = passages.get(pid)
            header = headers.get(passage.document_id) if passage else None
            if (
                passage is None or header is None
            ):  # a vector without a completed document: re-index repairs it
                continue
            flags = date_flags(header.published, claim_date)
            if own and same_outlet(own, header):
                flags.append("same_outlet")
            if passage.document_id == own_document:
                flags.append("own_article")
            ranked.append(
                Evidence(
                    passage=passage,
                    title=header.title,
                    url=header.url,
                    outlet=header.outlet,
                    published=header.published,
                    dense_score=entry["dense"],
                    lexical_score=entry["lexical"],
                    score=round(entry["score"], 6),
                    flags=flags,
                )
            )
        ranked.sort(key=rank_key)
        own_text = self._own_text(own_document) if own_document and exclude else ""
        return diversify(collapse_copies(ranked, own_text), settings.k, settings.per_document)

    def _own_text(self, document_id: str) -> str:
        """The claim's own article, a passage a line, to tell copies of it apart from independent sources."""
        return "\n".join(p.text for p in self.db.passages(document_id))

    def close(self) -> None:
        self._beside.shutdown(wait=True)

    def headers(self, refresh: bool = False) -> dict[str, DocumentSummary]:
        """Document metadata without text, cached until the passages change."""
        signature = self.db.passage_signature()
        if refresh or self._headers_signature != signature:
            self._headers = {d.id: d for d in self.db.documents()}
            self._headers_signature = signature
        return self._headers


def rank_key(hit: Evidence) -> tuple:
    """Best fused score first. Reciprocal-rank fusion ties often (rank r in one list and in no other), so ties
    go to the higher similarity, then the higher keyword score, then the text itself: never to the passage id,
    which depends on where the file was indexed from, so that the same corpus gives the same evidence."""
    dense = hit.dense_score if hit.dense_score is not None else -2.0
    lexical = hit.lexical_score if hit.lexical_score is not None else -1.0
    return (-hit.score, -dense, -lexical, hit.passage.text, hit.passage.id)
