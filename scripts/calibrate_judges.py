"""Measure how often each finding of the evidence judge is right on public dev data, and the similarity floor
that decides which passages are "about the claim". Writes factcheck/data/calibration.json.

    .venv/bin/python scripts/calibrate_judges.py [--data ../shared/data] [--out factcheck/data/calibration.json]

Datasets (read from --data, never shipped): AVeriTeC dev (pooled question-answer evidence), WiCE dev (each
claim against the page it cites) and Check-COVID train (each claim against its paired abstract). The floor is
the highest one that keeps a gold passage among the passages shown as evidence for all but 3 points of the
claims where retrieval found one.
"""

from __future__ import annotations

import argparse
import json
import pickle
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

from factcheck.drafting.calibration import Calibration
from factcheck.drafting.checks import check_claim
from factcheck.drafting.draft import Drafter
from factcheck.drafting.evidence import EvidenceBuilder, about_claim
from factcheck.drafting.judges import EvidenceJudge, find
from factcheck.evaluation.runs import claim_for, plan_verdicts
from factcheck.settings import load_settings
from factcheck.text.quantities import find_quantities
from factcheck.workspace import Workspace

OUT = Path(__file__).resolve().parent.parent / "factcheck" / "data" / "calibration.json"
DATASETS = [
    ("AVeriTeC dev", "averitec/dev_converted.jsonl", "averitec"),
    ("WiCE dev", "wice/dev.jsonl", "wice"),
    ("Check-COVID train", "check_covid/covidCheck_train_composed+extracted.jsonl", "checkcovid"),
]
RECALL_SLACK = 0.03


def gather(data: Path, home: Path) -> list[dict]:
    """Per claim: its gold label, gold evidence records, and the evidence items with the floor at zero."""
    rows = []
    for name, relative, fmt in DATASETS:
        settings = load_settings(home=home / fmt)
        plan = plan_verdicts(settings, data / relative, fmt)
        with Workspace(settings.model_copy(update={"home": plan.corpus.parent / "home"})) as evidence:
            evidence.index([plan.corpus])
            builder = EvidenceBuilder(evidence.evidence.embed, floor=0.0)
            drafter = Drafter(
                evidence.db, evidence.retriever, EvidenceJudge(Calibration()), plan.retrieval, builder
            )
            document_of = {record: doc for doc, record in plan.record_of.items()}
            for number, item in enumerate(plan.items, 1):
                if not item.claim.strip():
                    continue
                claim = claim_for(item)
                within = {document_of[r] for r in item.scope if r in document_of} if item.scope else None
                hits = evidence.retriever.retrieve(
                    claim.statement, plan.retrieval, claim.document_id, claim.claim_date, within=within
                )
                items = builder.build(claim, claim.statement, hits)
                gold = set(item.evidence_ids)
                rows.append(
                    {
                        "dataset": name,
                        "claim": claim,
                        "gold": item.verdict.value,
                        "items": items,
                        "gold_ranks": [e.rank for e in items if plan.record_of.get(e.document_id) in gold],
                    }
                )
                if number % 100 == 0:
                    print(f"  {name}: {number}/{len(plan.items)}", flush=True)
            del drafter
    return rows


def choose_floor(rows: list[dict]) -> tuple[float, float, float]:
    """The highest floor keeping citation recall within RECALL_SLACK of retrieval recall (AVeriTeC + WiCE)."""
    measured = [r for r in rows if r["dataset"] != "Check-COVID train" and r["gold_ranks"]]
    retrieval = len(measured)
    best = (0.0, 1.0, 1.0)
    for step in range(0, 80):
        floor = step / 100
        shown = sum(
            any(_about(r, e, floor) for e in r["items"] if e.rank in r["gold_ranks"]) for r in measured
        )
        if shown / retrieval >= 1 - RECALL_SLACK:
            best = (floor, shown / retrieval, 1.0)
    return best


def _about(row: dict, item, floor: float) -> bool:
    claim = row["claim"]
    return about_claim(claim, claim.statement, item.text, item.similarity, floor)


def findings(rows: list[dict], floor: float) -> tuple[Counter, Counter, dict]:
    fired, correct, verdict_of = Counter(), Counter(), {}
    per_dataset: dict = {}
    for row in rows:
        items = [e.model_copy(update={"about_claim": _about(row, e, floor)}) for e in row["items"]]
        claim = row["claim"].model_copy(update={"quantities": find_quantities(row["claim"].text)})
        checks, _ = check_claim(claim, items)
        for finding in find(claim, items, checks):
            if finding.verdict.value == "not_enough_evidence":
                continue
            fired[finding.name] += 1
            correct[finding.name] += finding.verdict.value == row["gold"]
            verdict_of[finding.name] = finding.verdict.value
            stats = per_dataset.setdefault(row["dataset"], {}).setdefault(finding.name, [0, 0])
            stats[0] += 1
            stats[1] += finding.verdict.value == row["gold"]
    return fired, correct, {"verdict": verdict_of, "per_dataset": per_dataset}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, help="Keep the gathered evidence in this pickle and reuse it.")
    args = parser.parse_args()
    if args.cache and args.cache.exists():
        rows = pickle.loads(args.cache.read_bytes())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = gather(args.data, Path(tmp))
        if args.cache:
            args.cache.write_bytes(pickle.dumps(rows))
    floor, _, _ = choose_floor(rows)
    fired, correct, extra = findings(rows, floor)
    result = {
        "made": str(date.today()),
        "made_by": "scripts/calibrate_judges.py",
        "datasets": [f"{name} ({relative})" for name, relative, _ in DATASETS],
        "claims": len(rows),
        "floor": floor,
        "findings": {
            name: {
                "verdict": extra["verdict"][name],
                "fired": fired[name],
                "correct": correct[name],
                "precision": round(correct[name] / fired[name], 4),
                "per_dataset": {d: v[name] for d, v in extra["per_dataset"].items() if name in v},
            }
            for name in sorted(fired)
        },
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"floor {floor:.2f}; {len(rows)} claims")
    for name, entry in result["findings"].items():
        print(
            f"  {name:28s} -> {entry['verdict']:16s} right {entry['correct']:4d} of {entry['fired']:4d} "
            f"({entry['precision']:.2f})  {entry['per_dataset']}"
        )


if __name__ == "__main__":
    main()
