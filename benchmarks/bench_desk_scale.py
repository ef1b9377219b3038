"""Every desk page on a workspace of 100,000 notes, with accounts on. Run:
`.venv/bin/python benchmarks/bench_desk_scale.py [--notes 100000] [--requests 40]`.

Drafts a base of real notes (the seed article varied, evidence judge, as bench_review.py does), then copies
its articles, claims and notes in SQL until the workspace holds --notes notes: a quarter of the copies keep
their claim's words (the same claim in several articles, which the queue groups), the rest are varied. The
queue table is filled by the schema's own triggers, as in use. An admin signs in and the desk is served by
uvicorn on loopback; whole HTTP requests are timed as a browser makes them, and p50/p95 are printed per page.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from bench_review import build

from factcheck.models import Role
from factcheck.settings import load_settings
from factcheck.web import DeskServer, create_app
from factcheck.workspace import Workspace

PASSWORD = "bench password 1"


def grow(workspace: Workspace, notes: int) -> None:
    """Copy the base articles, claims and notes until there are `notes` notes."""
    conn = workspace.db.conn
    base = conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    copies = -(-notes // base) - 1
    for k in range(1, copies + 1):
        suffix, varied = f"-{k}", k % 4 != 0
        with workspace.db.write() as c:
            c.execute(
                "INSERT INTO documents SELECT id || ?1, path || ?1, title || ' ' || ?2, url, outlet, published, "
                "content_hash, text, body_start, passages, embedding, indexed_at, language FROM documents "
                "WHERE id NOT LIKE '%-%' AND id IN (SELECT document_id FROM claims)",
                (suffix, str(k)),
            )
            c.execute(
                "INSERT INTO claims SELECT id || ?1, document_id || ?1, start, checkworthiness, "
                "json_set(data, '$.id', id || ?1, '$.document_id', document_id || ?1, '$.text', "
                "json_extract(data, '$.text') || CASE WHEN ?2 THEN ' (' || ?3 || ')' ELSE '' END), created_at "
                "FROM claims WHERE id NOT LIKE '%-%' AND id IN (SELECT claim_id FROM notes)",
                (suffix, varied, str(k)),
            )
            c.execute(
                "INSERT INTO notes SELECT id || ?1, claim_id || ?1, status, verdict, "
                "json_set(data, '$.id', id || ?1, '$.claim_id', claim_id || ?1), updated_at, version "
                "FROM notes WHERE id NOT LIKE '%-%' LIMIT ?2",
                (suffix, min(base, notes - base * k)),
            )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=240, help="Notes drafted for real before copying.")
    parser.add_argument("--requests", type=int, default=40, help="Requests per page kind.")
    parser.add_argument("--workdir", type=Path, help="Keep the workspace here and reuse it on the next run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        started = time.perf_counter()
        if (folder / "home" / "factcheck.db").exists():
            workspace = Workspace(load_settings(home=folder / "home"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            workspace = build(folder, args.base)
            grow(workspace, args.notes)
        if workspace.team.find("Editor") is None:
            workspace.team.add("Editor", Role.admin, PASSWORD)
        built = time.perf_counter() - started
        total = workspace.db.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        ids = [r[0] for r in workspace.db.conn.execute("SELECT note_id, document_id FROM queue_lines")]
        documents = [r[0] for r in workspace.db.conn.execute("SELECT DISTINCT document_id FROM queue_lines")]
        rng = random.Random(0)
        server = DeskServer(create_app(workspace)).start()
        with httpx.Client(base_url=server.url, timeout=60, headers={"Origin": server.url}) as client:
            import re

            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)[1]
            client.post("/login", data={"csrf": csrf, "name": "Editor", "password": PASSWORD, "next": "/"})
            pages = {
                "queue (claims grouped)": lambda: "/",
                "queue, each note": lambda: "/?each=1",
                "queue, page 200": lambda: "/?each=1&page=200",
                "queue, all statuses": lambda: "/?status=all",
                "queue, search": lambda: "/?q=" + rng.choice(["troops", "Lavrov", "130,000", "embassy"]),
                "queue, awaiting sign-off": lambda: "/?awaiting=1",
                "queue, lean and type": lambda: "/?lean=supported&type=quantity",
                "note page": lambda: f"/notes/{rng.choice(ids)}?status=all",
                "article page": lambda: f"/articles/{rng.choice(documents)}",
                "sources": lambda: "/sources",
                "jobs": lambda: "/jobs",
                "team": lambda: "/team",
            }
            rows = []
            for label, path in pages.items():
                client.get(path()).raise_for_status()  # warm
                samples = []
                for _ in range(args.requests):
                    target = path()
                    began = time.perf_counter()
                    client.get(target).raise_for_status()
                    samples.append(time.perf_counter() - began)
                rows.append((label, *percentiles(samples)))
        server.stop()
        workspace.close()
    print(
        f"factcheck desk at scale, {date.today()}, {platform.machine()}, Python {platform.python_version()}: "
        f"{total:,} notes in {len(documents):,} articles (ready in {built:.0f} s), signed in, HTTP on loopback, "
        f"{args.requests} requests per page"
    )
    print(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}")
    for label, p50, p95 in rows:
        print(f"{label:<28}{p50:>9.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
