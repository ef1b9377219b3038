"""The team's tables: accounts, desk sign-in sessions and the workspace's policy. Only the team service
(`factcheck.review.team`) writes them."""

from __future__ import annotations

import sqlite3

from pydantic import ValidationError

from factcheck.models import Account, Role
from factcheck.storage.connection import Connection, _now, unreadable


class TeamStore:
    def __init__(self, db: Connection) -> None:
        self.db = db

    # accounts -------------------------------------------------------------------------------------
    def has_accounts(self) -> bool:
        return self.db.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    @staticmethod
    def _account(row: sqlite3.Row) -> Account:
        try:
            return Account(name=row["name"], role=Role(row["role"]), created_at=row["created_at"])
        except (ValidationError, ValueError) as exc:
            raise unreadable(f"account {row['name']!r}", exc) from None  # type: ignore[arg-type]

    def accounts(self) -> list[Account]:
        rows = self.db.conn.execute("SELECT name, role, created_at FROM accounts ORDER BY key").fetchall()
        return [self._account(r) for r in rows]

    def account(self, key: str) -> tuple[Account, str] | None:
        """The account with this person key and its password hash."""
        row = self.db.conn.execute(
            "SELECT name, role, created_at, password_hash FROM accounts WHERE key=?", (key,)
        ).fetchone()
        return (self._account(row), row["password_hash"]) if row else None

    def add_account(self, key: str, name: str, role: Role, password_hash: str) -> bool:
        """Store a new account; False when the key is taken."""
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO accounts (key, name, role, password_hash, created_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(key) DO NOTHING",
                (key, name, role.value, password_hash, _now()),
            )
            return cursor.rowcount > 0

    def update_account(self, key: str, role: Role | None = None, password_hash: str | None = None) -> bool:
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE accounts SET role=coalesce(?, role), password_hash=coalesce(?, password_hash) "
                "WHERE key=?",
                (role.value if role else None, password_hash, key),
            )
            if password_hash is not None:  # a new password signs every session of the account out
                conn.execute("DELETE FROM desk_sessions WHERE account_key=?", (key,))
            return cursor.rowcount > 0

    def remove_account(self, key: str) -> bool:
        with self.db.write() as conn:
            conn.execute("DELETE FROM desk_sessions WHERE account_key=?", (key,))
            return conn.execute("DELETE FROM accounts WHERE key=?", (key,)).rowcount > 0

    def admins(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM accounts WHERE role='admin'").fetchone()[0])

    # desk sessions --------------------------------------------------------------------------------
    def add_session(self, secret_hash: str, key: str, expires_at: float, now: float) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM desk_sessions WHERE expires_at <= ?", (now,))
            conn.execute("INSERT INTO desk_sessions VALUES (?,?,?)", (secret_hash, key, expires_at))

    def session_account(self, secret_hash: str, now: float) -> str | None:
        """The account key of a session that has not expired."""
        row = self.db.conn.execute(
            "SELECT account_key FROM desk_sessions WHERE secret_hash=? AND expires_at > ?", (secret_hash, now)
        ).fetchone()
        return row[0] if row else None

    def end_session(self, secret_hash: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM desk_sessions WHERE secret_hash=?", (secret_hash,))

    # policy ---------------------------------------------------------------------------------------
    def policy_values(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.conn.execute("SELECT key, value FROM policy").fetchall()}

    def set_policy_value(self, key: str, value: str, set_by: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO policy VALUES (?,?,?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value, "
                "set_by=excluded.set_by, at=excluded.at",
                (key, value, set_by, _now()),
            )
