"""Review desk latency at scale. Run: `.venv/bin/python benchmarks/bench_desk.py [--notes 5000]`.

Builds a workspace with N drafted notes (synthetic articles from the seed, evidence judge; the same builder as
bench_review.py), serves the desk with uvicorn on loopback, and times whole HTTP requests as a browser makes
them: the queue (first page of 100, with counts over all notes), the queue filtered by claim type, and the
note page (claim in its paragraph, ranked evidence, citations, history, previous and next). Prints p50 and
p95 in milliseconds.
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

from factcheck.settings import load_settings
from factcheck.web import DeskServer, create_app
from factcheck.workspace import Workspace


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed_get(client: httpx.Client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100, help="Requests per page kind.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="Keep the workspace here and reuse it on the next run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        started = time.perf_counter()
        if (folder / "home" / "factcheck.db").exists():
            workspace = Workspace(load_settings(home=folder / "home"))  # reused: nothing is built
        else:
            folder.mkdir(parents=True, exist_ok=True)
            workspace = build(folder, args.notes)
        built = time.perf_counter() - started
        entries = workspace.queue_entries(workspace.queue_filter(status="all"))
        server = DeskServer(create_app(workspace, reviewer="bench")).start()
        rows = []
        with httpx.Client(base_url=server.url, timeout=60) as client:
            client.get("/")  # warm: templates compiled, cookies set
            picks = random.Random(args.seed).sample(entries, min(args.requests, len(entries)))
            for label, paths in (
                ("queue, first page", ["/"] * args.requests),
                ("queue, filtered by type", ["/?type=quantity&status=all"] * args.requests),
                ("note page", [f"/notes/{e.note_id}?status=all" for e in picks]),
            ):
                samples = [timed_get(client, path) for path in paths]
                rows.append((label, len(samples), *percentiles(samples)))
        server.stop()
        workspace.close()
    print(
        f"factcheck review desk benchmark, {date.today()}, {platform.machine()}, Python "
        f"{platform.python_version()}: {len(entries)} notes (workspace ready in {built:.0f} s), "
        "HTTP on loopback, one client"
    )
    print(f"{'page':<28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for label, count, p50, p95 in rows:
        print(f"{label:<28}{count:>9}{p50:>9.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
