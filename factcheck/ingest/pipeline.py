"""Indexing as a two-stage pipeline: the embedded model (in a child process, or a background thread) embeds
one group of passages while the main thread reads and splits the next files and writes the previous group to
Chroma and SQLite."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.errors import InputError
from factcheck.ingest.readers import Reading, discover, is_url, iter_documents, make_passages, read_url
from factcheck.models import Document, IndexReport, Passage, ProgressCallback
from factcheck.settings import Settings
from factcheck.storage.db import ReviewStores
from factcheck.text.language import MAX_ARTICLE_CHARS

if TYPE_CHECKING:
    from factcheck.retrieval.embed_process import EmbeddingProcess

GROUP_PASSAGES = 512  # passages embedded together across small documents, then written in one batch
FIRST_GROUP_PASSAGES = 64  # groups grow from this size, so the embedder starts before much is read


@dataclass
class _Group:
    items: list[tuple[Document, list[Passage], bool]] = field(
        default_factory=list
    )  # (document, passages, existed)
    passages: int = 0
    vectors: list[Future] = field(default_factory=list)  # batches, in order

    def texts(self) -> list[str]:
        return [p.text for _, passages, _ in self.items for p in passages]


class Indexer:
    """Index files into one store and database. Unchanged documents are skipped by content hash; a document
    is marked complete in SQLite only after its vectors are in Chroma, so an interrupted run loses nothing."""

    def __init__(
        self, settings: Settings, db: ReviewStores, store, process: EmbeddingProcess | None = None
    ) -> None:
        """With `process` (the embedded model in a child process) every batch of a group is queued there at
        once; without, a thread of this process embeds with the store's embedding function."""
        self.settings = settings
        self.db = db
        self.store = store
        self.process = process
        self._cancel = threading.Event()

    def run(
        self, paths: Iterable[Path | str], force: bool = False, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Index files, folders and web pages (http/https URLs, fetched). Progress counts passages embedded."""
        started = time.perf_counter()
        refs = list(paths)
        urls = [str(r) for r in refs if isinstance(r, str) and is_url(r)]
        found, missing, outside = discover([Path(r) for r in refs if not (isinstance(r, str) and is_url(r))])
        files: list[Path | str] = [*found, *urls]
        report = IndexReport(failed=len(missing), errors=list(missing), warnings=list(outside))
        group, in_flight = _Group(), None
        group_size = min(FIRST_GROUP_PASSAGES, GROUP_PASSAGES)
        embedder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="factcheck-embed")
        queued, read = 0, 0

        def show() -> None:
            # Passages embedded and stored, out of those read so far: 100% only once the last one is stored.
            if progress:
                progress(report.passages, max(queued, 1), f"{read}/{len(files)} files read")

        try:
            for path in files:
                for document, passages in self._read(path, force, report):
                    group.items.append((document, passages, self.db.has_document(document.id)))
                    group.passages += len(passages)
                    queued += len(passages)
                    if group.passages >= group_size:
                        group_size = min(2 * group_size, GROUP_PASSAGES)
                        group.vectors = self._submit(embedder, group.texts())
                        if in_flight:
                            self._write(in_flight, report)
                        group, in_flight = _Group(), group
                read += 1
                show()
            if group.items:
                group.vectors = self._submit(embedder, group.texts())
            for finished in (in_flight, group):
                if finished and finished.items:
                    self._write(finished, report)
                    show()
        finally:
            # an interrupted run stops embedding after the current batch (a child process finishes what was
            # queued, at most two groups, unless this process exits, which stops it after its current batch)
            self._cancel.set()
            embedder.shutdown(wait=True, cancel_futures=True)
            self._cancel.clear()
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _read(
        self, path: Path | str, force: bool, report: IndexReport
    ) -> Iterable[tuple[Document, list[Passage]]]:
        """The documents of one file or URL that need (re)indexing, with their passages, one at a time (the
        embedder starts on a large JSONL file's first records while the rest are parsed). Whatever goes wrong
        with it, or one record in it, is one line in the report; the other files and records are indexed."""
        reading, yielded = Reading(), 0
        try:
            if isinstance(path, str):
                reading = read_url(
                    path, self.settings.ingest.max_file_mb, self.settings.ingest.allow_private_urls
                )
                documents: Iterable[Document] = reading.documents
            else:
                documents = iter_documents(path, self.settings.ingest.max_file_mb, reading)
            for document in documents:
                if (
                    not force
                    and self.db.indexed_hash(document.id, self.store.embedding) == document.content_hash
                ):
                    report.skipped += 1
                    continue
                passages = make_passages(
                    document, self.settings.ingest.passage_chars, self.settings.ingest.overlap_sentences
                )
                if not passages:
                    report.failed += 1
                    report.errors.append(f"{path}: no body text after the title and metadata")
                    continue
                yielded += 1
                if len(document.text) > MAX_ARTICLE_CHARS:
                    report.warnings.append(
                        f"{path}: {len(document.text):,} characters, indexed as evidence only: claims are found "
                        f"in articles of up to {MAX_ARTICLE_CHARS:,} characters (split a longer one to check it)"
                    )
                yield document, passages
        except InputError as exc:
            report.failed += 1
            report.errors.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - one file must never stop the run
            report.failed += 1
            done = f"the {yielded} record{'' if yielded == 1 else 's'} before it and " if yielded else ""
            report.errors.append(
                f"{path}: could not be read ({type(exc).__name__}: {str(exc)[:160]}); "
                f"{done}the other files were indexed"
            )
        finally:
            report.errors += reading.errors
            report.failed += len(reading.errors)
            report.warnings += reading.warnings

    def _submit(self, embedder: ThreadPoolExecutor, texts: list[str]) -> list[Future]:
        size = self.settings.embeddings.batch_size
        if self.process is not None:  # queued ahead, so the child never waits on this process's GIL
            return [self.process.submit(texts[begin : begin + size]) for begin in range(0, len(texts), size)]
        return [embedder.submit(self._embed, texts)]

    def _embed(self, texts: list[str]) -> list:
        """Embed batch by batch, so a cancel takes effect quickly (the model sorts each batch by length)."""
        size = self.settings.embeddings.batch_size
        vectors: list = []
        for begin in range(0, len(texts), size):
            if self._cancel.is_set():
                raise InterruptedError("indexing was interrupted")
            vectors.extend(self.store.function(texts[begin : begin + size]))
        return vectors

    def _write(self, group: _Group, report: IndexReport) -> None:
        if not group.vectors:
            raise RuntimeError("a group is written only after its embedding was submitted")
        vectors = [vector for batch in group.vectors for vector in batch.result()]
        existing = [document.id for document, _, existed in group.items if existed]
        if existing:
            self.store.delete_documents(existing)
        self.store.upsert([(document, passages) for document, passages, _ in group.items], vectors)
        self.db.save_documents(
            [(document, passages) for document, passages, _ in group.items], self.store.embedding
        )
        report.passages += group.passages
        report.updated += len(existing)
        report.changed += existing
        report.new += len(group.items) - len(existing)


def load_index_models(settings: Settings) -> EmbeddingProcess | None:
    """Load what indexing needs; where the settings say so, the embedded model in a child process (one per
    process, kept for later index calls), which is returned."""
    from factcheck.retrieval.embeddings import load_embedded_model
    from factcheck.text.language import load_identifier

    load_identifier()
    embeddings = settings.embeddings
    if embeddings.backend != "minilm" or not embeddings.separate_process:
        load_embedded_model(embeddings)
        return None
    from factcheck.retrieval.embed_process import shared_embedding_process

    return shared_embedding_process(embeddings.threads, embeddings.runtime)
