"""The workspace database's connection: one per thread, the write lock and transaction, migrations, the
integrity check; and what the stores share. Each kind of data has its own store (documents, claims, archive,
notes, cache, evals), and `Database` is all of them over one connection."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from factcheck.errors import StoreError
from factcheck.storage.migrations import migrate, register_functions

WRITE_WAIT_S = 30.0
Stored = TypeVar("Stored", bound=BaseModel)


def _prefix(text: str) -> str:
    """A LIKE pattern matching `text` as a literal prefix: '%' and '_' in an id are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def disk_full(path: Path) -> StoreError:
    """One line for a full disk: which disk, how much is free, how much to free."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        free = 0
    used = sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*") if p.is_file())
    needed = max(64 * 2**20, 2 * used)  # room for the write-ahead log to grow and be checkpointed
    return StoreError(
        f"the disk holding {path.parent} is full ({free / 2**20:.1f} MB free): free at least "
        f"{needed / 2**20:.0f} MB there and run the command again; work finished before this point is saved"
    )


def damaged(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"the workspace database {path} is damaged ({exc}); restore it from a backup, or move it away and "
        "index the articles again (`factcheck doctor` checks it)"
    )


def _read(model: type[Stored], data: str | bytes, what: str) -> Stored:
    """A stored row as its model; a row this version cannot read (a newer factcheck wrote it) is one line."""
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        try:
            name = f"{what} {json.loads(data).get('id', '')}".strip()
        except (ValueError, AttributeError):
            name = what
        raise unreadable(name, exc) from None


def unreadable(name: str, exc: ValidationError) -> StoreError:
    error = exc.errors()[0]
    return StoreError(
        f"{name} in the workspace cannot be read ({'.'.join(map(str, error['loc']))}: {error['msg']}); it was "
        "probably written by a newer factcheck: upgrade factcheck (pip install -U factcheck)"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


RECORD_LOWER = "$.provenance.record.lower_bound"  # a note's lean record, for the triage order


class Connection:
    """The workspace's SQLite file. Each thread reads and writes through a connection of its own (SQLite
    serialises writers across connections and processes alike), so drafting workers, the desk and a command
    running beside them never share a transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._connections_lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.conn)
        except BaseException as exc:
            self.close()
            if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
                raise disk_full(path) from None
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                raise damaged(path, exc) from None
            if isinstance(exc, (sqlite3.Error, OSError)):
                raise StoreError(
                    f"cannot open the workspace database {path} ({exc}); check FACTCHECK_HOME is writable"
                ) from None
            raise
        # Writes from the threads of one process queue here rather than in SQLite's busy loop.
        self.lock = threading.RLock()

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: every write below opens its own BEGIN IMMEDIATE transaction (`_write`).
        # check_same_thread=False only so that close() can close every thread's connection.
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=WRITE_WAIT_S, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        register_functions(conn)
        with self._connections_lock:
            for thread, old in [c for c in self._connections if not c[0].is_alive()]:
                old.close()  # a finished worker's connection
                self._connections.remove((thread, old))
            self._connections.append((threading.current_thread(), conn))
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE so concurrent writers wait for each other. SQLite
        answers BUSY at once, without its busy timeout, when this connection's read snapshot went stale under
        another process's commit; so the start is retried with backoff, up to the same 30 seconds."""
        conn = self.conn
        with self.lock:
            deadline = time.monotonic() + WRITE_WAIT_S
            delay = 0.01
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                        raise StoreError(
                            f"the workspace database stayed locked for {WRITE_WAIT_S:.0f}s ({exc}); "
                            "another factcheck command is writing: try again when it ends"
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.5)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
                    raise disk_full(self.path) from None
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                    raise damaged(self.path, exc) from None
                raise

    def integrity(self) -> list[str]:
        """SQLite's own integrity check: an empty list when the file is sound, else what is wrong."""
        try:
            rows = self.conn.execute("PRAGMA integrity_check(20)").fetchall()
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        problems = [str(row[0]) for row in rows]
        return [] if problems == ["ok"] else problems

    def close(self) -> None:
        with self._connections_lock:
            for _, conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    write = _write  # for the stores of other aggregates
