"""The learned check-worthiness scorer: logistic regression over MiniLM sentence embeddings.

Trained by `scripts/train_checkworthiness.py`; weights and model card ship in `factcheck/data/`.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import resources

import numpy as np

WEIGHTS_FILE = "checkworthiness.json"
RULES_REVISION = "3"  # bump when detection rules change, so stored claims are detected again
_NUMBER = re.compile(r"\d|\b(?:hundred|thousand|million|billion|percent)\b", re.I)


def features(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Embedding plus two surface features: contains a number, length in words (scaled)."""
    extra = np.array(
        [[1.0 if _NUMBER.search(t) else 0.0, min(len(t.split()), 60) / 60.0] for t in texts], dtype=np.float32
    )
    return np.hstack([vectors, extra])


class CheckworthinessScorer:
    def __init__(self, weights: dict) -> None:
        self.coef = np.asarray(weights["coef"], dtype=np.float32)
        self.intercept = float(weights["intercept"])

    def __call__(self, texts: list[str]) -> list[float]:
        from factcheck.retrieval.embeddings import load_minilm

        x = features(texts, load_minilm().embed(texts))
        logits = x @ self.coef + self.intercept
        return [float(p) for p in 1.0 / (1.0 + np.exp(-logits))]


@lru_cache(maxsize=1)
def load_scorer() -> CheckworthinessScorer | None:
    """The shipped scorer, or None when no weights file is installed (rules alone then)."""
    try:
        raw = resources.files("factcheck.data").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    return CheckworthinessScorer(json.loads(raw))


@lru_cache(maxsize=1)
def detector_version() -> str:
    """Names the rules and scorer weights that detect claims; stored claims detected by another are redone."""
    try:
        raw = resources.files("factcheck.data").joinpath(WEIGHTS_FILE).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        return f"rules-{RULES_REVISION}"
    return f"rules-{RULES_REVISION}+scorer-{hashlib.sha256(raw).hexdigest()[:12]}"
