"""Metrics for evaluation runs: classification scores, confusion matrices, percentiles."""

from __future__ import annotations

from collections import Counter


def confusion(gold: list[str], predicted: list[str], labels: list[str]) -> list[list[int]]:
    """Rows are gold labels, columns predictions, both in `labels` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def per_class(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label; a class never predicted (or gold) scores 0, not NaN."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    scores = {}
    for label in labels:
        tp = pairs[(label, label)]
        precision = tp / predicted_counts[label] if predicted_counts[label] else 0.0
        recall = tp / gold_counts[label] if gold_counts[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": gold_counts[label],
        }
    return scores


def classification(gold: list[str], predicted: list[str], labels: list[str]) -> dict:
    """Accuracy, macro-F1 over labels present in gold or predictions, per-class scores, confusion matrix."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    classes = per_class(gold, predicted, labels)
    present = [label for label in labels if classes[label]["support"] or label in predicted]
    macro = sum(classes[label]["f1"] for label in present) / len(present) if present else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0
    return {
        "n": len(gold),
        "accuracy": round(accuracy, 4),
        "macro_f1": round(macro, 4),
        "per_class": classes,
        "labels": labels,
        "confusion": confusion(gold, predicted, labels),
    }


def binary(gold: list[bool], predicted: list[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(gold),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); ties and even counts handled."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
