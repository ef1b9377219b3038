"""The database schema comes from numbered migrations, applied once each, in order."""

import sqlite3

from factcheck.storage import migrations
from factcheck.storage.db import Database


def test_a_new_database_gets_every_migration_once(tmp_path):
    db = Database(tmp_path / "ws" / "factcheck.db")
    names = [row[0] for row in db.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert names == [name for name, _ in migrations.MIGRATIONS] and names[0] == "m001_initial"
    db.close()
    again = Database(tmp_path / "ws" / "factcheck.db")
    assert again.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(names)
    again.close()


def test_a_new_migration_runs_on_an_existing_database_and_a_failing_one_leaves_no_trace(
    tmp_path, monkeypatch
):
    path = tmp_path / "factcheck.db"
    Database(path).close()

    def m999_add_column(conn):
        conn.execute("ALTER TABLE notes ADD COLUMN extra TEXT")

    def m1000_broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("boom")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ("m999_add_column", m999_add_column)]
    )
    db = Database(path)
    assert "extra" in [row[1] for row in db.conn.execute("PRAGMA table_info(notes)")]
    db.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ("m1000_broken", m1000_broken)])
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrations.migrate(conn)
    except sqlite3.OperationalError:
        pass
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables and "m1000_broken" not in migrations.applied(conn)
    conn.close()
