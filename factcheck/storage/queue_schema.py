"""The review queue's schema: the narrow `queue_lines` table kept by triggers (migration 8), its covering
indexes and full-text index (migration 9), and the SQL functions those triggers call."""

from __future__ import annotations

import sqlite3

from factcheck.storage.schema_steps import _run, migration


def claim_key(text: str | None) -> str:
    """What makes two claims the same claim in the queue: their words, case- and punctuation-blind. Names and
    numbers stay, so "Minister Lavrov" and "Minister Scholz", or 100,000 and 130,000, never share a key."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema's triggers call; every connection that writes notes or claims has them."""
    conn.create_function("factcheck_key", 1, claim_key, deterministic=True)


_QUEUE_LINE = """
    n.status, n.verdict, json_extract(n.data, '$.suggestion'), json_extract(n.data, '$.confidence'),
    json_extract(n.data, '$.provenance.record.lower_bound'), coalesce(json_extract(n.data, '$.assigned_to'), ''),
    coalesce(json_array_length(n.data, '$.signoffs'), 0), n.version,
    lower(coalesce(json_extract(n.data, '$.claim_reviewed'), '') || ' ' ||
          coalesce(json_extract(n.data, '$.explanation'), ''))
"""
_QUEUE_COLUMNS = (
    "status, verdict, suggestion, confidence, record_lower, assigned_to, signoffs, version, note_text"
)
_CLAIM_LINE = """
    c.document_id, c.checkworthiness, c.start, json_extract(c.data, '$.type'),
    json_extract(c.data, '$.text'), factcheck_key(json_extract(c.data, '$.text'))
"""
_CLAIM_COLUMNS = "document_id, checkworthiness, start, claim_type, claim_text, claim_key"
_DECISIONS = "('approve', 'reject', 'signoff', 'undo')"


@migration
def m008_queue_lines(conn: sqlite3.Connection) -> None:
    """The review queue as a narrow table kept by triggers: what the queue lists, filters, groups and sorts on,
    without reading a note's JSON (which holds its evidence), so a desk of 100,000 notes pages in milliseconds.
    Also each note's last decision (approve, reject, sign-off, undo) for the queue's "last action"."""
    register_functions(conn)
    _run(
        conn,
        f"""
        CREATE TABLE queue_lines (
            note_id TEXT PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE, claim_id TEXT NOT NULL,
            document_id TEXT NOT NULL, status TEXT NOT NULL, verdict TEXT NOT NULL, suggestion TEXT,
            confidence REAL, record_lower REAL, assigned_to TEXT NOT NULL, signoffs INTEGER NOT NULL,
            version INTEGER NOT NULL, note_text TEXT NOT NULL, checkworthiness REAL NOT NULL,
            start INTEGER NOT NULL, claim_type TEXT, claim_text TEXT NOT NULL, claim_key TEXT NOT NULL,
            last_reviewer TEXT NOT NULL DEFAULT '', last_action TEXT NOT NULL DEFAULT '', last_at TEXT
        );
        CREATE INDEX queue_lines_order ON queue_lines(status, checkworthiness DESC, document_id, start);
        CREATE INDEX queue_lines_all_order ON queue_lines(checkworthiness DESC, document_id, start);
        CREATE INDEX queue_lines_key ON queue_lines(claim_key);
        CREATE INDEX queue_lines_document ON queue_lines(document_id);
        CREATE INDEX queue_lines_claim ON queue_lines(claim_id);
        CREATE INDEX reviews_reviewer ON reviews(reviewer, note_id);
        INSERT INTO queue_lines (note_id, claim_id, {_QUEUE_COLUMNS}, {_CLAIM_COLUMNS})
            SELECT n.id, n.claim_id, {_QUEUE_LINE}, {_CLAIM_LINE} FROM notes n JOIN claims c ON c.id = n.claim_id;
        UPDATE queue_lines SET (last_reviewer, last_action, last_at) = (
            SELECT reviewer, action, at FROM reviews r WHERE r.note_id = queue_lines.note_id
            AND r.action IN {_DECISIONS} ORDER BY r.id DESC LIMIT 1)
            WHERE EXISTS (SELECT 1 FROM reviews r WHERE r.note_id = queue_lines.note_id
            AND r.action IN {_DECISIONS});
        CREATE TRIGGER queue_note_added AFTER INSERT ON notes BEGIN
            INSERT INTO queue_lines (note_id, claim_id, {_QUEUE_COLUMNS}, {_CLAIM_COLUMNS})
            SELECT n.id, n.claim_id, {_QUEUE_LINE}, {_CLAIM_LINE} FROM notes n JOIN claims c ON c.id = n.claim_id
            WHERE n.id = NEW.id;
        END;
        CREATE TRIGGER queue_note_changed AFTER UPDATE ON notes BEGIN
            UPDATE queue_lines SET ({_QUEUE_COLUMNS}) = (SELECT {_QUEUE_LINE} FROM notes n WHERE n.id = NEW.id)
            WHERE note_id = NEW.id;
        END;
        CREATE TRIGGER queue_claim_changed AFTER UPDATE ON claims BEGIN
            UPDATE queue_lines SET ({_CLAIM_COLUMNS}) = (SELECT {_CLAIM_LINE} FROM claims c WHERE c.id = NEW.id)
            WHERE claim_id = NEW.id;
        END;
        CREATE TRIGGER queue_decision AFTER INSERT ON reviews WHEN NEW.action IN {_DECISIONS} BEGIN
            UPDATE queue_lines SET last_reviewer = NEW.reviewer, last_action = NEW.action, last_at = NEW.at
            WHERE note_id = NEW.note_id;
        END
    """,
    )


@migration
def m009_queue_search(conn: sqlite3.Connection) -> None:
    """Indexes that answer the grouped queue from the index alone, and a full-text index of each queue line's
    claim and public text (kept by triggers), so search and grouping stay fast at 100,000 notes."""
    _run(
        conn,
        """
        CREATE INDEX queue_lines_groups ON queue_lines(status, claim_key, checkworthiness, verdict, suggestion,
            claim_type, assigned_to, signoffs, record_lower, document_id, start, note_id);
        CREATE INDEX queue_lines_all_groups ON queue_lines(claim_key, checkworthiness, status, verdict,
            suggestion, claim_type, assigned_to, signoffs, record_lower, document_id, start, note_id);
        CREATE VIRTUAL TABLE queue_search USING fts5(claim_text, note_text, content='queue_lines',
            content_rowid='rowid');
        INSERT INTO queue_search(queue_search) VALUES ('rebuild');
        CREATE TRIGGER queue_search_added AFTER INSERT ON queue_lines BEGIN
            INSERT INTO queue_search(rowid, claim_text, note_text) VALUES (NEW.rowid, NEW.claim_text, NEW.note_text);
        END;
        CREATE TRIGGER queue_search_removed AFTER DELETE ON queue_lines BEGIN
            INSERT INTO queue_search(queue_search, rowid, claim_text, note_text)
            VALUES ('delete', OLD.rowid, OLD.claim_text, OLD.note_text);
        END;
        CREATE TRIGGER queue_search_changed AFTER UPDATE OF claim_text, note_text ON queue_lines BEGIN
            INSERT INTO queue_search(queue_search, rowid, claim_text, note_text)
            VALUES ('delete', OLD.rowid, OLD.claim_text, OLD.note_text);
            INSERT INTO queue_search(rowid, claim_text, note_text) VALUES (NEW.rowid, NEW.claim_text, NEW.note_text);
        END;
        ANALYZE queue_lines
    """,
    )
