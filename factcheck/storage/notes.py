"""Notes and their review history: drafted notes, every review action, and where a reviewer stopped."""

from __future__ import annotations

import json
import sqlite3

from factcheck.errors import ConflictError, NotFoundError
from factcheck.models import (
    Note,
    Review,
)
from factcheck.storage.connection import Connection, _now, _prefix, _read


class NoteStore(Connection):
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
