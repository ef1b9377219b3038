"""Re-run the README's evaluation figures on the public datasets in ../shared/data (not shipped).

    .venv/bin/python scripts/eval_shared.py [--data ../shared/data] [--local-limit 30] [--skip-local]

Prints Markdown tables with the date and machine: check-worthiness on the ClaimBuster expert subset, and per
verdict dataset and judge the committed precision and coverage per class (a verdict is committed only when the
finding behind it was right often enough on public dev data), recall of gold evidence by retrieval, by the
passages a note shows as evidence and by its quotes, and failures. The `llm` judge is added when
FACTCHECK_LLM__MODEL is set.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import date
from pathlib import Path

from factcheck.models import EvalRun
from factcheck.settings import load_settings
from factcheck.workspace import Workspace

VERDICT_SETS = [
    ("AVeriTeC dev", "averitec/dev_converted.jsonl", "averitec"),
    ("Check-COVID test (extracted)", "check_covid/covidCheck_test_extracted.jsonl", "checkcovid"),
    ("Check-COVID test (composed)", "check_covid/covidCheck_test_composed.jsonl", "checkcovid"),
    ("Check-COVID dev", "check_covid/covidCheck_dev_composed+extracted.jsonl", "checkcovid"),
    ("WiCE test", "wice/test.jsonl", "wice"),
]


def committed_cells(run: EvalRun) -> str:
    per_class = run.metrics["committed"]["per_class"]
    cells = []
    for label in ("supported", "refuted", "partly_supported"):
        c = per_class[label]
        if c["committed"]:
            cells.append(f"{label} {c['correct']}/{c['committed']} = {c['precision']:.2f}")
    return "; ".join(cells) or "none"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument(
        "--local-limit", type=int, default=30, help="AVeriTeC claims for the slow local judge"
    )
    parser.add_argument("--skip-local", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    claims_rows, verdict_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(load_settings(home=Path(tmp) / "home"))
        for name, path, fmt in (
            (
                "ClaimBuster expert subset (732 sentences)",
                "claimbuster/expert_groundtruth_subset.jsonl",
                "claimbuster",
            ),
            ("Example articles (24 hand-labelled claims)", None, "factcheck"),
        ):
            dataset = (
                args.data / path
                if path
                else Path(__file__).resolve().parents[1] / "examples/eval/claims.jsonl"
            )
            run = workspace.evaluate_claims(dataset, fmt)
            s = run.metrics.get("sentence") or run.metrics["span"]
            claims_rows.append((name, f"{s['f1']:.3f}", f"{s['precision']:.3f}", f"{s['recall']:.3f}"))
        judges: list[tuple[str, int | None, list[str]]] = [
            ("evidence", None, [n for n, _, _ in VERDICT_SETS])
        ]
        if not args.skip_local:
            judges.append(("local", args.local_limit, ["AVeriTeC dev"]))
        if os.environ.get("FACTCHECK_LLM__MODEL"):
            judges.append(("llm", None, ["AVeriTeC dev"]))
        for judge, limit, sets in judges:
            for name, path, fmt in VERDICT_SETS:
                if name not in sets:
                    continue
                run = workspace.evaluate_verdicts(
                    args.data / path, fmt, judge=judge, limit=limit, seed=args.seed
                )
                m, committed = run.metrics, run.metrics["committed"]
                left = sum(run.settings.get("left_out", {}).values())
                verdict_rows.append(
                    (
                        f"{name} ({len(run.items)} claims{f'; {left} NEI twins left out' if left else ''})",
                        f"{judge} {run.model}".strip(),
                        f"{committed['coverage']:.1%}",
                        committed_cells(run),
                        f"{m['retrieval_recall']:.3f} / {m['citation_recall']:.3f} / {m['quote_recall']:.3f}",
                        f"{m['invented_citations']} / {m['failed']}",
                        f"{m['seconds_p50']:.2f}s",
                    )
                )
        workspace.close()
    print(
        f"Evaluation on {date.today()}, {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    print("| check-worthiness | F1 | precision | recall |\n|---|---|---|---|")
    for row in claims_rows:
        print("| " + " | ".join(row) + " |")
    print(
        "\n| verdicts | judge | committed (share of claims) | committed precision per class | "
        "recall of gold evidence: retrieved / shown as evidence / quoted | invented / failed | p50 |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in verdict_rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
