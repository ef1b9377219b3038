"""How far the verification model's readings move between CPU kinds: read a fixed set of held-out pairs and
write the probabilities, then compare two such files (one per machine, or one under an emulated CPU).

    .venv/bin/python -m training.cpu_readings read --out build/readings-native.json [--model PATH] [--pairs 400]
    qemu-x86_64 -cpu Haswell .venv/bin/python -m training.cpu_readings read --out build/readings-avx2.json
    .venv/bin/python -m training.cpu_readings compare build/readings-native.json build/readings-avx2.json

The pairs are the first held-out FEVER and Check-COVID test pairs (training/verifier_data.py), the same on
every machine. `compare` prints the largest difference of any probability, and how many readings fall on the
other side of the lean line (0.5) in one file than in the other."""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np  # noqa: E402

from training.verifier_data import DEFAULT_DATA, check_covid_sentences, fever


def cpu_flags() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []
    )
    return sorted(f for f in flags if f.startswith(("avx", "amx")))


def read(args: argparse.Namespace) -> None:
    from factcheck.drafting.verifier import StanceModel

    half = args.pairs // 2
    pairs = fever(Path(args.data))["report"][:half] + check_covid_sentences(Path(args.data), "report")[:half]
    if (
        args.similarity
    ):  # the embedded model's cosine similarity of each claim and its evidence, as one "reading"
        from factcheck.retrieval.minilm import load_minilm

        embedder = load_minilm()
        claims, units = (embedder.embed([getattr(p, side) for p in pairs]) for side in ("claim", "evidence"))
        norms = np.linalg.norm(claims, axis=1) * np.linalg.norm(units, axis=1)
        probabilities = ((claims * units).sum(axis=1) / norms)[:, None]
        name = "embedded model (similarity)"
    else:
        model = StanceModel(1, path=Path(args.model)) if args.model else StanceModel(1)
        probabilities = model.stances([(p.claim, p.evidence) for p in pairs])
        name = str(model.path)
    Path(args.out).write_text(
        json.dumps(
            {
                "machine": platform.machine(),
                "cpu_flags": cpu_flags(),
                "model": name,
                "readings": [[round(float(x), 6) for x in row] for row in probabilities],
            }
        )
    )
    print(f"read {len(pairs)} pairs; CPU flags {' '.join(cpu_flags())}")


def compare(args: argparse.Namespace) -> None:
    a, b = (json.loads(Path(p).read_text()) for p in (args.first, args.second))
    rows = list(zip(a["readings"], b["readings"], strict=True))
    largest = max(abs(x - y) for ra, rb in rows for x, y in zip(ra, rb, strict=True))
    crossed = sum((ra[k] >= 0.5) != (rb[k] >= 0.5) for ra, rb in rows for k in range(min(2, len(ra))))
    print(
        json.dumps(
            {
                "pairs": len(rows),
                "first_cpu": a["cpu_flags"],
                "second_cpu": b["cpu_flags"],
                "largest_difference": round(largest, 6),
                "readings_across_the_lean_line": crossed,
            },
            indent=1,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    reading = commands.add_parser("read")
    reading.add_argument("--out", required=True)
    reading.add_argument("--model")
    reading.add_argument("--pairs", type=int, default=400)
    reading.add_argument("--similarity", action="store_true", help="Read the embedded model's similarities.")
    reading.add_argument("--data", default=str(DEFAULT_DATA))
    comparing = commands.add_parser("compare")
    comparing.add_argument("first")
    comparing.add_argument("second")
    args = parser.parse_args()
    read(args) if args.command == "read" else compare(args)


if __name__ == "__main__":
    main()
