"""The vector store: Chroma, embedded and persistent by default, or a Chroma server by one setting."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from factcheck.errors import ConfigError, FactcheckError, StoreError
from factcheck.models import Document, Passage
from factcheck.retrieval.embeddings import embedding_function, embedding_id
from factcheck.settings import Settings

UPSERT_BATCH = 1024


class VectorStore:
    """One Chroma collection of passages. The embedding function is always passed explicitly."""

    def __init__(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedding = embedding_id(settings.embeddings)
        self.function = embedding_function(settings.embeddings)
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if settings.store.url:
                parsed = urlparse(settings.store.url)
                if parsed.scheme not in ("http", "https") or not parsed.hostname:
                    raise ConfigError(
                        f"FACTCHECK_STORE__URL={settings.store.url!r} is not a URL; use e.g. http://127.0.0.1:8000"
                    )
                self.client = chromadb.HttpClient(
                    host=parsed.hostname,
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=chroma_settings,
                )
                self.client.heartbeat()
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(
                    # Absolute: Chroma caches clients by path string, and "vectorstore/chroma" names a
                    # different folder after a change of directory in the same process.
                    path=str(settings.chroma_path.resolve()),
                    settings=chroma_settings,
                )
            self.collection = self.client.get_or_create_collection(
                name=f"{settings.store.collection}-{self.embedding}",
                embedding_function=self.function,
                configuration={"hnsw": {"space": "cosine"}},
            )
            self._count: tuple[int, float] | None = None
        except ConfigError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean the same to the user
            where = settings.store.url or str(settings.chroma_path)
            raise StoreError(
                f"cannot open the Chroma store at {where} ({type(exc).__name__}: {exc})".splitlines()[0]
            ) from None

    def close(self) -> None:
        """Release the Chroma client: its database and index files close once no other client shares them."""
        close = getattr(self.client, "close", None)  # Chroma clients gained close() in 1.x
        if close is not None:
            close()

    def upsert(self, documents: list[tuple[Document, list[Passage]]], vectors: list) -> None:
        """Insert or replace passages of several documents in large batches (no per-passage or per-document
        round trips). Chroma keeps each vector with its document id only (for deletes and `within` filters):
        passage text, offsets and dates live in the workspace database. Chroma indexes every metadata key in
        SQLite: the four others it once kept cost a fifth of each upsert, inside the GIL, and nothing read them."""
        rows = [(document, passage) for document, passages in documents for passage in passages]
        self._count = None
        for begin in range(0, len(rows), UPSERT_BATCH):
            batch = rows[begin : begin + UPSERT_BATCH]
            self._call(
                self.collection.upsert,
                ids=[p.id for _, p in batch],
                embeddings=vectors[begin : begin + UPSERT_BATCH],
                metadatas=[{"document_id": p.document_id} for _, p in batch],
            )

    def delete_documents(self, document_ids: list[str]) -> None:
        self._count = None
        for begin in range(0, len(document_ids), UPSERT_BATCH):
            batch = document_ids[begin : begin + UPSERT_BATCH]
            self._call(self.collection.delete, where={"document_id": {"$in": batch}})

    def query(
        self,
        text: str,
        k: int,
        exclude_document: str | None = None,
        exclude_passages: int = 0,
        within: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the k nearest passages, none from `exclude_document`, and only
        from the documents `within` when given.

        The exclusion is applied here, not as a Chroma `where` filter (which scans every passage's
        metadata: 10x slower at 100k passages): `exclude_passages` extra neighbours are fetched instead.
        `within` (a handful of documents, as in an evaluation that judges a claim against its own source) is
        a `where` filter."""
        total = self.count()
        if total == 0 or within == []:
            return []
        fetch = min(k + (exclude_passages if exclude_document else 0), total)
        where = {"document_id": {"$in": within}} if within else None
        result = self._call(
            self.collection.query,
            query_texts=[text],
            n_results=fetch,
            where=where,
            include=["distances"],  # no metadata: fetching it was most of a query's time at 100k passages
        )
        hits = [
            (pid, 1.0 - dist)
            for pid, dist in zip(result["ids"][0], result["distances"][0], strict=True)
            if not exclude_document or pid.rsplit(":", 1)[0] != exclude_document  # ids are "document:index"
        ]
        return hits[:k]

    def count(self) -> int:
        """Passages in the collection; cached for a second, since every query needs it."""
        now = time.monotonic()
        if self._count is None or now - self._count[1] > 1.0:
            self._count = (self._call(self.collection.count), now)
        return self._count[0]

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, FactcheckError):  # e.g. a ModelError raised inside the embedding function
                raise
            raise StoreError(
                f"Chroma {method.__name__} failed ({type(exc).__name__}: {exc})".splitlines()[0]
            ) from None
