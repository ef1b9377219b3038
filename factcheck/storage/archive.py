"""Checked claims from imported fact-check archives and from our own approved notes."""

from __future__ import annotations

import numpy as np

from factcheck.models import (
    CheckedClaim,
)
from factcheck.storage.connection import Connection, _now, _read


class ArchiveStore(Connection):
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

    def has_approved_notes(self) -> bool:
        """Whether any note is approved (our own approved notes count as earlier checks)."""
        return self.conn.execute("SELECT 1 FROM notes WHERE status='approved' LIMIT 1").fetchone() is not None

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
