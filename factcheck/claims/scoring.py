"""The learned check-worthiness scorer: a small neural network (one hidden layer) over MiniLM sentence embeddings.

Trained by `training/train_checkworthiness.py`; weights and model card ship in `factcheck/data/`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from functools import lru_cache

import numpy as np

WEIGHTS_FILE = "checkworthiness.json"
logger = logging.getLogger(__name__)
RULES_REVISION = "4"  # bump when detection rules change, so stored claims are detected again
_NUMBER = re.compile(r"\d|\b(?:hundred|thousand|million|billion|percent)\b", re.I)


def features(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Embedding plus two surface features: contains a number, length in words (scaled)."""
    extra = np.array(
        [[1.0 if _NUMBER.search(t) else 0.0, min(len(t.split()), 60) / 60.0] for t in texts], dtype=np.float32
    )
    return np.hstack([vectors, extra])


def encode_array(array: np.ndarray) -> dict:
    """A float32 array as JSON: its shape and its little-endian bytes in base64."""
    data = np.ascontiguousarray(array, dtype="<f4")
    return {"shape": list(data.shape), "float32_base64": base64.b64encode(data.tobytes()).decode("ascii")}


def decode_array(stored: dict) -> np.ndarray:
    raw = base64.b64decode(stored["float32_base64"])
    return np.frombuffer(raw, dtype="<f4").reshape(stored["shape"]).astype(np.float32)


class CheckworthinessScorer:
    """Probability that a sentence is check-worthy: the mean of a few networks (ReLU hidden layer, sigmoid
    output) trained with different seeds, over `features`."""

    def __init__(self, weights: dict) -> None:
        self.members = [
            tuple(decode_array(member[name]) for name in ("w1", "b1", "w2", "b2"))
            for member in weights["members"]
        ]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        total = np.zeros(len(x), dtype=np.float32)
        for w1, b1, w2, b2 in self.members:
            hidden = np.maximum(x @ w1 + b1, 0.0)
            total += 1.0 / (1.0 + np.exp(-(hidden @ w2 + b2)))
        return total / len(self.members)

    def __call__(self, texts: list[str]) -> list[float]:
        from factcheck.retrieval.minilm import load_minilm

        x = features(texts, load_minilm().embed(texts))
        return [float(p) for p in self.probabilities(x)]


@lru_cache(maxsize=1)
def _weights() -> bytes | None:
    """The shipped weights file, verified against its pinned SHA-256 (read once: the scorer and the detector
    version both need it), or None: a missing or changed file is one logged line, and the rules rank alone."""
    from factcheck.data import ShippedFileError, shipped

    try:
        return shipped(WEIGHTS_FILE)
    except ShippedFileError as exc:
        logger.warning("%s: claims are ranked by the rules alone", exc)
        return None


@lru_cache(maxsize=1)
def load_scorer() -> CheckworthinessScorer | None:
    """The shipped scorer, or None when no weights file is installed (rules alone then)."""
    raw = _weights()
    return None if raw is None else CheckworthinessScorer(json.loads(raw))


@lru_cache(maxsize=1)
def detector_version() -> str:
    """Names the rules and scorer weights that detect claims; stored claims detected by another are redone."""
    raw = _weights()
    if raw is None:
        return f"rules-{RULES_REVISION}"
    return f"rules-{RULES_REVISION}+scorer-{hashlib.sha256(raw).hexdigest()[:12]}"
