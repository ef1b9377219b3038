"""Drafting speed with and without the verification model, in one run on one machine.

    .venv/bin/python benchmarks/bench_draft.py [--passages 1000] [--rounds 3] [--workers 2]

Generates the seeded news-like corpus of bench.py, indexes it once, then drafts the same claims (five from
each of the first 40 articles, 6 passages a claim, evidence judge) in fresh processes, turn about with the
verification model reading every evidence sentence (`FACTCHECK_DRAFT__STANCE=true`, the default) and
without it. Every sentence of the corpus is distinct, so the model reads every sentence a note shows (a
sentence met twice for one claim is read once). Prints claims/s for each round, the medians, their ratio,
and how many sentences a claim's evidence shows and how many (claim, unit) pairs the model read.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

from bench import generate_corpus, phase


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers", type=int, default=2, help="Claims drafted concurrently (`draft`'s default: 2)."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_corpus(folder, args.passages, distinct=True)
        home = folder / "home"
        phase("index", "--home", str(home), "--corpus", str(folder / "corpus"))
        rates: dict[str, list[float]] = {"with stance": [], "without": []}
        pairs = sentences = 0.0
        for round_ in range(args.rounds):
            order = ["with stance", "without"] if round_ % 2 == 0 else ["without", "with stance"]
            for name in order:
                os.environ["FACTCHECK_DRAFT__STANCE"] = "true" if name == "with stance" else "false"
                result = phase(
                    "draft",
                    "--home",
                    str(home),
                    "--corpus",
                    str(folder / "corpus"),
                    "--workers",
                    str(args.workers),
                )
                rates[name].append(result["rate"])
                if name == "with stance":
                    pairs, sentences = result["stance_pairs_per_claim"], result["sentences_per_claim"]
                print(f"round {round_ + 1} {name}: {result['rate']} claims/s ({result['claims']} claims)")
        os.environ.pop("FACTCHECK_DRAFT__STANCE", None)
    with_stance, without = (statistics.median(rates[k]) for k in ("with stance", "without"))
    print(
        f"\n{platform.machine()} {os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.passages} passages, "
        f"{args.workers} workers"
    )
    print("| drafting, evidence judge | claims/s (median) |")
    print("|---|---|")
    print(
        f"| with the verification model ({sentences:.1f} sentences shown, {pairs:.1f} pairs read a claim) "
        f"| {with_stance:.1f} |"
    )
    print(f"| without it | {without:.1f} |")
    print(f"| ratio | {with_stance / without:.2f} |")


if __name__ == "__main__":
    main()
