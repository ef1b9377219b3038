"""Re-run the README's evaluation figures on the public datasets in DIR (--data, or FACTCHECK_DATA) (not shipped).

    .venv/bin/python scripts/eval_shared.py [--data DIR] (or FACTCHECK_DATA=DIR) [--local-limit 30] [--skip-local]
                                            [--only "AVeriTeC dev"] [--curves]

Prints Markdown with the date and machine:
- check-worthiness on the ClaimBuster expert subset and the example articles;
- how the verification model reads evidence units held out from its training: FEVER pairs (binary
  entailment), Climate-FEVER claims (three-way, per sentence), Check-COVID test sentences, WiCE test;
- per verdict set and judge: committed verdicts per class, precision as measured and re-weighted to balanced
  labels, coverage; recall of gold evidence by retrieval, by the evidence shown and by the quotes, and quote
  precision; with --curves, the whole precision-coverage curve per class.
The sets reported here (AVeriTeC dev, Check-COVID test, WiCE test, the held-out FEVER and Climate-FEVER claims)
neither trained the verification model nor calibrated its thresholds. The `llm` judge is added when
FACTCHECK_LLM__MODEL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

from factcheck.models import EvalRun
from factcheck.settings import load_settings
from factcheck.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project folder, for the training package
from training.verifier_data import DEFAULT_DATA, climate_fever, iter_report_sets, reading_figures  # noqa: E402

VERDICT_SETS = [
    ("AVeriTeC dev", "averitec/dev_converted.jsonl", "averitec"),
    ("Check-COVID test (extracted)", "check_covid/covidCheck_test_extracted.jsonl", "checkcovid"),
    ("Check-COVID test (composed)", "check_covid/covidCheck_test_composed.jsonl", "checkcovid"),
    ("WiCE test", "wice/test.jsonl", "wice"),
    ("Climate-FEVER held-out claims", None, "climatefever"),
]


def committed_cells(run: EvalRun, kind: str = "committed") -> str:
    per_class = run.metrics[kind]["per_class"]
    cells = []
    for label in ("supported", "refuted", "partly_supported"):
        c = per_class[label]
        if c["committed"]:  # for leans: how many were shown
            cells.append(
                f"{label} {c['correct']}/{c['committed']} = {c['precision']:.2f} (balanced "
                f"{c['balanced_precision']:.2f})"
            )
    return "; ".join(cells) or "none"


def climate_held_out(data: Path, folder: Path) -> Path:
    """The Climate-FEVER claims training/verifier_data.py keeps out of training, as a dataset file."""
    held = {p.group.removeprefix("climate:") for p in climate_fever(data)["report"]}
    rows = [
        line
        for line in (data / "climate_fever" / "climate-fever.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip() and json.loads(line)["claim_id"] in held
    ]
    path = folder / "climate-fever-held-out.jsonl"
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


def reading_rows(data: Path) -> list[tuple[str, ...]]:
    """The shipped verification model on held-out evidence units."""
    from factcheck.drafting.verifier import load_stance_model

    model = load_stance_model()
    rows = []
    for name, pairs in iter_report_sets(data):
        probabilities = model.stances([(p.claim, p.evidence) for p in pairs])
        figures = reading_figures(pairs, probabilities)
        if "binary_accuracy" in figures:
            rows.append((name, str(figures["pairs"]), f"accuracy {figures['binary_accuracy']:.3f}", ""))
        else:
            f1 = figures["f1"]
            rows.append(
                (
                    name,
                    str(figures["pairs"]),
                    f"macro-F1 {figures['macro_f1']:.3f}, accuracy {figures['accuracy']:.3f}",
                    f"supports {f1['supports']:.2f} / refutes {f1['refutes']:.2f} / neither {f1['neither']:.2f}",
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--local-limit", type=int, default=30, help="AVeriTeC claims for the slow local judge"
    )
    parser.add_argument("--skip-local", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", action="append", help="Only these verdict sets (repeatable).")
    parser.add_argument("--curves", action="store_true", help="Print each precision-coverage curve.")
    parser.add_argument("--skip-claims", action="store_true", help="Skip check-worthiness and reading.")
    args = parser.parse_args()
    claims_rows, verdict_rows, curves, units, leans = [], [], [], [], []
    reading = [] if args.skip_claims else reading_rows(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(load_settings(home=Path(tmp) / "home"))
        if not args.skip_claims:
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
        sets = [s for s in VERDICT_SETS if not args.only or s[0] in args.only]
        judges: list[tuple[str, int | None, list[str]]] = [("evidence", None, [n for n, _, _ in sets])]
        if not args.skip_local:
            judges.append(("local", args.local_limit, ["AVeriTeC dev"]))
        if os.environ.get("FACTCHECK_LLM__MODEL"):
            judges.append(("llm", None, ["AVeriTeC dev"]))
        for judge, limit, names in judges:
            for name, path, fmt in sets:
                if name not in names:
                    continue
                dataset = args.data / path if path else climate_held_out(args.data, Path(tmp))
                run = workspace.evaluate_verdicts(dataset, fmt, judge=judge, limit=limit, seed=args.seed)
                m, committed = run.metrics, run.metrics["committed"]
                left = sum(run.settings.get("left_out", {}).values())
                label = f"{name} ({len(run.items)} claims{f'; {left} NEI twins left out' if left else ''})"
                verdict_rows.append(
                    (
                        label,
                        f"{judge} {run.model}".strip(),
                        f"{committed['coverage']:.1%}",
                        committed_cells(run),
                        f"{m['retrieval_recall']:.3f} / {m['citation_recall']:.3f} / {m['quote_recall']:.3f}",
                        f"{m['quote_precision']:.3f}",
                        f"{m['invented_citations']} / {m['failed']}",
                        f"{m['seconds_p50']:.2f}s",
                    )
                )
                leans.append(
                    (
                        label,
                        f"{judge} {run.model}".strip(),
                        f"{m['leans']['coverage']:.1%}",
                        committed_cells(run, "leans"),
                    )
                )
                if m.get("unit_stance"):
                    u = m["unit_stance"]
                    units.append((label, str(u["n"]), f"{u['accuracy']:.3f}", f"{u['macro_f1']:.3f}"))
                for cls, points in m["precision_coverage"].items():
                    curves += [
                        (
                            label,
                            judge,
                            cls,
                            f"{p['threshold']:.3f}",
                            f"{p['coverage']:.3f}",
                            f"{p['precision']:.3f}",
                            f"{p['balanced_precision']:.3f}",
                            str(p["n"]),
                        )
                        for p in points
                    ]
        workspace.close()
    print(
        f"Evaluation on {date.today()}, {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    if claims_rows:
        print("| check-worthiness | F1 | precision | recall |\n|---|---|---|---|")
        for row in claims_rows:
            print("| " + " | ".join(row) + " |")
    if reading:
        print(
            "\n| verification model on held-out units | pairs | figure | F1 per stance |\n|---|---|---|---|"
        )
        for row in reading:
            print("| " + " | ".join(row) + " |")
    print(
        "\n| verdicts | judge | committed (share of claims) | committed precision per class | "
        "recall of gold evidence: retrieved / shown as evidence / quoted | quote precision | invented / failed | p50 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in verdict_rows:
        print("| " + " | ".join(row) + " |")
    print(
        "\n| leans shown (suggested or committed) | judge | claims with a lean | right / shown per class (balanced) |"
        "\n|---|---|---|---|"
    )
    for row in leans:
        print("| " + " | ".join(row) + " |")
    if units:
        print(
            "\n| stance of each evidence unit shown (gold unit labels) | units | accuracy | macro-F1 |\n"
            "|---|---|---|---|"
        )
        for row in units:
            print("| " + " | ".join(row) + " |")
    if args.curves:
        print(
            "\n| set | judge | class | score ≥ | coverage | precision | balanced precision | claims |\n"
            "|---|---|---|---|---|---|---|---|"
        )
        for row in curves:
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
