"""Re-run the README's evaluation figures on the public datasets in ../shared/data (not shipped).

    .venv/bin/python scripts/eval_shared.py [--data ../shared/data] [--local-limit 30]

Prints a Markdown table with the date and machine. The `llm` judge is added when FACTCHECK_LLM__MODEL
is set.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import date
from pathlib import Path

from factcheck.settings import load_settings
from factcheck.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    )
    parser.add_argument(
        "--local-limit", type=int, default=30, help="AVeriTeC claims for the slow local judge (0 = skip)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(load_settings(home=Path(tmp) / "home"))
        claimbuster = workspace.evaluate_claims(
            args.data / "claimbuster" / "expert_groundtruth_subset.jsonl", "claimbuster"
        )
        s = claimbuster.metrics["sentence"]
        rows.append(
            (
                "ClaimBuster expert subset (732 sentences)",
                "check-worthiness (claims)",
                "rules + learned scorer",
                f"F1 {s['f1']:.3f} (P {s['precision']:.3f}, R {s['recall']:.3f})",
            )
        )
        judges = [("evidence", None)]
        if args.local_limit:
            judges.append(("local", args.local_limit))
        if os.environ.get("FACTCHECK_LLM__MODEL"):
            judges.append(("llm", None))
        averitec = args.data / "averitec" / "dev_converted.jsonl"
        for judge, limit in judges:
            run = workspace.evaluate_verdicts(averitec, "averitec", judge=judge, limit=limit, seed=args.seed)
            m = run.metrics
            rows.append(
                (
                    f"AVeriTeC dev ({len(run.items)} claims)",
                    "verdicts 3-way",
                    f"{judge} {run.model}".strip(),
                    f"macro-F1 {m['three_way']['macro_f1']:.3f}, accuracy {m['three_way']['accuracy']:.3f}, "
                    f"citation recall {m['citation_recall']:.3f}, citation precision "
                    f"{m['citation_precision']:.3f}, "
                    f"invented {m['invented_citations']}, failed {m['failed']}, p50 {m['seconds_p50']:.2f}s",
                )
            )
        workspace.close()
    print(
        f"Evaluation on {date.today()}, {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}\n"
    )
    print("| dataset | task | system | result |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
