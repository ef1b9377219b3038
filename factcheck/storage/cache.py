"""The LLM response cache."""

from __future__ import annotations

import json

from factcheck.storage.connection import Connection, _now


class CacheStore(Connection):
    def cached_response(self, key: str) -> tuple[str, dict] | None:
        row = self.conn.execute("SELECT response, usage FROM llm_cache WHERE key=?", (key,)).fetchone()
        return (row["response"], json.loads(row["usage"])) if row else None

    def cache_response(self, key: str, model: str, response: str, usage: dict) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?,?,?,?,?)",
                (key, model, response, json.dumps(usage), _now()),
            )
