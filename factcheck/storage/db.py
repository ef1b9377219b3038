"""The workspace database (SQLite): every store over one connection. Chroma holds only the vectors. The schema
comes from numbered migrations (`migrations.py`); each kind of data has its own store module.

A service declares the stores it uses by the type it takes: the retriever a `DocumentStore`, the LLM cache a
`CacheStore`, evaluation runs an `EvalStore`, and the services that need several the groups below. Only the
façade (`Workspace`) holds the whole `Database`, and mypy refuses a service that reaches past its stores."""

from __future__ import annotations

from factcheck.storage.archive import ArchiveStore
from factcheck.storage.cache import CacheStore
from factcheck.storage.claims import ClaimStore
from factcheck.storage.connection import WRITE_WAIT_S, damaged, disk_full, unreadable
from factcheck.storage.documents import DocumentStore
from factcheck.storage.evals import EvalStore
from factcheck.storage.notes import NoteStore

__all__ = [
    "WRITE_WAIT_S",
    "ArticleStores",
    "Database",
    "DraftingStores",
    "MatchingEvalStores",
    "MatchingStores",
    "ReviewStores",
    "damaged",
    "disk_full",
    "unreadable",
]


class ArticleStores(DocumentStore, ClaimStore):
    """Articles and their claims: claim detection."""


class ReviewStores(DocumentStore, ClaimStore, NoteStore):
    """Notes with their claims and sources: reviewing, exporting, and marking notes stale when a source changes."""


class DraftingStores(DocumentStore, ClaimStore, NoteStore, CacheStore):
    """What drafting reads and writes: sources, claims, notes, and the LLM's cached replies."""


class MatchingStores(DocumentStore, ClaimStore, NoteStore, ArchiveStore):
    """Claims against earlier fact-checks: imported archives, and our own approved notes with their articles."""


class MatchingEvalStores(MatchingStores, EvalStore):
    """Evaluating the matching: the archive it matches against and the runs it stores."""


class Database(DraftingStores, ReviewStores, ArticleStores, MatchingEvalStores):
    """The workspace's SQLite file with every store: held by the façade only."""
