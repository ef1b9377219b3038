"""Calibrate the evidence judge out of sample: on claims that neither trained the verification model nor are
reported as its figures. Writes factcheck/data/calibration.json.

    .venv/bin/python -m training.calibrate_judges [--data DIR] [--model build/verifier/verifier-w8.onnx]

(--data defaults to FACTCHECK_DATA.)

Calibration sets (read from --data, never shipped):
- AVeriTeC, the 40% of the train part that training/train_verifier.py keeps out of training (by claim id);
- Check-COVID dev (training used Check-COVID train; the README reports Check-COVID test);
- WiCE dev, for the similarity floor only.
AVeriTeC dev, Check-COVID test and WiCE test are never read here: they are the reported figures.

For each finding the script records how often it was right, measured and re-weighted to balanced labels (each
gold class of each set weighs the same). For the verification model's findings (`stance_supports`,
`stance_refutes`) it chooses a threshold on the model's score: the lowest from which the findings at or above
it are right at least TARGET of the time with labels balanced (and as measured), on at least MIN_COMMITS claims,
on a record long enough that the commit precision is its one-sided 95% lower bound, and stay at or above the
commit precision at every higher threshold. A finding with no such threshold never commits. `--llm` calibrates
the `llm` judge's confidence the same way, on the AVeriTeC calibration claims.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import tempfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from factcheck.data import pin
from factcheck.drafting.calibration import LOWER_BOUND_Z, wilson_lower
from factcheck.drafting.checks import check_claim
from factcheck.drafting.evidence import EvidenceBuilder, about_claim
from factcheck.drafting.judges import COMMIT_PRECISION, all_findings, lean_kind
from factcheck.drafting.stance import read_joined, read_stances
from factcheck.drafting.verifier import StanceModel
from factcheck.evaluation.runs import claim_for, plan_verdicts
from factcheck.settings import load_settings
from factcheck.text.quantities import find_quantities
from factcheck.workspace import Workspace
from training.verifier_data import averitec_claims

OUT = Path(__file__).resolve().parent.parent / "factcheck" / "data" / "calibration.json"
RECALL_SLACK = 0.03
TARGET = 0.90  # the balanced precision a threshold must reach on calibration data: 5 points over the commit
MIN_COMMITS = 10
# and the record must be long enough that 85% is its one-sided 95% lower bound (Wilson, LOWER_BOUND_Z): 16 of 16
# right, 28 of 29. Added when a threshold chosen on 13 of 13 calibration claims was right 8 of 12 on AVeriTeC dev.


def report_sets(data: Path, folder: Path) -> list[tuple[str, Path, str]]:
    """The reported sets (never calibrated on): only read for --auroc, to report how the reading separates."""
    return [
        ("AVeriTeC dev", data / "averitec" / "dev_converted.jsonl", "averitec"),
        (
            "Check-COVID test (extracted)",
            data / "check_covid" / "covidCheck_test_extracted.jsonl",
            "checkcovid",
        ),
        (
            "Check-COVID test (composed)",
            data / "check_covid" / "covidCheck_test_composed.jsonl",
            "checkcovid",
        ),
    ]


def calibration_sets(data: Path, folder: Path) -> list[tuple[str, Path, str]]:
    averitec = folder / "averitec_calibration.jsonl"
    averitec.write_text(
        "\n".join(json.dumps(row) for row in averitec_claims(data, "calibration")), encoding="utf-8"
    )
    return [
        ("AVeriTeC calibration (train part, kept from training)", averitec, "averitec"),
        ("Check-COVID dev", data / "check_covid" / "covidCheck_dev_composed+extracted.jsonl", "checkcovid"),
        ("WiCE dev", data / "wice" / "dev.jsonl", "wice"),
    ]


def gather(data: Path, home: Path, sets=calibration_sets) -> list[dict]:  # noqa: ANN001
    """Per claim: its set, gold label, gold evidence records, and the evidence (floor at zero)."""
    rows = []
    for name, path, fmt in sets(data, home):
        settings = load_settings(home=home / fmt)
        plan = plan_verdicts(settings, path, fmt)
        with Workspace(settings.model_copy(update={"home": plan.home})) as evidence:
            evidence.index([plan.corpus])
            builder = EvidenceBuilder(evidence.evidence.embed, floor=0.0)
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
    return rows


def choose_floor(rows: list[dict]) -> float:
    """The highest floor keeping citation recall within RECALL_SLACK of retrieval recall (AVeriTeC + WiCE)."""
    measured = [r for r in rows if not r["dataset"].startswith("Check-COVID") and r["gold_ranks"]]
    best = 0.0
    for step in range(0, 80):
        floor = step / 100
        shown = sum(
            any(_about(r, e, floor) for e in r["items"] if e.rank in r["gold_ranks"]) for r in measured
        )
        if shown / len(measured) >= 1 - RECALL_SLACK:
            best = floor
    return best


def _about(row: dict, item, floor: float) -> bool:  # noqa: ANN001
    claim = row["claim"]
    return about_claim(claim, claim.statement, item.text, item.similarity, floor)


def judged(rows: list[dict], floor: float) -> list[dict]:
    """Each calibration claim (WiCE left out) with every finding the evidence judge makes on it."""
    out = []
    for row in rows:
        if row["dataset"].startswith("WiCE"):
            continue
        items = [e.model_copy(update={"about_claim": _about(row, e, floor)}) for e in row["items"]]
        claim = row["claim"].model_copy(update={"quantities": find_quantities(row["claim"].text)})
        checks, _ = check_claim(claim, items)
        findings = all_findings(claim, items, checks)
        out.append({"dataset": row["dataset"], "gold": row["gold"], "findings": findings})
    return out


def class_weights(rows: list[dict]) -> dict[tuple[str, str], float]:
    """Each (set, gold label) cell weighs 1 / (labels in the set x claims in the cell): every label of every
    set counts the same, whatever the set's mix."""
    cells = Counter((r["dataset"], r["gold"]) for r in rows)
    labels = Counter(dataset for dataset, _ in cells)
    return {cell: 1.0 / (labels[cell[0]] * n) for cell, n in cells.items()}


def precision_of(fired: list[tuple[dict, Any]], weights: dict) -> tuple[int, int, float]:
    """(fired, right, balanced precision) of a list of (row, finding)."""
    right = sum(f.verdict.value == row["gold"] for row, f in fired)
    total = sum(weights[(row["dataset"], row["gold"])] for row, _ in fired)
    good = sum(weights[(row["dataset"], row["gold"])] for row, f in fired if f.verdict.value == row["gold"])
    return len(fired), right, (good / total if total else 0.0)


def threshold_for(fired: list[tuple[dict, Any]], weights: dict) -> tuple[float | None, list[dict]]:
    """The lowest score from which the finding is right often enough (see the module docstring), and the
    precision-coverage points it was chosen on."""
    scores = sorted({f.score for _, f in fired}, reverse=True)
    points = []
    for score in scores:
        above = [(row, f) for row, f in fired if f.score >= score]
        n, right, balanced = precision_of(above, weights)
        points.append({"threshold": round(score, 4), "n": n, "right": right, "balanced": round(balanced, 4)})
    chosen = None
    for index, point in enumerate(points):  # from the highest threshold down
        if point["n"] < MIN_COMMITS:
            continue
        higher = [p for p in points[: index + 1] if p["n"] >= MIN_COMMITS]
        holds = all(
            p["balanced"] >= COMMIT_PRECISION and p["right"] / p["n"] >= COMMIT_PRECISION for p in higher
        )
        if not holds:
            break
        if (
            point["balanced"] >= TARGET
            and point["right"] / point["n"] >= TARGET
            and wilson_lower(point["right"], point["n"]) >= COMMIT_PRECISION
        ):
            chosen = point["threshold"]
    return chosen, points


def calibrate(rows: list[dict]) -> dict:
    weights = class_weights(rows)
    by_name: dict[str, list] = defaultdict(list)
    for row in rows:
        for finding in row["findings"]:
            if finding.verdict.value != "not_enough_evidence":
                by_name[finding.name].append((row, finding))
    result = {}
    for name, fired in sorted(by_name.items()):
        verdict = fired[0][1].verdict.value
        entry: dict = {"verdict": verdict}
        if fired[0][1].score is not None:
            threshold, points = threshold_for(fired, weights)
            entry["threshold"] = threshold
            entry["curve"] = points[:: max(1, len(points) // 40)]
            if threshold is None:
                entry.update(
                    {"fired": 0, "correct": 0, "note": "no threshold reaches the target: never commits"}
                )
                result[name] = entry
                continue
            fired = [(row, f) for row, f in fired if f.score >= threshold]
        n, right, balanced = precision_of(fired, weights)
        per_dataset: dict = {}
        for row, finding in fired:
            stats = per_dataset.setdefault(row["dataset"], [0, 0])
            stats[0] += 1
            stats[1] += finding.verdict.value == row["gold"]
        entry.update(
            {
                "fired": n,
                "correct": right,
                "precision": round(right / n, 4),
                "balanced_precision": round(balanced, 4),
                "per_dataset": per_dataset,
            }
        )
        result[name] = entry
    return result


def lean_records(rows: list[dict]) -> dict:
    """Each kind of lean's record on the calibration claims: claims on which a finding of that kind was made,
    how many it was right on, precision with labels balanced; for the verification model's kinds, the same at
    every score (claims scoring at or above it), so a lean is shown with the record of leans scoring like it."""
    weights = class_weights(rows)
    by_kind: dict[str, list] = defaultdict(list)
    for row in rows:
        seen = set()
        for finding in row["findings"]:
            kind = lean_kind(finding.name)
            if finding.verdict.value != "not_enough_evidence" and kind not in seen:
                seen.add(kind)  # a claim counts once for a kind, however many of its findings fired
                by_kind[kind].append((row, finding))
    result = {}
    for kind, fired in sorted(by_kind.items()):
        n, right, balanced = precision_of(fired, weights)
        entry: dict = {
            "verdict": fired[0][1].verdict.value,
            "claims": n,
            "right": right,
            "balanced": round(balanced, 4),
            "lower_bound": round(wilson_lower(right, n), 4),
        }
        if fired[0][1].score is not None:
            entry["curve"] = threshold_for(fired, weights)[1]
        result[kind] = entry
    return result


def auroc(scores: list[float], positive: list[bool]) -> float | None:
    """The probability that a positive claim scores above a negative one (ties count half)."""
    import numpy as np

    values, labels = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    if labels.all() or not labels.any():
        return None
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):  # average ranks over ties
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    n_pos, n_neg = labels.sum(), (~labels).sum()
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def at_floor(row: dict, floor: float, model) -> list:  # noqa: ANN001
    """A claim's evidence with its relevance at this floor and its claim-level reading, as drafting reads it."""
    items = [e.model_copy(update={"about_claim": _about(row, e, floor)}) for e in row["items"]]
    return read_joined(row["claim"].statement, items, model.stances)


def separation(rows: list[dict], floor: float, model) -> dict:  # noqa: ANN001
    """AUROC per set and class of the claim-level readings: the highest `supports` (supported vs the rest) and
    the highest `refutes` (refuted vs the rest) over the units that count, and the same two probabilities of
    one reading of the claim against its top passages about it joined (the shape AVeriTeC trains on)."""
    from factcheck.drafting.stance import weigh

    out: dict = {}
    for dataset in sorted({r["dataset"] for r in rows if not r["dataset"].startswith("WiCE")}):
        chosen = [r for r in rows if r["dataset"] == dataset]
        weights = [weigh(at_floor(row, floor, model)) for row in chosen]
        units = [(w.supports, w.refutes) for w in weights]
        joined_scores = [(w.joined.supports, w.joined.refutes) if w.joined else (0.0, 0.0) for w in weights]
        gold = [r["gold"] for r in chosen]
        entry: dict[str, Any] = {"claims": len(chosen)}
        for index, label in ((0, "supported"), (1, "refuted")):
            positive = [g == label for g in gold]
            entry[label] = {
                "units": auroc([u[index] for u in units], positive),
                "joined": auroc([j[index] for j in joined_scores], positive),
                "max_of_both": auroc(
                    [max(u[index], j[index]) for u, j in zip(units, joined_scores, strict=True)], positive
                ),
            }
        out[dataset] = entry
    return out


# The commit thresholds the certificate tests, strict to lax, fixed before any calibration data was read.
COMMIT_GRID = tuple(round(0.99 - 0.01 * step, 2) for step in range(15))  # 0.99, 0.98, ..., 0.85
ALPHA = 0.05


def binomial_tail(right: int, n: int, p: float) -> float:
    """P(at least `right` successes of `n`) when each succeeds with probability `p`."""
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(right, n + 1))


def certificate(rows: list[dict]) -> dict:
    """One commit decision for the verification model's leans, certified by a fixed-sequence test: from the
    strictest threshold of COMMIT_GRID down, each is tested (H0: precision below COMMIT_PRECISION, rejected when
    the binomial tail of the claims at or above it is at most ALPHA, and their balanced precision reaches
    COMMIT_PRECISION too); the first that fails ends the sequence. Testing in a fixed order needs no correction
    for testing several thresholds: with probability at least 1 - ALPHA, the threshold chosen commits verdicts
    right at least COMMIT_PRECISION of the time on claims like these (Learn then Test, Angelopoulos et al.)."""
    weights = class_weights(rows)
    strongest = []
    for row in rows:
        model = [
            f
            for f in row["findings"]
            if lean_kind(f.name).startswith("model_") and f.verdict.value != "not_enough_evidence"
        ]
        if model:
            strongest.append((row, max(model, key=lambda f: f.score)))
    tested, threshold, precision = [], None, None
    for point in COMMIT_GRID:
        chosen = [(row, f) for row, f in strongest if f.score >= point]
        n, right, balanced = precision_of(chosen, weights)
        p_value = binomial_tail(right, n, COMMIT_PRECISION) if n else 1.0
        passed = n > 0 and p_value <= ALPHA and balanced >= COMMIT_PRECISION
        tested.append(
            {
                "threshold": point,
                "n": n,
                "right": right,
                "balanced": round(balanced, 4),
                "p": round(p_value, 4),
            }
        )
        if not passed:
            break
        threshold, precision = point, round(balanced, 4)
    return {
        "rule": "fixed-sequence binomial test over COMMIT_GRID, strict to lax",
        "alpha": ALPHA,
        "at_least": COMMIT_PRECISION,
        "grid": list(COMMIT_GRID),
        "tested": tested,
        "threshold": threshold,
        "precision": precision,
    }


DATA = Path(os.environ.get("FACTCHECK_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(
            os.environ.get("FACTCHECK_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
        ),
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--model", type=Path, help="An ONNX verification model (default: the shipped one).")
    parser.add_argument("--cache", type=Path, help="Keep the gathered evidence in this pickle and reuse it.")
    parser.add_argument("--threads", type=int, default=0, help="Cores for the model (0: all).")
    parser.add_argument("--dump", type=Path, help="Write each claim's findings and scores here (JSONL).")
    parser.add_argument(
        "--auroc",
        choices=("calibration", "report"),
        help="Only print how well the claim-level readings separate the classes (AUROC) on these sets.",
    )
    args = parser.parse_args()
    model = StanceModel(args.threads, path=args.model) if args.model else StanceModel(args.threads)
    model_file = model.path
    model_sha = hashlib.sha256(Path(model_file).read_bytes()).hexdigest()
    sets = report_sets if args.auroc == "report" else calibration_sets
    if args.cache and args.cache.exists():
        rows = pickle.loads(args.cache.read_bytes())
        for row in rows:  # items pickled by an older factcheck get the fields added since, at their defaults
            row["items"] = [type(e).model_validate(dict(e.__dict__)) for e in row["items"]]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = gather(args.data, Path(tmp), sets)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(rows))
    # the cache holds the evidence only: each model reads it afresh, claim by claim, as drafting reads it
    for row in rows:
        row["items"] = read_stances(row["claim"].statement, row["items"], model.stances)
    if args.auroc:  # the floor of the shipped calibration: reported sets never choose anything
        from factcheck.drafting.calibration import load_calibration

        floor = choose_floor(rows) if args.auroc == "calibration" else load_calibration().floor
        print(
            json.dumps(
                {"model": model_sha[:12], "floor": floor, "auroc": separation(rows, floor, model)}, indent=1
            )
        )
        return
    floor = choose_floor(rows)
    for row in rows:  # the claim-level reading of the passages that count at this floor, as drafting reads it
        if row["dataset"].startswith("WiCE"):
            continue  # the floor only
        row["items"] = at_floor(row, floor, model)
    claims = judged(rows, floor)
    if args.dump:
        args.dump.write_text(
            "\n".join(
                json.dumps(
                    {
                        "dataset": c["dataset"],
                        "gold": c["gold"],
                        "findings": [[f.name, f.verdict.value, f.score] for f in c["findings"]],
                    }
                )
                for c in claims
            ),
            encoding="utf-8",
        )
    findings = calibrate(claims)
    counts = Counter((r["dataset"], r["gold"]) for r in claims)
    result: dict[str, Any] = {
        "made": str(date.today()),
        "made_by": "training/calibrate_judges.py",
        "verifier_sha256": model_sha,
        "datasets": sorted({r["dataset"] for r in rows}),
        "claims": len(claims),
        "labels": {f"{d}: {g}": n for (d, g), n in sorted(counts.items())},
        "target": TARGET,
        "lower_bound": {"z": LOWER_BOUND_Z, "at_least": COMMIT_PRECISION},
        "floor": floor,
        "findings": findings,
        "leans": lean_records(claims),
        "certificate": certificate(claims),
    }
    text = json.dumps(result, indent=1) + "\n"
    args.out.write_text(text, encoding="utf-8")
    if args.out.resolve() == OUT.resolve():  # the shipped file: pin it, as the model is pinned
        pin(OUT.name, text.encode("utf-8"))
    print(f"floor {floor:.2f}; {len(claims)} claims; verifier {model_sha[:12]}")
    for name, entry in findings.items():
        print(
            f"  {name:24s} -> {entry['verdict']:14s} threshold {entry.get('threshold')} right "
            f"{entry.get('correct', 0)} of {entry.get('fired', 0)} balanced {entry.get('balanced_precision')}"
        )
    cert = result["certificate"]
    print(
        f"  certificate: threshold {cert['threshold']} after {len(cert['tested'])} test(s): {cert['tested'][-1]}"
    )
    for kind, entry in result["leans"].items():
        print(
            f"  lean {kind:19s} -> {entry['verdict']:14s} right {entry['right']} of {entry['claims']} "
            f"balanced {entry['balanced']} lower bound {entry['lower_bound']}"
        )


if __name__ == "__main__":
    main()
