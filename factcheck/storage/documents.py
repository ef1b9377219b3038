"""Documents and their passages: what was indexed, its text, and where each passage lies in it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from factcheck.errors import NotFoundError
from factcheck.models import (
    Document,
    DocumentSummary,
    Passage,
)
from factcheck.storage.connection import Connection, _now, _prefix


class DocumentStore(Connection):
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
