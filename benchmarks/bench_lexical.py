"""The lexical index decision: today's BM25 (numpy postings, factcheck/retrieval/lexical.py) against SQLite's
FTS5 with its bm25() ranking, on the benchmark's generated corpus. Run:

    .venv/bin/python benchmarks/bench_lexical.py [--sizes 1000 10000 100000] [--workdir DIR]

No embeddings are needed: the passages go straight into a workspace database. Both indexes get the same 150
queries (claim statements from the corpus, as drafting sends them) and return their top 30. Prints build time
and query latency p50 / p95 for each, and how much of today's top 30 FTS5 returns. FTS5 gets the same terms
(lower-cased, stop words out) OR-ed together, with the Porter stemmer.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench import generate_corpus

from factcheck.claims.detect import detect_claims_many
from factcheck.ingest.readers import make_passages, read_documents
from factcheck.retrieval.lexical import LexicalIndex
from factcheck.storage.db import Database

QUERIES = 150
TOP = 30


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(folder: Path, size: int) -> dict:
    generate_corpus(folder, size)
    db = Database(folder / "lexical.db")
    files = sorted((folder / "corpus").glob("*.txt"))
    documents = [read_documents(path, 10).documents[0] for path in files]
    if not db.documents():
        db.save_documents([(d, make_passages(d)) for d in documents], "none")
    queries = [c.statement for claims in detect_claims_many(documents[:40]) for c in claims][:QUERIES]

    started = time.perf_counter()
    ours = LexicalIndex(db, None)
    ours.refresh()
    ours_build = time.perf_counter() - started

    started = time.perf_counter()
    fts = sqlite3.connect(":memory:")
    fts.execute("CREATE VIRTUAL TABLE fts USING fts5(text, pid UNINDEXED, tokenize='porter unicode61')")
    fts.executemany("INSERT INTO fts VALUES (?, ?)", db.conn.execute("SELECT text, id FROM passages"))
    fts.commit()
    fts_build = time.perf_counter() - started

    def fts_search(query: str) -> list[str]:
        words = [w for w in re.findall(r"[a-z0-9]+", query.lower()) if w not in ours._stop]
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        sql = "SELECT pid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?"
        return [row[0] for row in fts.execute(sql, (match, TOP))] if match else []

    result = {"passages": int(db.conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0])}
    overlap = []
    for name, search, build in (
        ("today", lambda q: [pid for pid, _ in ours.search(q, TOP)], ours_build),
        ("fts5", fts_search, fts_build),
    ):
        search(queries[0])
        seconds = []
        for query in queries:
            started = time.perf_counter()
            search(query)
            seconds.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(seconds)
        result[name] = {"build_s": round(build, 2), "p50_ms": round(p50, 2), "p95_ms": round(p95, 2)}
    for query in queries:
        a = {pid for pid, _ in ours.search(query, TOP)}
        b = set(fts_search(query))
        overlap.append(len(a & b) / max(1, len(a)))
    result["fts5_share_of_today_top30"] = round(statistics.mean(overlap), 3)
    db.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workdir", type=Path, help="keep the generated corpora here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="factcheck-lexical-"))
    print(
        "| passages | today: build s, p50 / p95 ms | FTS5: build s, p50 / p95 ms | FTS5 share of today's top 30 |"
    )
    print("|---|---|---|---|")
    for size in args.sizes:
        r = measure(workdir / f"generated-{size}", size)
        today, fts = r["today"], r["fts5"]
        print(
            f"| {r['passages']:,} | {today['build_s']}, {today['p50_ms']} / {today['p95_ms']} | "
            f"{fts['build_s']}, {fts['p50_ms']} / {fts['p95_ms']} | {r['fts5_share_of_today_top30']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
