"""How a migration is declared: `@migration` appends it to MIGRATIONS, in order; `_run` runs SQL statements."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

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
