"""BM25 over short checked claims, in memory: fact-check archives are thousands of one-line claims, so an
inverted index of numpy arrays scores a query in well under a millisecond."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from factcheck.text.terms import STOPWORDS

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    """A light suffix stripper: 'vaccines'/'vaccine', 'arrested'/'arrest' meet; short words stay whole."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


class ClaimLexicon:
    """Okapi BM25 (k1 1.2, b 0.75) over a fixed list of texts."""

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        documents = [terms(text) for text in texts]
        self.size = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        postings: dict[str, list[tuple[int, int]]] = {}
        for row, document in enumerate(documents):
            for term, count in Counter(document).items():
                postings.setdefault(term, []).append((row, count))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, pairs in postings.items():
            rows = np.array([r for r, _ in pairs], dtype=np.int64)
            counts = np.array([c for _, c in pairs], dtype=np.float32)
            idf = math.log(1 + (self.size - len(pairs) + 0.5) / (len(pairs) + 0.5))
            self._postings[term] = (
                rows,
                (idf * counts * (k1 + 1) / (counts + norm[rows])).astype(np.float32),
            )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for `query` (zeros where no term is shared)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(terms(query)):
            hit = self._postings.get(term)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out
