"""The workspace database (SQLite): every store over one connection. Chroma holds only the vectors. The schema
comes from numbered migrations (`migrations.py`); each kind of data has its own store module, and a service
that needs only one takes that store's type."""

from __future__ import annotations

from factcheck.storage.archive import ArchiveStore
from factcheck.storage.cache import CacheStore
from factcheck.storage.claims import ClaimStore
from factcheck.storage.connection import WRITE_WAIT_S, damaged, disk_full, unreadable
from factcheck.storage.documents import DocumentStore
from factcheck.storage.evals import EvalStore
from factcheck.storage.notes import NoteStore

__all__ = ["WRITE_WAIT_S", "Database", "damaged", "disk_full", "unreadable"]


class Database(DocumentStore, ClaimStore, ArchiveStore, NoteStore, CacheStore, EvalStore):
    """The workspace's SQLite file with every store."""
