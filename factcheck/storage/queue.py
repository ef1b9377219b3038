"""The review queue, read from `queue_lines` (kept by triggers, see migration m008): listing, counting,
grouping the same claim across articles, and paging, without reading any note's JSON."""

from __future__ import annotations

import sqlite3

from pydantic import ValidationError

from factcheck.models import QueueEntry, QueueFilter
from factcheck.storage.db import Database, unreadable

_COLUMNS = (
    "q.note_id, q.claim_id, q.document_id, q.status, q.verdict, q.version, q.suggestion, q.confidence, "
    "q.claim_text, q.claim_type, q.checkworthiness, q.assigned_to, q.last_reviewer, q.last_action, q.last_at, "
    "q.record_lower, q.signoffs"
)


def _like(words: str) -> str:
    escaped = words.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(filters: QueueFilter, with_status: bool = True) -> tuple[str, list[object]]:
    query, args = " FROM queue_lines q WHERE 1=1", list[object]()
    for condition, value in (
        (" AND q.status = ?", filters.status.value if filters.status and with_status else None),
        (" AND q.verdict = ?", filters.verdict.value if filters.verdict else None),
        (" AND q.suggestion = ?", filters.lean.value if filters.lean else None),
        (" AND q.claim_type = ?", filters.claim_type.value if filters.claim_type else None),
        (" AND q.document_id = ?", filters.article),
        (" AND q.note_id IN (SELECT note_id FROM reviews WHERE reviewer = ?)", filters.reviewer),
    ):
        if value:
            query += condition
            args.append(value)
    if filters.assigned is not None:
        query += " AND q.assigned_to = ?"
        args.append(filters.assigned)
    if filters.awaiting:
        query += " AND q.status = 'draft' AND q.signoffs > 0"
    if filters.search and filters.search.strip():
        pattern = _like(filters.search)
        query += (
            " AND (q.claim_text LIKE ?1 ESCAPE '\\' OR q.note_text LIKE ?1 ESCAPE '\\' OR q.document_id IN "
            "(SELECT id FROM documents WHERE title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\'))"
        ).replace("?1", "?")
        args.extend([pattern] * 4)
    return query, args


def _order(filters: QueueFilter, grouped: bool = False) -> str:
    triage = "coalesce(q.record_lower, -1) DESC, " if filters.by_record else ""
    worth = "max(q.checkworthiness)" if grouped else "q.checkworthiness"
    return f" ORDER BY {triage}{worth} DESC, q.document_id, q.start"


class QueueStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def ids(self, filters: QueueFilter) -> list[str]:
        """Note ids in queue order: most check-worthy claim first, then by article and position."""
        where, args = _where(filters)
        return [r[0] for r in self.db.conn.execute("SELECT q.note_id" + where + _order(filters), args)]

    def counts(self, filters: QueueFilter) -> dict[str, int]:
        """How many notes of each status match the filters other than the status."""
        where, args = _where(filters, with_status=False)
        rows = self.db.conn.execute("SELECT q.status, COUNT(*)" + where + " GROUP BY q.status", args)
        return {r[0]: r[1] for r in rows.fetchall()}

    def size(self, filters: QueueFilter, grouped: bool = False) -> int:
        """How many lines the queue has: notes, or claims when the same claim's notes form one line."""
        where, args = _where(filters)
        what = "COUNT(DISTINCT q.claim_key)" if grouped else "COUNT(*)"
        return int(self.db.conn.execute(f"SELECT {what}" + where, args).fetchone()[0])

    def entries(
        self, filters: QueueFilter, offset: int = 0, limit: int | None = None, grouped: bool = False
    ) -> list[QueueEntry]:
        """The queue's lines in order; `grouped`: one line per claim (its most check-worthy note, with how many
        notes share the claim's words)."""
        where, args = _where(filters)
        if grouped:
            return self._grouped(filters, where, args, offset, limit)
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        query = f"SELECT {_COLUMNS}, q.checkworthiness, 1" + where + _order(filters) + page
        return [_entry(r) for r in self.db.conn.execute(query, args).fetchall()]

    def _grouped(
        self, filters: QueueFilter, where: str, args: list[object], offset: int, limit: int | None
    ) -> list[QueueEntry]:
        """Walk the notes in queue order and keep each claim's first (its most check-worthy note) until the
        page is full, so a first page reads about a page of rows at any size; then count each shown claim's
        notes."""
        cursor = self.db.conn.execute(f"SELECT {_COLUMNS}, q.claim_key" + where + _order(filters), args)
        firsts: dict[str, sqlite3.Row] = {}
        wanted = None if limit is None else offset + limit
        for row in cursor:
            firsts.setdefault(row[-1], row)
            if wanted is not None and len(firsts) >= wanted:
                break
        cursor.close()
        shown = list(firsts.items())[offset:wanted]
        if not shown:
            return []
        keys = [key for key, _ in shown]
        counted = self.db.conn.execute(
            "SELECT q.claim_key, COUNT(*)" + where + f" AND q.claim_key IN ({','.join('?' * len(keys))}) "
            "GROUP BY q.claim_key",
            [*args, *keys],
        )
        copies = {r[0]: r[1] for r in counted.fetchall()}
        return [_entry((*tuple(row)[:-1], 0.0, copies.get(key, 1))) for key, row in shown]

    def titles(self, document_ids: list[str]) -> dict[str, str]:
        """The titles (or paths) of these documents, for the lines shown."""
        if not document_ids:
            return {}
        marks = ",".join("?" * len(document_ids))
        rows = self.db.conn.execute(
            f"SELECT id, coalesce(nullif(title, ''), path) FROM documents WHERE id IN ({marks})", document_ids
        )
        return {r[0]: r[1] for r in rows.fetchall()}

    def same_claim(self, note_id: str) -> list[str]:
        """Ids of every note whose claim has the same words as this note's (this one included)."""
        rows = self.db.conn.execute(
            "SELECT note_id FROM queue_lines WHERE claim_key = (SELECT claim_key FROM queue_lines "
            "WHERE note_id = ?) ORDER BY checkworthiness DESC, document_id, start",
            (note_id,),
        )
        return [r[0] for r in rows.fetchall()]


def _entry(r: sqlite3.Row | tuple) -> QueueEntry:
    try:
        return QueueEntry(
            note_id=r[0],
            claim_id=r[1],
            document_id=r[2],
            status=r[3],
            verdict=r[4],
            version=r[5],
            suggestion=r[6],
            confidence=r[7] or 0.0,
            claim_text=r[8],
            claim_type=r[9],
            checkworthiness=r[10],
            assigned_to=r[11],
            last_reviewer=r[12],
            last_action=r[13],
            last_at=r[14],
            record_lower_bound=r[15],
            signoffs=r[16],
            copies=r[18],
        )
    except ValidationError as exc:
        raise unreadable(f"note {r[0]}", exc) from None
