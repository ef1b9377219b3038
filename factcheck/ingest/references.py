"""Documents named the way people name them: a document id, a unique id prefix, or the path a file was
indexed from (any spelling of it); a path not yet indexed is indexed first (unchanged files cost nothing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from factcheck.errors import InputError, NotFoundError
from factcheck.ingest.readers import discover
from factcheck.ingest.readers import document_id as document_key
from factcheck.models import Document, IndexReport, ProgressCallback
from factcheck.storage.documents import DocumentStore

Indexer = Callable[[list[Path], ProgressCallback | None], IndexReport]


class References:
    def __init__(self, db: DocumentStore, index: Indexer) -> None:
        self.db, self._index_paths = db, index

    def _index(self, paths: list[Path], progress: ProgressCallback | None = None) -> IndexReport:
        return self._index_paths(paths, progress)

    def document(self, ref: str) -> Document:
        """A document by id, unique id prefix, or the path it was indexed from."""
        candidates = [ref] if self.db.has_document(ref) else self.db.find_documents(ref)  # an exact id first
        if not candidates and Path(ref).exists():
            candidates = self.db.find_documents(str(Path(ref)))
            if not candidates:
                absolute = document_key(str(Path(ref).resolve()))
                candidates = [absolute] if self.db.has_document(absolute) else []
        if len(candidates) > 1:
            raise InputError(
                f"{ref!r} matches {len(candidates)} documents ({', '.join(candidates[:5])}); give a longer id"
            )
        if not candidates:
            raise NotFoundError(
                f"no indexed document {ref!r}; run `factcheck sources list` to see ids, "
                "or `factcheck index PATH`"
            )
        return self.db.document(candidates[0])

    def document_ids(self, refs: Iterable[str], progress: ProgressCallback | None = None) -> list[str]:
        """Document ids for paths (files, folders, JSONL archives: indexed first) and document ids."""
        refs = list(refs)
        paths = [Path(ref) for ref in refs if Path(ref).exists()]
        if paths:
            report = self._index(paths, progress=progress)
            if report.failed and not report.new + report.updated + report.skipped:
                raise InputError(report.errors[0])
        ids: list[str] = []
        for ref in refs:
            path = Path(ref)
            if path.exists():
                files, _, _ = discover([path])
                for file in files:
                    ids += self.ids_at(file)
            else:
                ids.append(self.document_id(ref))
        return ids

    def ids_at(self, path: Path) -> list[str]:
        """Ids of the documents read from one file, whichever spelling of its path it was indexed under."""
        ids = self.db.find_documents(str(path))
        if not ids:
            absolute = document_key(str(path.resolve()))
            ids = (
                [absolute] if self.db.has_document(absolute) else self.db.find_documents(str(path.resolve()))
            )
        return ids

    def document_id(self, ref: str) -> str:
        if Path(ref).suffix and not self.db.find_documents(ref):
            raise InputError(
                f"{ref}: no such file or directory; give a path to an article or an indexed document id"
            )
        return self.document(ref).id

    def article(self, ref: str, progress: ProgressCallback | None = None) -> Document:
        """An article given as an id or a path; a path is indexed first (unchanged files cost nothing)."""
        path = Path(ref)
        if path.is_file():
            report = self._index([path], progress=progress)
            if report.failed:
                raise InputError(report.errors[0])
            ids = self.ids_at(path)
            if not ids:
                raise InputError(f"{path}: indexed, but holds no document with text; check the file")
            if len(ids) > 1:
                raise InputError(
                    f"{path} holds {len(ids)} records; give one document id ({', '.join(ids[:3])}, ...)"
                )
            return self.db.document(ids[0])
        return self.db.document(self.document_id(ref))
