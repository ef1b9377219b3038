"""The library API: one Workspace per settings object. The CLI is a thin layer over this."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from factcheck.storage.db import Database
from factcheck.errors import InputError, NotFoundError
from factcheck.ingest.pipeline import Indexer, ProgressCallback
from factcheck.models import Claim, Document, DocumentSummary, Evidence, IndexReport
from factcheck.retrieval.lexical import LexicalIndex
from factcheck.retrieval.fusion import RetrievalSettings, date_flags, diversify, fuse, same_outlet
from factcheck.settings import Settings


class Workspace:
    """All state for one workspace directory: the SQLite database and the Chroma store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.db_path)
        self._store = None
        self._headers: dict[str, DocumentSummary] = {}
        self._headers_signature: int | None = None
        self._lock = threading.Lock()  # one Chroma query at a time from worker threads
        self.lexical = LexicalIndex(self.db, settings.home / "bm25")

    @property
    def store(self):
        if self._store is None:
            from factcheck.retrieval.vectors import VectorStore

            self._store = VectorStore(self.settings)
        return self._store

    def close(self) -> None:
        self.db.close()

    # index ---------------------------------------------------------------------------------
    def index(self, paths: Iterable[Path], force: bool = False, progress: ProgressCallback | None = None) -> IndexReport:
        """Index files and directories. Unchanged documents are skipped; changed ones replace their passages."""
        return Indexer(self.settings, self.db, self.store).run(paths, force=force, progress=progress)

    # sources -------------------------------------------------------------------------------
    def sources(self) -> list[DocumentSummary]:
        return self.db.documents()

    def resolve_document(self, ref: str) -> Document:
        """A document by id, unique id prefix, or the path it was indexed from."""
        candidates = self.db.find_documents(ref)
        if not candidates and Path(ref).exists():
            candidates = self.db.find_documents(str(Path(ref)))
            if not candidates:
                from factcheck.ingest.readers import document_id

                candidates = [c for c in [document_id(str(Path(ref).resolve()))] if self.db.has_document(c)]
        if len(candidates) > 1:
            raise InputError(f"{ref!r} matches {len(candidates)} documents ({', '.join(candidates[:5])}); give a longer id")
        if not candidates:
            raise NotFoundError(f"no indexed document {ref!r}; run `factcheck sources list` to see ids, or `factcheck index PATH`")
        return self.db.document(candidates[0])

    def remove(self, ref: str) -> Document:
        document = self.resolve_document(ref)
        self.store.delete_documents([document.id])
        self.db.delete_document(document.id)
        return document

    # search --------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, exclude_document: str | None = None) -> list[Evidence]:
        """Top passages for a query, as drafting would see them (own-article exclusion aside)."""
        settings = RetrievalSettings(k=k, candidates=max(30, 3 * k), per_document=k,
                                     include_own_article=exclude_document is None)
        return self.retrieve(query, settings, own_document=exclude_document)

    def retrieve(self, query: str, settings: RetrievalSettings, own_document: str | None = None,
                 claim_date: date | None = None) -> list[Evidence]:
        """Dense + BM25 evidence, fused and diversified, flagged for dates and same-outlet sources."""
        if not query.strip():
            raise InputError("the search query is empty; give some words to look for")
        exclude = None if settings.include_own_article else own_document
        headers = self.headers()
        excluded_passages = headers[exclude].passages if exclude in headers else 0
        with self._lock:
            dense = self.store.query(query, settings.candidates, exclude, excluded_passages)
        lexical = self.lexical.search(query, settings.candidates, exclude)
        fused = fuse(dense, lexical)
        passages = self.db.passages_by_id(fused)
        own = headers.get(own_document) if own_document else None
        ranked = []
        for pid, entry in fused.items():
            passage = passages.get(pid)
            if passage is None:  # vector without a completed document: an interrupted run, re-index repairs it
                continue
            header = headers[passage.document_id]
            flags = date_flags(header.published, claim_date)
            if own and same_outlet(own, header):
                flags.append("same_outlet")
            if passage.document_id == own_document:
                flags.append("own_article")
            ranked.append(Evidence(
                passage=passage, document_title=header.title, document_url=header.url, outlet=header.outlet,
                published=header.published, dense_score=entry["dense"], lexical_score=entry["lexical"],
                score=round(entry["score"], 6), flags=flags,
            ))
        ranked.sort(key=lambda e: (-e.score, e.passage.id))
        return diversify(ranked, settings.k, settings.per_document)

    def headers(self) -> dict[str, DocumentSummary]:
        """Document metadata without text, cached until the passages change."""
        signature = self.db.passage_signature()
        if self._headers_signature != signature:
            self._headers = {d.id: d for d in self.db.documents()}
            self._headers_signature = signature
        return self._headers

    # claims --------------------------------------------------------------------------------
    def extract_claims(self, ref: str, progress: ProgressCallback | None = None) -> list[Claim]:
        """Detect and store every claim candidate of an article (a path or an indexed id), best first."""
        from factcheck.claims.detect import detect_claims
        from factcheck.claims.scoring import load_scorer

        document = self.index_if_path(ref, progress=progress)
        claims = detect_claims(document, scorer=load_scorer())
        self.db.save_claims(document.id, claims)
        return claims



    def index_if_path(self, ref: str, progress: ProgressCallback | None = None) -> Document:
        """Resolve an article given as an id or a path; a path is indexed first (unchanged files cost nothing)."""
        path = Path(ref)
        if path.is_file():
            report = self.index([path], progress=progress)
            if report.failed:
                raise InputError(report.errors[0])
            ids = self.db.find_documents(str(path))
            if len(ids) > 1:
                raise InputError(f"{path} holds {len(ids)} records; give one document id ({', '.join(ids[:3])}, ...)")
            return self.db.document(ids[0])
        if path.suffix and not self.db.find_documents(ref):
            raise InputError(f"{ref}: no such file or directory; give a path to an article or an indexed document id")
        return self.resolve_document(ref)

