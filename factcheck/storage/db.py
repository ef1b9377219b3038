"""The workspace database (SQLite): documents, passages, claims, notes, reviews, eval runs, the LLM cache.
Chroma holds only the vectors. The schema comes from numbered migrations (`migrations.py`)."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ValidationError

from factcheck.errors import ConflictError, NotFoundError, StoreError
from factcheck.models import (
    CheckedClaim,
    Claim,
    Document,
    DocumentSummary,
    EvalRun,
    ItemResult,
    Note,
    Passage,
    Review,
)
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


class Database:
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

    write = _write  # for the stores of other aggregates (storage/team.py)

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

    # documents -----------------------------------------------------------------------------
    def indexed_hash(self, document_id: str, embedding: str) -> str | None:
        row = self.conn.execute(
            "SELECT content_hash FROM documents WHERE id=? AND embedding=?", (document_id, embedding)
        ).fetchone()
        return row["content_hash"] if row else None

    def has_document(self, document_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id=?", (document_id,)).fetchone() is not None

    def save_documents(self, documents: list[tuple[Document, list[Passage]]], embedding: str) -> None:
        """Add or replace documents and their passages in one transaction. A replaced document keeps its claims
        (and so their notes and reviews): the caller re-anchors them to the new text."""
        with self._write():
            self._bump_revision()
            for document, passages in documents:
                published = document.published.isoformat() if document.published else None
                self.conn.execute(
                    "INSERT INTO documents (id, path, title, url, outlet, published, content_hash, text, "
                    "body_start, passages, embedding, indexed_at, language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT(id) DO UPDATE SET "
                    "path=excluded.path, title=excluded.title, url=excluded.url, outlet=excluded.outlet, "
                    "published=excluded.published, content_hash=excluded.content_hash, text=excluded.text, "
                    "body_start=excluded.body_start, passages=excluded.passages, embedding=excluded.embedding, "
                    "indexed_at=excluded.indexed_at, language=excluded.language",
                    (
                        document.id,
                        document.path,
                        document.title,
                        document.url,
                        document.outlet,
                        published,
                        document.content_hash,
                        document.text,
                        document.body_start,
                        len(passages),
                        embedding,
                        _now(),
                        document.language,
                    ),
                )
                self.conn.execute("DELETE FROM passages WHERE document_id=?", (document.id,))
                self.conn.executemany(
                    'INSERT INTO passages (id, document_id, idx, start, "end", text) VALUES (?,?,?,?,?,?)',
                    [(p.id, p.document_id, p.index, p.start, p.end, p.text) for p in passages],
                )

    def delete_document(self, document_id: str) -> None:
        """Delete a document with its passages and claims, and the unreviewed draft or failed notes of those
        claims (a draft saved while the document was being removed would otherwise outlive its claim; notes a
        reviewer acted on stay, marked stale before)."""
        with self._write():
            self._bump_revision()
            self.conn.execute(
                "DELETE FROM notes WHERE claim_id IN (SELECT id FROM claims WHERE document_id=?) "
                "AND status IN ('draft', 'failed') AND id NOT IN (SELECT note_id FROM reviews)",
                (document_id,),
            )
            self.conn.execute("DELETE FROM documents WHERE id=?", (document_id,))

    def document(self, document_id: str) -> Document:
        row = self.conn.execute("SELECT * FROM documents WHERE id=?", (document_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no indexed document with id {document_id!r}; run `factcheck sources list` to see ids"
            )
        return Document(
            id=row["id"],
            title=row["title"] or "",
            url=row["url"] or "",
            outlet=row["outlet"] or "",
            published=row["published"],
            path=row["path"],
            content_hash=row["content_hash"],
            text=row["text"],
            body_start=row["body_start"],
            language=row["language"],
        )

    def find_documents(self, prefix_or_path: str) -> list[str]:
        """Ids matching an id prefix or a stored path."""
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' OR path=? ORDER BY id",
            (_prefix(prefix_or_path), prefix_or_path),
        ).fetchall()
        return [r["id"] for r in rows]

    def documents(self, newest: int | None = None) -> list[DocumentSummary]:
        """Every document in the order indexed, or only the `newest` ones, newest first."""
        order = "indexed_at, id" if newest is None else f"indexed_at DESC, id LIMIT {int(newest)}"
        rows = self.conn.execute(
            "SELECT id, title, url, outlet, published, path, passages, indexed_at, language FROM documents "
            f"ORDER BY {order}"
        ).fetchall()
        return [DocumentSummary(**dict(row)) for row in rows]

    def passage_signature(self) -> int:
        """Changes whenever documents or passages are added, replaced or removed, by any process."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()
        return int(row[0]) if row else 0

    def _bump_revision(self) -> None:
        self.conn.execute(
            "INSERT INTO meta VALUES ('revision', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )

    def document_hashes(self) -> dict[str, str]:
        """Content hash of every completely indexed document."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, content_hash FROM documents")}

    def passages_of(self, document_ids: list[str]) -> list[tuple[str, str, str]]:
        """(id, document id, text) of these documents' passages, document by document, in order."""
        out: list[tuple[str, str, str]] = []
        for begin in range(0, len(document_ids), 500):
            chunk = document_ids[begin : begin + 500]
            out += self.conn.execute(
                "SELECT id, document_id, text FROM passages "
                f"WHERE document_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY document_id, idx",
                chunk,
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in out]

    # passages ------------------------------------------------------------------------------
    def passages(self, document_id: str) -> list[Passage]:
        rows = self.conn.execute(
            'SELECT id, document_id, idx, start, "end", text FROM passages WHERE document_id=? ORDER BY idx',
            (document_id,),
        ).fetchall()
        return [self._passage(r) for r in rows]

    def passages_by_id(self, ids: Iterable[str]) -> dict[str, Passage]:
        ids = list(ids)
        out: dict[str, Passage] = {}
        for begin in range(0, len(ids), 500):
            chunk = ids[begin : begin + 500]
            rows = self.conn.execute(
                'SELECT id, document_id, idx, start, "end", text FROM passages '
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            out.update({r["id"]: self._passage(r) for r in rows})
        return out

    @staticmethod
    def _passage(row: sqlite3.Row) -> Passage:
        return Passage(
            id=row["id"],
            document_id=row["document_id"],
            index=row["idx"],
            start=row["start"],
            end=row["end"],
            text=row["text"],
        )

    # claims --------------------------------------------------------------------------------
    def save_claims(
        self, document_id: str, claims: list[Claim], detected_on: tuple[str, str] | None = None
    ) -> None:
        """Store a document's claims; candidates no longer detected are removed, unless they have a note.
        `detected_on` (content hash, detector) records what they were detected on, in the same transaction."""
        with self._write():
            if detected_on:
                self.conn.execute(
                    "INSERT INTO claim_runs VALUES (?,?,?,?) ON CONFLICT(document_id) DO UPDATE SET "
                    "content_hash=excluded.content_hash, detector=excluded.detector, at=excluded.at",
                    (document_id, *detected_on, _now()),
                )
            keep = [c.id for c in claims]
            self.conn.execute(
                f"DELETE FROM claims WHERE document_id=? AND id NOT IN ({','.join('?' * len(keep))}) "
                "AND id NOT IN (SELECT claim_id FROM notes)",
                (document_id, *keep),
            )
            now = _now()
            self.conn.executemany(
                "INSERT INTO claims (id, document_id, start, checkworthiness, data, created_at) VALUES "
                "(?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET start=excluded.start, checkworthiness=excluded.checkworthiness, "
                "data=excluded.data",
                [
                    (c.id, c.document_id, c.span.start, c.checkworthiness, c.model_dump_json(), now)
                    for c in claims
                ],
            )

    def document_hash(self, document_id: str) -> str | None:
        row = self.conn.execute("SELECT content_hash FROM documents WHERE id=?", (document_id,)).fetchone()
        return row[0] if row else None

    def claims_detected_on(self, document_id: str) -> tuple[str, str] | None:
        """(content hash, detector) the stored claims of a document were detected on, if any."""
        row = self.conn.execute(
            "SELECT content_hash, detector FROM claim_runs WHERE document_id=?", (document_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    # checked claims (fact-check archives) ----------------------------------------------------
    def save_checked_claims(
        self, claims: list[CheckedClaim], claim_vectors: np.ndarray, title_vectors: np.ndarray, embedding: str
    ) -> None:
        with self._write():
            now = _now()
            self.conn.executemany(
                "INSERT INTO checked_claims VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "origin=excluded.origin, data=excluded.data, embedding=excluded.embedding, "
                "claim_vector=excluded.claim_vector, title_vector=excluded.title_vector, "
                "imported_at=excluded.imported_at",
                [
                    (
                        c.id,
                        c.origin,
                        c.model_dump_json(),
                        embedding,
                        np.asarray(cv, dtype=np.float32).tobytes(),
                        np.asarray(tv, dtype=np.float32).tobytes(),
                        now,
                    )
                    for c, cv, tv in zip(claims, claim_vectors, title_vectors, strict=True)
                ],
            )
            self._bump_archive()

    def delete_checked_claims(self, ids: list[str]) -> None:
        if not ids:
            return
        with self._write():
            self.conn.executemany("DELETE FROM checked_claims WHERE id=?", [(i,) for i in ids])
            self._bump_archive()

    def _bump_archive(self) -> None:
        self.conn.execute(
            "INSERT INTO meta VALUES ('archive', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )

    def archive_revision(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='archive'").fetchone()
        return int(row[0]) if row else 0

    def checked_claim_records(self, embedding: str) -> dict[str, str]:
        """Id -> stored JSON of every checked claim embedded in `embedding` (to skip unchanged records)."""
        rows = self.conn.execute("SELECT id, data FROM checked_claims WHERE embedding=?", (embedding,))
        return {row[0]: row[1] for row in rows}

    def checked_claims(self, embedding: str) -> tuple[list[CheckedClaim], np.ndarray, np.ndarray]:
        """Every checked claim embedded in `embedding`, with its claim and headline vectors."""
        rows = self.conn.execute(
            "SELECT data, claim_vector, title_vector FROM checked_claims WHERE embedding=? ORDER BY id",
            (embedding,),
        ).fetchall()
        claims = [_read(CheckedClaim, row[0], "checked claim") for row in rows]
        if not rows:
            return claims, np.zeros((0, 0), np.float32), np.zeros((0, 0), np.float32)
        claim_vectors = np.stack([np.frombuffer(row[1], dtype=np.float32) for row in rows])
        title_vectors = np.stack([np.frombuffer(row[2], dtype=np.float32) for row in rows])
        return claims, claim_vectors, title_vectors

    def statement_vectors(self, hashes: list[str], embedding: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for begin in range(0, len(hashes), 500):
            chunk = hashes[begin : begin + 500]
            rows = self.conn.execute(
                f"SELECT text_hash, vector FROM statement_vectors WHERE embedding=? AND text_hash IN "
                f"({','.join('?' * len(chunk))})",
                (embedding, *chunk),
            )
            out.update({row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows})
        return out

    def save_statement_vectors(self, vectors: dict[str, np.ndarray], embedding: str) -> None:
        with self._write():
            self.conn.executemany(
                "INSERT OR REPLACE INTO statement_vectors VALUES (?,?,?)",
                [(key, embedding, np.asarray(v, dtype=np.float32).tobytes()) for key, v in vectors.items()],
            )

    def approved_versions(self) -> list[tuple[str, int]]:
        """(note id, version) of every approved note."""
        rows = self.conn.execute("SELECT id, version FROM notes WHERE status='approved' ORDER BY id")
        return [(row[0], row[1]) for row in rows]

    def checked_claims_of(self, origin: str) -> list[CheckedClaim]:
        rows = self.conn.execute("SELECT data FROM checked_claims WHERE origin=?", (origin,))
        return [_read(CheckedClaim, row[0], "checked claim") for row in rows]

    def archive_origins(self) -> list[tuple[str, int]]:
        """(origin, number of checked claims) for every archive, 'workspace' included."""
        rows = self.conn.execute(
            "SELECT origin, COUNT(*) FROM checked_claims GROUP BY origin ORDER BY origin"
        )
        return [(row[0], row[1]) for row in rows]

    def save_claim(self, claim: Claim) -> None:
        """Update one stored claim (an LLM-refined statement, or re-anchored to an edited article); its id stays."""
        with self._write():
            self.conn.execute(
                "UPDATE claims SET data=?, start=? WHERE id=?",
                (claim.model_dump_json(), claim.span.start, claim.id),
            )

    def claims(self, document_id: str | None = None) -> list[Claim]:
        if document_id:
            rows = self.conn.execute(
                "SELECT data FROM claims WHERE document_id=? ORDER BY start", (document_id,)
            )
        else:
            rows = self.conn.execute("SELECT data FROM claims ORDER BY document_id, start")
        return [_read(Claim, r["data"], "claim") for r in rows.fetchall()]

    def claims_by_id(self, ids) -> dict[str, Claim]:
        ids = list(ids)
        out: dict[str, Claim] = {}
        for begin in range(0, len(ids), 500):
            chunk = ids[begin : begin + 500]
            rows = self.conn.execute(
                f"SELECT data FROM claims WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for row in rows.fetchall():
                claim = _read(Claim, row["data"], "claim")
                out[claim.id] = claim
        return out

    def claim(self, claim_id: str) -> Claim:
        row = self.conn.execute("SELECT data FROM claims WHERE id=?", (claim_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no claim with id {claim_id!r}; run `factcheck claims ARTICLE` to list claim ids"
            )
        return _read(Claim, row["data"], "claim")

    # notes ---------------------------------------------------------------------------------
    def save_note(self, note: Note) -> bool:
        """Store a drafted note unless a reviewer has decided on the note meanwhile (approved, rejected or
        stale notes are never overwritten by a draft) or its claim was removed meanwhile (with its article: no
        orphan note is left). Returns whether the note was stored."""
        with self._write():
            cursor = self.conn.execute(
                "INSERT INTO notes (id, claim_id, status, verdict, data, updated_at, version) "
                "SELECT ?,?,?,?,?,?,1 WHERE EXISTS (SELECT 1 FROM claims WHERE id=?) "
                "ON CONFLICT(id) DO UPDATE SET status=excluded.status, verdict=excluded.verdict, data=excluded.data, "
                "updated_at=excluded.updated_at, version=notes.version + 1 "
                "WHERE notes.status IN ('draft', 'failed')",
                (
                    note.id,
                    note.claim_id,
                    note.status.value,
                    note.verdict.value,
                    note.model_dump_json(),
                    _now(),
                    note.claim_id,
                ),
            )
            return cursor.rowcount > 0

    def has_claim(self, claim_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM claims WHERE id=?", (claim_id,)).fetchone() is not None

    @staticmethod
    def _note(row: sqlite3.Row) -> Note:
        return _read(Note, row["data"], "note").model_copy(update={"version": row["version"]})

    def note_for_claim(self, claim_id: str) -> Note | None:
        row = self.conn.execute("SELECT data, version FROM notes WHERE claim_id=?", (claim_id,)).fetchone()
        return self._note(row) if row else None

    def notes(self, status: str | None = None) -> list[Note]:
        query, args = "SELECT data, version FROM notes", tuple[str, ...]()
        if status:
            query, args = query + " WHERE status=?", (status,)
        return [self._note(r) for r in self.conn.execute(query + " ORDER BY id", args).fetchall()]

    def reviewer_names(self) -> list[str]:
        """Everyone who has acted on a note (the tool's own name left out), for assigning work."""
        rows = self.conn.execute(
            "SELECT DISTINCT reviewer FROM reviews WHERE reviewer != 'factcheck' ORDER BY reviewer"
        )
        return [r[0] for r in rows.fetchall()]

    def reviewed_by(self, reviewer: str) -> set[str]:
        """Ids of the notes a reviewer has acted on."""
        rows = self.conn.execute("SELECT DISTINCT note_id FROM reviews WHERE reviewer = ?", (reviewer,))
        return {r[0] for r in rows.fetchall()}

    def notes_citing(self, document_ids: list[str]) -> list[Note]:
        """Notes with a citation of any of these documents."""
        if not document_ids:
            return []
        marks = ",".join("?" * len(document_ids))
        rows = self.conn.execute(
            "SELECT DISTINCT notes.data, notes.version FROM notes, json_each(notes.data, '$.citations') AS cited "
            f"WHERE json_extract(cited.value, '$.document_id') IN ({marks})",
            document_ids,
        ).fetchall()
        return [self._note(r) for r in rows]

    def notes_on(self, document_ids: list[str]) -> list[Note]:
        """Notes on claims of these documents."""
        if not document_ids:
            return []
        marks = ",".join("?" * len(document_ids))
        rows = self.conn.execute(
            f"SELECT notes.data, notes.version FROM notes JOIN claims ON claims.id = notes.claim_id "
            f"WHERE claims.document_id IN ({marks})",
            document_ids,
        ).fetchall()
        return [self._note(r) for r in rows]

    # LLM response cache --------------------------------------------------------------------
    def cached_response(self, key: str) -> tuple[str, dict] | None:
        row = self.conn.execute("SELECT response, usage FROM llm_cache WHERE key=?", (key,)).fetchone()
        return (row["response"], json.loads(row["usage"])) if row else None

    def cache_response(self, key: str, model: str, response: str, usage: dict) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?,?,?,?,?)",
                (key, model, response, json.dumps(usage), _now()),
            )

    # reviews (append-only) -----------------------------------------------------------------
    def note(self, note_id: str) -> Note:
        """A note by its id, or by a prefix only one note's id has (the exact id is looked up first)."""
        row = self.conn.execute("SELECT data, version FROM notes WHERE id=?", (note_id,)).fetchone()
        if row is not None:
            return self._note(row)
        rows = self.conn.execute(
            "SELECT data, version FROM notes WHERE id=? OR id LIKE ? ESCAPE '\\'", (note_id, _prefix(note_id))
        ).fetchall()
        exact = [r for r in rows if json.loads(r["data"]).get("id") == note_id]
        if len(rows) != 1 and len(exact) != 1:
            what = "no note" if not rows else f"{len(rows)} notes match"
            raise NotFoundError(f"{what} with id {note_id!r}; run `factcheck notes list` to see note ids")
        return self._note(exact[0] if exact else rows[0])

    def record_review(self, review: Review, note: Note) -> Note:
        """Append the review and store the note's new state, in one transaction, only if nobody changed the note
        since `note.version` was read; returns the stored note with its new version."""
        with self._write():
            cursor = self.conn.execute(
                "UPDATE notes SET status=?, verdict=?, data=?, updated_at=?, version=version + 1 "
                "WHERE id=? AND version=?",
                (
                    note.status.value,
                    note.verdict.value,
                    note.model_dump_json(),
                    _now(),
                    note.id,
                    note.version,
                ),
            )
            if cursor.rowcount == 0:
                last = self.conn.execute(
                    "SELECT reviewer, action, at FROM reviews WHERE note_id=? ORDER BY id DESC LIMIT 1",
                    (note.id,),
                ).fetchone()
                when = f"{last['at'][:16].replace('T', ' ')} UTC" if last else ""
                who = f" ({last['action']} by {last['reviewer']} at {when})" if last else ""
                raise ConflictError(
                    f"note {note.id} changed since it was opened{who}; reload it and try again: "
                    "nothing was saved"
                )
            self._insert_review(review)
        return note.model_copy(update={"version": note.version + 1})

    def _insert_review(self, review: Review) -> None:
        self.conn.execute(
            "INSERT INTO reviews (note_id, reviewer, action, data, at) VALUES (?,?,?,?,?)",
            (review.note_id, review.reviewer, review.action, review.model_dump_json(), review.at.isoformat()),
        )

    def append_review(self, review: Review) -> None:
        """Add to a note's history without changing the note (a comment)."""
        with self._write():
            self._insert_review(review)

    def reviews(self, note_id: str) -> list[Review]:
        rows = self.conn.execute(
            "SELECT data FROM reviews WHERE note_id=? ORDER BY id", (note_id,)
        ).fetchall()
        return [_read(Review, r["data"], "review") for r in rows]

    def review_position(self, reviewer: str) -> str | None:
        row = self.conn.execute("SELECT note_id FROM review_state WHERE reviewer=?", (reviewer,)).fetchone()
        return row["note_id"] if row else None

    def set_review_position(self, reviewer: str, note_id: str) -> None:
        with self._write():
            self.conn.execute("INSERT OR REPLACE INTO review_state VALUES (?,?)", (reviewer, note_id))

    # evaluation runs -----------------------------------------------------------------------
    def save_eval_run(self, run: EvalRun) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO eval_runs VALUES (?,?,?)",
                (run.id, run.model_dump_json(exclude={"items"}), run.created_at.isoformat()),
            )

    def save_eval_item(self, run_id: str, item: ItemResult) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO eval_items VALUES (?,?,?)", (run_id, item.id, item.model_dump_json())
            )

    def eval_run(self, run_id: str, missing_ok: bool = False) -> EvalRun | None:
        rows = self.conn.execute(
            "SELECT data FROM eval_runs WHERE id=? OR id LIKE ? ESCAPE '\\'", (run_id, _prefix(run_id))
        ).fetchall()
        if len(rows) != 1:
            if missing_ok and not rows:
                return None
            raise NotFoundError(
                f"no single evaluation run {run_id!r}; run `factcheck eval list` to see run ids"
            )
        run = _read(EvalRun, rows[0]["data"], "evaluation run")
        items = self.conn.execute(
            "SELECT data FROM eval_items WHERE run_id=? ORDER BY rowid", (run.id,)
        ).fetchall()
        return run.model_copy(
            update={"items": [_read(ItemResult, r["data"], "evaluation item") for r in items]}
        )

    def eval_runs(self) -> list[EvalRun]:
        rows = self.conn.execute("SELECT data FROM eval_runs ORDER BY created_at").fetchall()
        return [_read(EvalRun, r["data"], "evaluation run") for r in rows]
