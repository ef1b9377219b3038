"""Claims found in articles, what they were detected on, and the vectors of their statements."""

from __future__ import annotations

import numpy as np

from factcheck.errors import NotFoundError
from factcheck.models import (
    Claim,
)
from factcheck.storage.connection import Connection, _now, _read


class ClaimStore(Connection):
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

    def has_claim(self, claim_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM claims WHERE id=?", (claim_id,)).fetchone() is not None
