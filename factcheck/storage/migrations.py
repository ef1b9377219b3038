"""Numbered schema migrations. Each runs once per workspace, in order, inside its own write transaction,
and is recorded in the `_migrations` table, so a workspace made by an older release opens in a newer one.

Add a migration by appending a function decorated with `@migration`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from factcheck.errors import StoreError
from factcheck.storage.schema_steps import MIGRATIONS, Migration, _run, migration  # noqa: F401


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


# The queue's table and its triggers (migrations 8 and 9), kept beside the SQL functions they call.
from factcheck.storage.queue_schema import claim_key, register_functions  # noqa: E402

__all__ = ["MIGRATIONS", "claim_key", "migrate", "register_functions"]


def _number(step: tuple[str, Migration]) -> int:
    return int("".join(c for c in step[0].split("_", 1)[0] if c.isdigit()) or 0)


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
    for name, function in sorted(MIGRATIONS, key=_number):  # in number order, whichever module declared it
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
