"""The workspace database (SQLite): documents, passages, claims, notes, reviews, eval runs, the LLM cache.
Chroma holds only the vectors. The schema comes from numbered migrations (`migrations.py`)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from factcheck.errors import NotFoundError, StoreError
from factcheck.models import Claim, Document, DocumentSummary, EvalRun, ItemResult, Note, Passage, Review
from factcheck.storage.migrations import migrate


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """A thin, thread-safe wrapper over one SQLite file in the workspace."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every write below opens its own BEGIN IMMEDIATE transaction (`_write`).
            self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            migrate(self.conn)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"cannot open the workspace database {path} ({exc}); check FACTCHECK_HOME is writable"
            ) from None
        self.lock = threading.RLock()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE so concurrent writers wait for each other
        (up to the connection timeout) instead of failing when a read transaction tries to upgrade."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # documents -----------------------------------------------------------------------------
    def indexed_hash(self, document_id: str, embedding: str) -> str | None:
        row = self.conn.execute(
            "SELECT content_hash FROM documents WHERE id=? AND embedding=?", (document_id, embedding)
        ).fetchone()
        return row["content_hash"] if row else None

    def has_document(self, document_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id=?", (document_id,)).fetchone() is not None

    def save_documents(self, documents: list[tuple[Document, list[Passage]]], embedding: str) -> None:
        """Replace documents and their passages in one transaction (old claims go: offsets are stale)."""
        with self._write():
            self._bump_revision()
            for document, passages in documents:
                self.conn.execute("DELETE FROM documents WHERE id=?", (document.id,))
                self.conn.execute(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        document.id,
                        document.path,
                        document.title,
                        document.url,
                        document.outlet,
                        document.published.isoformat() if document.published else None,
                        document.content_hash,
                        document.text,
                        document.body_start,
                        len(passages),
                        embedding,
                        _now(),
                    ),
                )
                self.conn.executemany(
                    'INSERT INTO passages (id, document_id, idx, start, "end", text) VALUES (?,?,?,?,?,?)',
                    [(p.id, p.document_id, p.index, p.start, p.end, p.text) for p in passages],
                )

    def delete_document(self, document_id: str) -> None:
        with self._write():
            self._bump_revision()
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
        )

    def find_documents(self, prefix_or_path: str) -> list[str]:
        """Ids matching an id prefix or a stored path."""
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE id LIKE ? OR path=? ORDER BY id",
            (prefix_or_path + "%", prefix_or_path),
        ).fetchall()
        return [r["id"] for r in rows]

    def documents(self) -> list[DocumentSummary]:
        rows = self.conn.execute(
            "SELECT id, title, url, outlet, published, path, passages, indexed_at FROM documents ORDER BY "
            "indexed_at, id"
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
    def save_claims(self, document_id: str, claims: list[Claim]) -> None:
        """Store a document's claims; candidates no longer detected are removed."""
        with self._write():
            keep = [c.id for c in claims]
            self.conn.execute(
                f"DELETE FROM claims WHERE document_id=? AND id NOT IN ({','.join('?' * len(keep))})",
                (document_id, *keep),
            )
            now = _now()
            self.conn.executemany(
                "INSERT INTO claims (id, document_id, start, checkworthiness, data, created_at) VALUES "
                "(?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET checkworthiness=excluded.checkworthiness, data=excluded.data",
                [
                    (c.id, c.document_id, c.span.start, c.checkworthiness, c.model_dump_json(), now)
                    for c in claims
                ],
            )

    def save_claim(self, claim: Claim) -> None:
        """Update one stored claim (e.g. an LLM-refined statement); its id and span never change."""
        with self._write():
            self.conn.execute("UPDATE claims SET data=? WHERE id=?", (claim.model_dump_json(), claim.id))

    def claims(self, document_id: str | None = None) -> list[Claim]:
        if document_id:
            rows = self.conn.execute(
                "SELECT data FROM claims WHERE document_id=? ORDER BY start", (document_id,)
            )
        else:
            rows = self.conn.execute("SELECT data FROM claims ORDER BY document_id, start")
        return [Claim.model_validate_json(r["data"]) for r in rows.fetchall()]

    def claims_by_id(self, ids) -> dict[str, Claim]:
        ids = list(ids)
        out: dict[str, Claim] = {}
        for begin in range(0, len(ids), 500):
            chunk = ids[begin : begin + 500]
            rows = self.conn.execute(
                f"SELECT data FROM claims WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for row in rows.fetchall():
                claim = Claim.model_validate_json(row["data"])
                out[claim.id] = claim
        return out

    def claim(self, claim_id: str) -> Claim:
        row = self.conn.execute("SELECT data FROM claims WHERE id=?", (claim_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no claim with id {claim_id!r}; run `factcheck claims ARTICLE` to list claim ids"
            )
        return Claim.model_validate_json(row["data"])

    # notes ---------------------------------------------------------------------------------
    def save_note(self, note: Note) -> None:
        with self._write():
            self.conn.execute(
                "INSERT INTO notes (id, claim_id, status, verdict, data, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET status=excluded.status, verdict=excluded.verdict, "
                "data=excluded.data, "
                "updated_at=excluded.updated_at",
                (
                    note.id,
                    note.claim_id,
                    note.status.value,
                    note.verdict.value,
                    note.model_dump_json(),
                    _now(),
                ),
            )

    def note_for_claim(self, claim_id: str) -> Note | None:
        row = self.conn.execute("SELECT data FROM notes WHERE claim_id=?", (claim_id,)).fetchone()
        return Note.model_validate_json(row["data"]) if row else None

    def notes(self, status: str | None = None) -> list[Note]:
        query, args = "SELECT data FROM notes", tuple[str, ...]()
        if status:
            query, args = query + " WHERE status=?", (status,)
        return [
            Note.model_validate_json(r["data"])
            for r in self.conn.execute(query + " ORDER BY id", args).fetchall()
        ]

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
        row = self.conn.execute(
            "SELECT data FROM notes WHERE id=? OR id LIKE ?", (note_id, note_id + "%")
        ).fetchall()
        if len(row) != 1:
            what = "no note" if not row else f"{len(row)} notes match"
            raise NotFoundError(f"{what} with id {note_id!r}; run `factcheck notes list` to see note ids")
        return Note.model_validate_json(row[0]["data"])

    def record_review(self, review: Review, note: Note) -> None:
        """Append the review and store the note's new state in one transaction."""
        with self._write():
            self.conn.execute(
                "INSERT INTO reviews (note_id, reviewer, action, data, at) VALUES (?,?,?,?,?)",
                (
                    review.note_id,
                    review.reviewer,
                    review.action,
                    review.model_dump_json(),
                    review.at.isoformat(),
                ),
            )
            self.conn.execute(
                "UPDATE notes SET status=?, verdict=?, data=?, updated_at=? WHERE id=?",
                (note.status.value, note.verdict.value, note.model_dump_json(), _now(), note.id),
            )

    def reviews(self, note_id: str) -> list[Review]:
        rows = self.conn.execute(
            "SELECT data FROM reviews WHERE note_id=? ORDER BY id", (note_id,)
        ).fetchall()
        return [Review.model_validate_json(r["data"]) for r in rows]

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
            "SELECT data FROM eval_runs WHERE id=? OR id LIKE ?", (run_id, run_id + "%")
        ).fetchall()
        if len(rows) != 1:
            if missing_ok and not rows:
                return None
            raise NotFoundError(
                f"no single evaluation run {run_id!r}; run `factcheck eval list` to see run ids"
            )
        run = EvalRun.model_validate_json(rows[0]["data"])
        items = self.conn.execute(
            "SELECT data FROM eval_items WHERE run_id=? ORDER BY rowid", (run.id,)
        ).fetchall()
        return run.model_copy(update={"items": [ItemResult.model_validate_json(r["data"]) for r in items]})

    def eval_runs(self) -> list[EvalRun]:
        rows = self.conn.execute("SELECT data FROM eval_runs ORDER BY created_at").fetchall()
        return [EvalRun.model_validate_json(r["data"]) for r in rows]
