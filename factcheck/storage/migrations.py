"""Numbered schema migrations. Each runs once per workspace, in order, inside its own write transaction,
and is recorded in the `_migrations` table, so a workspace made by an older release opens in a newer one.

Add a migration by appending a function decorated with `@migration`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from factcheck.errors import StoreError

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(function: Migration) -> Migration:
    MIGRATIONS.append((function.__name__, function))
    return function


def _run(conn: sqlite3.Connection, statements: str) -> None:
    """Run statements one by one (a trigger's body, with its own semicolons, is one statement)."""
    pending = ""
    for piece in statements.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                conn.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        conn.execute(pending)


@migration
def m001_initial(conn: sqlite3.Connection) -> None:
    """The schema of release 0.1.0, which had no migrations (IF NOT EXISTS: its workspaces have it)."""
    _run(
        conn,
        """
        CREATE TABLE IF NOT EXISTS documents (
            id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT, url TEXT, outlet TEXT, published TEXT,
            content_hash TEXT NOT NULL, text TEXT NOT NULL, body_start INTEGER NOT NULL,
            passages INTEGER NOT NULL, embedding TEXT NOT NULL, indexed_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS passages (
            id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id);
        CREATE TABLE IF NOT EXISTS claims (
            id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start INTEGER NOT NULL, checkworthiness REAL NOT NULL, data TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id);
        CREATE TABLE IF NOT EXISTS notes (
            id TEXT PRIMARY KEY, claim_id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, verdict TEXT NOT NULL,
            data TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT, note_id TEXT NOT NULL, reviewer TEXT NOT NULL,
            action TEXT NOT NULL, data TEXT NOT NULL, at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS reviews_note ON reviews(note_id);
        CREATE TABLE IF NOT EXISTS review_state (reviewer TEXT PRIMARY KEY, note_id TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS eval_runs (
            id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS eval_items (
            run_id TEXT NOT NULL, item_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, item_id)
        );
        CREATE TABLE IF NOT EXISTS llm_cache (
            key TEXT PRIMARY KEY, model TEXT NOT NULL, response TEXT NOT NULL, usage TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
    """,
    )


@migration
def m002_note_versions(conn: sqlite3.Connection) -> None:
    """Each note carries a version: every status change is a conditional update (no lost approvals)."""
    conn.execute("ALTER TABLE notes ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


@migration
def m003_archive_and_claim_runs(conn: sqlite3.Connection) -> None:
    """Checked claims from imported fact-check archives and from our own approved notes, with their vectors;
    and for each document, the content hash its stored claims were detected on (so they are not recomputed)."""
    _run(
        conn,
        """
        CREATE TABLE checked_claims (
            id TEXT PRIMARY KEY, origin TEXT NOT NULL, data TEXT NOT NULL, embedding TEXT NOT NULL,
            claim_vector BLOB NOT NULL, title_vector BLOB NOT NULL, imported_at TEXT NOT NULL
        );
        CREATE INDEX checked_claims_origin ON checked_claims(origin);
        CREATE TABLE claim_runs (
            document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            content_hash TEXT NOT NULL, detector TEXT NOT NULL, at TEXT NOT NULL
        )
    """,
    )


@migration
def m004_document_language(conn: sqlite3.Connection) -> None:
    """The detected language of each document ('' for documents indexed before detection existed)."""
    conn.execute("ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT ''")


@migration
def m005_statement_vectors(conn: sqlite3.Connection) -> None:
    """Vectors of claim statements (for matching and grouping), keyed by the text's hash, so listing claims
    again never embeds them again."""
    conn.execute(
        "CREATE TABLE statement_vectors (text_hash TEXT NOT NULL, embedding TEXT NOT NULL, vector BLOB NOT NULL, "
        "PRIMARY KEY (text_hash, embedding))"
    )


@migration
def m006_workspace_info(conn: sqlite3.Connection) -> None:
    """Which factcheck last changed the schema, so that an older release can name it when it refuses."""
    conn.execute("CREATE TABLE workspace_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migration
def m007_team(conn: sqlite3.Connection) -> None:
    """Accounts (Argon2 password hashes), desk sign-in sessions (only a hash of each session's secret), and the
    workspace's policy (sign-offs, publishing roles, publisher)."""
    _run(
        conn,
        """
        CREATE TABLE accounts (
            key TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE desk_sessions (
            secret_hash TEXT PRIMARY KEY, account_key TEXT NOT NULL REFERENCES accounts(key) ON DELETE CASCADE,
            expires_at REAL NOT NULL
        );
        CREATE TABLE policy (key TEXT PRIMARY KEY, value TEXT NOT NULL, set_by TEXT NOT NULL, at TEXT NOT NULL)
    """,
    )


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


def factcheck_version() -> str:
    try:
        return version("factcheck")
    except PackageNotFoundError:
        return "0+unknown"


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations this database has had, in the order they ran."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration this database has not had; returns the names applied now.

    `conn` must be in autocommit mode (isolation_level=None). Each migration runs in a BEGIN IMMEDIATE
    transaction, so two processes opening one old workspace at once cannot both apply it."""
    register_functions(conn)
    done = set(applied(conn))
    unknown = sorted(done - {name for name, _ in MIGRATIONS})
    if unknown:
        written_by, running = _written_by(conn), factcheck_version()
        which = (
            f"a newer factcheck ({written_by}) than this one ({running})"
            if written_by.removeprefix("version ") != running.removeprefix("version ")
            else f"a factcheck with changes to its storage this one ({running}) does not have"
        )
        raise StoreError(
            f"this workspace was made by {which} (unknown migration {unknown[0]!r}): upgrade factcheck to open "
            "it (pip install -U factcheck), or use another --home"
        )
    ran = []
    for name, function in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM _migrations WHERE name=?", (name,)).fetchone() is None:
                function(conn)
                conn.execute(
                    "INSERT INTO _migrations VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                ran.append(name)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if ran:
        conn.execute(
            "INSERT INTO workspace_info VALUES ('schema_written_by', ?) ON CONFLICT(key) DO UPDATE SET "
            "value=excluded.value",
            (factcheck_version(),),
        )
    return ran


def _written_by(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT value FROM workspace_info WHERE key='schema_written_by'").fetchone()
    except sqlite3.Error:
        row = None
    return f"version {row[0]}" if row else "a later version"
