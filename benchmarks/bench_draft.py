"""Drafting throughput. Run: `.venv/bin/python benchmarks/bench_draft.py [--local] [--claims N]`.

Prints claims/s for the `evidence` judge and, with --local (needs the 'local' extra), per-claim latency
and throughput of the SmolLM2 llama.cpp judge at --workers 1, 2 and 4 against one server.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import tempfile
from datetime import date
from pathlib import Path

from factcheck.backends import open_judge
from factcheck.draft import draft_claims
from factcheck.retrieve import RetrievalSettings
from factcheck.settings import load_settings
from factcheck.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--local", action="store_true", help="also measure the local llama.cpp judge")
    parser.add_argument("--claims", type=int, default=8, help="claims per local run")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "examples" / "articles", corpus)
        shutil.copytree(ROOT / "tests" / "data" / "evidence", corpus / "evidence")
        workspace = Workspace(load_settings(home=Path(tmp) / "home"))
        workspace.index([corpus])
        claims = [c for path in sorted(corpus.glob("*.txt")) for c in workspace.extract_claims(str(path))]
        retrieval = RetrievalSettings(k=6)
        with open_judge(workspace.settings, workspace.db, "evidence") as judge:
            draft_claims(workspace, claims[:2], judge, retrieval, redo=True)  # warm-up: model and BM25 loaded
            report = draft_claims(workspace, claims, judge, retrieval, redo=True)
        rows.append(("evidence judge", "1", f"{len(claims) / report.seconds:.1f} claims/s",
                     f"{1000 * report.seconds / len(claims):.0f} ms/claim"))
        if args.local:
            subset = claims[: args.claims]
            with open_judge(workspace.settings, workspace.db, "local") as judge:
                for workers in (1, 2, 4):
                    judge.client.db.conn.execute("DELETE FROM llm_cache")  # every run pays for its calls
                    report = draft_claims(workspace, subset, judge, retrieval, workers=workers, redo=True)
                    latency = statistics.median(n.provenance.timings["judge"] for n in report.notes)
                    rows.append(("local judge (SmolLM2)", str(workers), f"{len(subset) / report.seconds:.2f} claims/s",
                                 f"{latency:.1f} s/claim (median judge time)"))
        workspace.close()
    print(f"factcheck drafting benchmark, {date.today()}, {platform.machine()}, Python {platform.python_version()}, "
          f"{len(claims)} claims")
    print(f"{'judge':<24}{'workers':>8}  {'throughput':<18}latency")
    for judge, workers, throughput, latency in rows:
        print(f"{judge:<24}{workers:>8}  {throughput:<18}{latency}")


if __name__ == "__main__":
    main()
