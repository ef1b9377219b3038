"""Review desk latency at scale. Run: `.venv/bin/python benchmarks/bench_desk.py [--notes 5000]`, or
`--while-indexing 200` for the pages while the desk indexes a batch of that many articles.

Builds a workspace with N drafted notes (synthetic articles from the seed, evidence judge; the same builder as
bench_review.py), serves the desk with uvicorn on loopback, and times whole HTTP requests as a browser makes
them: the queue (first page of 100, with counts over all notes), the queue filtered by claim type, and the
note page (claim in its paragraph, ranked evidence, citations, history, previous and next). Prints p50 and
p95 in milliseconds. With --while-indexing, a second client first posts a folder of new articles to the desk
(an index job), and the pages are timed, in turns, for as long as the job runs.
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

ROOT = Path(__file__).resolve().parent.parent


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
    parser.add_argument(
        "--while-indexing",
        type=int,
        default=0,
        metavar="N",
        help="Time the pages while N new articles index.",
    )
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
            if args.while_indexing:
                rows, job = while_indexing(server.url, client, folder, args.while_indexing, picks)
                server.stop()
                workspace.close()
                report(entries, built, rows, f"while the desk indexed {args.while_indexing} articles ({job})")
                return
            for label, paths in (
                ("queue, first page", ["/"] * args.requests),
                ("queue, filtered by type", ["/?type=quantity&status=all"] * args.requests),
                ("note page", [f"/notes/{e.note_id}?status=all" for e in picks]),
            ):
                samples = [timed_get(client, path) for path in paths]
                rows.append((label, len(samples), *percentiles(samples)))
        server.stop()
        workspace.close()
    report(entries, built, rows, "one client")


def report(entries: list, built: float, rows: list, how: str) -> None:
    print(
        f"factcheck review desk benchmark, {date.today()}, {platform.machine()}, Python "
        f"{platform.python_version()}: {len(entries)} notes (workspace ready in {built:.0f} s), "
        f"HTTP on loopback, {how}"
    )
    print(f"{'page':<28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for label, count, p50, p95 in rows:
        print(f"{label:<28}{count:>9}{p50:>9.1f}{p95:>9.1f}")


def while_indexing(
    url: str, client: httpx.Client, folder: Path, articles: int, picks: list
) -> tuple[list, str]:
    """Post a folder of `articles` new articles to the desk, then time queue and note pages, in turns, until
    the index job is done. Returns the rows and how long the job took."""
    import re

    batch = folder / f"batch-{articles}"
    batch.mkdir(exist_ok=True)
    seed = (ROOT / "examples" / "articles" / "002_226ed5e22ff4a158.txt").read_text(encoding="utf-8")
    for number in range(articles):
        (batch / f"new{number:04d}.txt").write_text(
            seed.replace("Lavrov", f"Lavrov ({number})").replace("2022", str(1900 + number)), encoding="utf-8"
        )
    origin = {"Origin": url}
    with httpx.Client(base_url=url, timeout=60, headers=origin) as poster:
        page = poster.get("/sources").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
        started = time.perf_counter()
        posted = poster.post("/sources", data={"csrf": token, "path": str(batch)})
        job = posted.headers["location"].rsplit("/", 1)[1]
        samples: dict[str, list[float]] = {"queue, first page": [], "note page": []}
        turn = 0
        while poster.get(f"/jobs/{job}?format=json").json()["status"] not in ("done", "failed"):
            samples["queue, first page"].append(timed_get(client, "/"))
            pick = picks[turn % len(picks)]
            samples["note page"].append(timed_get(client, f"/notes/{pick.note_id}?status=all"))
            turn += 1
        took = time.perf_counter() - started
        state = poster.get(f"/jobs/{job}?format=json").json()
    rows = [(label, len(values), *percentiles(values)) for label, values in samples.items() if values]
    return rows, f"index job {state['status']} in {took:.0f} s: {state['result'][:80]}"


if __name__ == "__main__":
    main()
