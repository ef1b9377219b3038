"""Evaluation runs and their per-item results."""

from __future__ import annotations

from factcheck.errors import NotFoundError
from factcheck.models import (
    EvalRun,
    ItemResult,
)
from factcheck.storage.connection import Connection, _prefix, _read


class EvalStore(Connection):
    def save_eval_run(self, run: EvalRun) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO eval_runs VALUES (?,?,?)",
                (run.id, run.model_dump_json(exclude={"items"}), run.created_at.isoformat()),
            )

    def save_eval_item(self, run_id: str, item: ItemResult) -> None:
        with self._write():
            self.conn.execute(
                "INSERT OR REPLACE INTO eval_items VALUES (?,?,?)", (run_id, item.id, item.model_dump_json())
            )

    def eval_run(self, run_id: str, missing_ok: bool = False) -> EvalRun | None:
        rows = self.conn.execute(
            "SELECT data FROM eval_runs WHERE id=? OR id LIKE ? ESCAPE '\\'", (run_id, _prefix(run_id))
        ).fetchall()
        if len(rows) != 1:
            if missing_ok and not rows:
                return None
            raise NotFoundError(
                f"no single evaluation run {run_id!r}; run `factcheck eval list` to see run ids"
            )
        run = _read(EvalRun, rows[0]["data"], "evaluation run")
        items = self.conn.execute(
            "SELECT data FROM eval_items WHERE run_id=? ORDER BY rowid", (run.id,)
        ).fetchall()
        return run.model_copy(
            update={"items": [_read(ItemResult, r["data"], "evaluation item") for r in items]}
        )

    def eval_runs(self) -> list[EvalRun]:
        rows = self.conn.execute("SELECT data FROM eval_runs ORDER BY created_at").fetchall()
        return [_read(EvalRun, r["data"], "evaluation run") for r in rows]
