"""The review queue, read from `queue_lines` (kept by triggers, see migration m008): listing, counting,
grouping the same claim across articles, and paging, without reading any note's JSON."""

from __future__ import annotations

import sqlite3

from pydantic import ValidationError

from factcheck.models import QueueEntry, QueueFilter
from factcheck.storage.connection import Connection, _prefix, unreadable

_COLUMNS = (
    "q.note_id, q.claim_id, q.document_id, q.status, q.verdict, q.version, q.suggestion, q.confidence, "
    "q.claim_text, q.claim_type, q.checkworthiness, q.assigned_to, q.last_reviewer, q.last_action, q.last_at, "
    "q.record_lower, q.signoffs"
)


SEARCH_CAP = 5000  # matches a search reads at most (the desk asks for more words beyond)


def _like(words: str) -> str:
    """A LIKE pattern finding the words anywhere, '%' and '_' in them taken literally."""
    return "%" + _prefix(words.strip().lower())


def _phrase(words: str) -> str:
    """The words typed as one full-text phrase whose last word may be cut short ("130,000 troo")."""
    return '"' + " ".join(words.split()).replace('"', '""') + '"*'


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
    if filters.search and any(c.isalnum() for c in filters.search):
        query += (  # one set of rows, so SQLite starts from the matches rather than testing every line
            f" AND q.rowid IN (SELECT rowid FROM (SELECT rowid FROM queue_search WHERE queue_search MATCH ? "
            f"LIMIT {SEARCH_CAP}) UNION SELECT rowid FROM (SELECT o.rowid FROM queue_lines o WHERE o.document_id IN "
            "(SELECT id FROM documents WHERE title LIKE ? ESCAPE '\\' OR outlet LIKE ? ESCAPE '\\') "
            f"LIMIT {SEARCH_CAP}))"
        )
        args.extend([_phrase(filters.search), _like(filters.search), _like(filters.search)])
    return query, args


def _order(filters: QueueFilter, grouped: bool = False) -> str:
    triage = "coalesce(q.record_lower, -1) DESC, " if filters.by_record else ""
    worth = "max(q.checkworthiness)" if grouped else "q.checkworthiness"
    return f" ORDER BY {triage}{worth} DESC, q.document_id, q.start, q.note_id"


class QueueStore:
    def __init__(self, db: Connection) -> None:
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
        """One line per claim's words: the claims ordered by their most check-worthy note (from the covering
        index, at any size), each shown by that note with how many notes share its words."""
        triage = "max(coalesce(q.record_lower, -1)) DESC, " if filters.by_record else ""
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        # With max(), SQLite takes the other columns from the row that has the maximum: the order of the lines
        # is then the order of their first notes, as in the ungrouped queue.
        groups = self.db.conn.execute(
            "SELECT q.claim_key, COUNT(*), max(q.checkworthiness) AS worth, q.document_id, q.start, q.note_id"
            + where
            + f" GROUP BY q.claim_key ORDER BY {triage}worth DESC, q.document_id, q.start, q.note_id"
            + page,
            args,
        ).fetchall()
        if not groups:
            return []
        firsts: dict[str, sqlite3.Row] = {}
        for chunk in range(0, len(groups), 500):
            ids = [r[5] for r in groups[chunk : chunk + 500]]
            rows = self.db.conn.execute(
                f"SELECT {_COLUMNS} FROM queue_lines q WHERE q.note_id IN ({','.join('?' * len(ids))})", ids
            )
            firsts.update((row[0], row) for row in rows)
        return [_entry((*tuple(firsts[r[5]]), 0.0, r[1])) for r in groups if r[5] in firsts]

    def neighbours(self, note_id: str, filters: QueueFilter) -> tuple[str | None, str | None]:
        """The notes before and after this one in queue order (the first note when this one is not in it),
        found from its place in the order rather than by listing the queue."""
        where, args = _where(filters)
        place = self.db.conn.execute(
            "SELECT q.checkworthiness, q.document_id, q.start, q.note_id" + where + " AND q.note_id = ?",
            [*args, note_id],
        ).fetchone()
        if filters.by_record or place is None:
            ids = self.ids(filters)
            if note_id not in ids:
                return None, ids[0] if ids else None
            at = ids.index(note_id)
            return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)
        worth, document, start, same = place
        tail = "(q.document_id, q.start, q.note_id)"
        # The first comparison alone lets SQLite walk the order's index from this note's place.
        after = f" AND q.checkworthiness <= ? AND (q.checkworthiness < ? OR {tail} > (?, ?, ?))"
        before = f" AND q.checkworthiness >= ? AND (q.checkworthiness > ? OR {tail} < (?, ?, ?))"
        found = []
        for condition, order in (
            (before, " ORDER BY q.checkworthiness, q.document_id DESC, q.start DESC, q.note_id DESC"),
            (after, " ORDER BY q.checkworthiness DESC, q.document_id, q.start, q.note_id"),
        ):
            row = self.db.conn.execute(
                "SELECT q.note_id" + where + condition + order + " LIMIT 1",
                [*args, worth, worth, document, start, same],
            ).fetchone()
            found.append(row[0] if row else None)
        return found[0], found[1]

    def too_many(self, words: str) -> bool:
        """Whether a search matches more notes than a search reads (then only the first are shown)."""
        if not any(c.isalnum() for c in words):
            return False
        found = self.db.conn.execute(
            f"SELECT COUNT(*) FROM (SELECT rowid FROM queue_search WHERE queue_search MATCH ? LIMIT {SEARCH_CAP + 1})",
            (_phrase(words),),
        ).fetchone()[0]
        return int(found) > SEARCH_CAP

    def document_count(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

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
