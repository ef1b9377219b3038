"""Measure claim detection against hand-labelled claims (the team's JSONL format, see examples/README.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError
from .models import Claim


class GoldClaim(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document: str = Field(description="File name of the article the claim is in.")
    text: str = Field(description="The claim span, an exact substring of the article.")
    type: str = ""
    speaker: str = ""
    checkworthy: bool = True


class DetectionScore(BaseModel):
    gold: int
    predicted: int
    matched_gold: int
    matched_predicted: int
    precision: float
    recall: float
    f1: float
    type_accuracy: float = Field(description="Share of matched gold claims whose type was predicted right.")


def load_gold_claims(path: Path) -> list[GoldClaim]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the gold file ({exc.strerror})") from None
    try:
        return [GoldClaim.model_validate_json(line) for line in lines if line.strip()]
    except ValueError as exc:
        raise InputError(f"{path}: not a gold claims file ({str(exc).splitlines()[0]})") from None


def overlaps(a: tuple[int, int], b: tuple[int, int], minimum: float = 0.5) -> bool:
    """Spans match when they share at least `minimum` of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= minimum * min(a[1] - a[0], b[1] - b[0])


def score_detection(text: str, predicted: list[Claim], gold: list[GoldClaim]) -> DetectionScore:
    """Span-overlap precision and recall for one article."""
    gold_spans = []
    for item in gold:
        start = text.find(item.text)
        if start < 0:
            raise InputError(f"gold claim not found verbatim in {item.document}: {item.text[:60]!r}")
        gold_spans.append((start, start + len(item.text), item.type))
    matched_gold = [g for g in gold_spans if any(overlaps(g[:2], (c.span.start, c.span.end)) for c in predicted)]
    matched_pred = [c for c in predicted if any(overlaps(g[:2], (c.span.start, c.span.end)) for g in gold_spans)]
    typed = sum(
        1 for g in matched_gold
        if any(c.type.value == g[2] and overlaps(g[:2], (c.span.start, c.span.end)) for c in predicted)
    )
    precision = len(matched_pred) / len(predicted) if predicted else 0.0
    recall = len(matched_gold) / len(gold_spans) if gold_spans else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return DetectionScore(
        gold=len(gold_spans), predicted=len(predicted), matched_gold=len(matched_gold),
        matched_predicted=len(matched_pred), precision=round(precision, 3), recall=round(recall, 3), f1=round(f1, 3),
        type_accuracy=round(typed / len(matched_gold), 3) if matched_gold else 0.0,
    )
