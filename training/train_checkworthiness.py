"""Train the check-worthiness scorer shipped in factcheck/data/checkworthiness.json.

A mean of three small networks (one ReLU hidden layer of 256, sigmoid output; Adam, class-balanced, 60 epochs,
seeds 0-2; numpy only) over the embedded MiniLM sentence vector plus two features (contains a number,
length). The settings were fixed before looking at the held-out figures. Training data: ClaimBuster 2.5xNCS
crowd labels; reported figures: the ClaimBuster expert subset (held out; ids shared with training removed).

    .venv/bin/python -m training.train_checkworthiness --data DIR/claimbuster
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.claims.scoring import CheckworthinessScorer, encode_array, features
from factcheck.data import pin
from factcheck.retrieval.minilm import load_minilm

OUT = Path(__file__).resolve().parent.parent / "factcheck" / "data" / "checkworthiness.json"
HIDDEN, EPOCHS, BATCH, RATE, L2, SEEDS = 256, 60, 64, 1e-3, 1e-4, (0, 1, 2)


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit_network(x: np.ndarray, y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """One hidden layer, trained by Adam on the class-balanced log loss with L2."""
    rng = np.random.default_rng(seed)
    n, width = x.shape
    params = [
        rng.normal(0, np.sqrt(2 / width), (width, HIDDEN)),
        np.zeros(HIDDEN),
        rng.normal(0, np.sqrt(1 / HIDDEN), HIDDEN),
        np.zeros(1),
    ]
    first, second = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    weight = np.where(y == 1, (len(y) - y.sum()) / y.sum(), 1.0)
    weight /= weight.mean()
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for begin in range(0, n, BATCH):
            rows = order[begin : begin + BATCH]
            before = x[rows] @ params[0] + params[1]
            hidden = np.maximum(before, 0)
            p = 1 / (1 + np.exp(-(hidden @ params[2] + params[3][0])))
            g = weight[rows] * (p - y[rows]) / len(rows)
            back = np.outer(g, params[2]) * (before > 0)
            grads = [x[rows].T @ back + L2 * params[0], back.sum(0), hidden.T @ g + L2 * params[2], [g.sum()]]
            step += 1
            for i, grad in enumerate(grads):
                first[i] = 0.9 * first[i] + 0.1 * np.asarray(grad)
                second[i] = 0.999 * second[i] + 0.001 * np.asarray(grad) ** 2
                corrected = (first[i] / (1 - 0.9**step)) / (np.sqrt(second[i] / (1 - 0.999**step)) + 1e-8)
                params[i] = params[i] - RATE * corrected
    return {"w1": params[0], "b1": params[1], "w2": params[2], "b2": params[3]}


def f1(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = float(((p == 1) & (y == 1)).sum())
    precision = tp / max(p.sum(), 1)
    recall = tp / max(y.sum(), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("FACTCHECK_DATA") or "../shared/data") / "claimbuster",
    )
    args = parser.parse_args()
    train = load(args.data / "claimbuster_2.5xNCS.jsonl")
    expert = load(args.data / "expert_groundtruth_subset.jsonl")
    expert_ids = {row["sentence_id"] for row in expert}
    train = [row for row in train if row["sentence_id"] not in expert_ids]
    model = load_minilm()

    def matrix(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        texts = [row["text"] for row in rows]
        return features(texts, model.embed(texts)).astype(np.float64), np.array(
            [row["label"] for row in rows], float
        )

    x_train, y_train = matrix(train)
    x_test, y_test = matrix(expert)
    members = [fit_network(x_train, y_train, seed) for seed in SEEDS]
    stored: dict[str, Any] = {
        "model": f"mean of {len(SEEDS)} networks (ReLU hidden layer of {HIDDEN}, sigmoid) over all-MiniLM-L6-v2 "
        "(exact runtime) embedding + [has_number, words/60]",
        "trained": str(date.today()),
        "training_data": "ClaimBuster 2.5xNCS (GPL-3.0), expert-subset ids removed",
        "members": [{name: encode_array(value) for name, value in member.items()} for member in members],
    }
    predicted = (CheckworthinessScorer(stored).probabilities(x_test.astype(np.float32)) >= 0.5).astype(float)
    precision, recall, score = f1(y_test, predicted)
    print(
        f"expert subset, model alone at 0.5: precision {precision:.3f} recall {recall:.3f} F1 {score:.3f} "
        f"({int(y_test.sum())} positives of {len(y_test)})"
    )
    stored["expert_subset"] = {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(score, 3),
    }
    OUT.write_text(json.dumps(stored), encoding="utf-8")
    pin(OUT.name, OUT.read_bytes())  # pinned like the model: a changed file is refused at load
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
