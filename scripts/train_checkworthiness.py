"""Train the check-worthiness scorer shipped in factcheck/data/checkworthiness.json.

Logistic regression (L2, full-batch gradient descent in numpy) over the embedded MiniLM sentence
vector plus two features (contains a number, length). Training data: ClaimBuster 2.5xNCS crowd
labels; reported figures: the ClaimBuster expert subset (held out; ids shared with training removed).

    .venv/bin/python scripts/train_checkworthiness.py --data ../shared/data/claimbuster
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np

from factcheck.claims.scoring import features
from factcheck.retrieval.embeddings import load_minilm

OUT = Path(__file__).resolve().parent.parent / "factcheck" / "data" / "checkworthiness.json"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 3000, rate: float = 0.5
) -> tuple[np.ndarray, float]:
    weights, bias = np.zeros(x.shape[1]), 0.0
    positive_weight = (len(y) - y.sum()) / y.sum()  # balance the classes
    sample_weight = np.where(y == 1, positive_weight, 1.0)
    sample_weight /= sample_weight.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ weights + bias)))
        grad = sample_weight * (p - y)
        weights -= rate * (x.T @ grad / len(y) + l2 * weights)
        bias -= rate * grad.mean()
    return weights, float(bias)


def f1(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = float(((p == 1) & (y == 1)).sum())
    precision = tp / max(p.sum(), 1)
    recall = tp / max(y.sum(), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data/claimbuster"))
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
    weights, bias = fit(x_train, y_train)
    predicted = (1 / (1 + np.exp(-(x_test @ weights + bias))) >= 0.5).astype(float)
    precision, recall, score = f1(y_test, predicted)
    print(
        f"expert subset: precision {precision:.3f} recall {recall:.3f} F1 {score:.3f} "
        f"({int(y_test.sum())} positives of {len(y_test)})"
    )
    OUT.write_text(
        json.dumps(
            {
                "model": "logistic regression over all-MiniLM-L6-v2 int8 embedding + [has_number, words/60]",
                "trained": str(date.today()),
                "training_data": "ClaimBuster 2.5xNCS (GPL-3.0), expert-subset ids removed",
                "expert_subset": {
                    "precision": round(precision, 3),
                    "recall": round(recall, 3),
                    "f1": round(score, 3),
                },
                "intercept": bias,
                "coef": [round(float(w), 6) for w in weights],
            }
        ),
        encoding="utf-8",
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
