"""Rank checked claims against new ones: dense similarity to the checked claim and to its fact-check's
headline, fused with BM25 over both.

The weights and the "no earlier check" threshold were chosen on CLEF CheckThat! 2020 task 2 *train* (800
tweets against 10,373 Snopes claims) and are reported on its dev split by `factcheck eval matching`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from factcheck.matching.lexical import ClaimLexicon

TITLE_WEIGHT = 0.3  # cosine to the fact-check's headline, next to cosine to its claim (weight 1)
LEXICAL_WEIGHT = 0.3  # BM25 over claim + headline, divided by the query's best BM25 score
NO_EARLIER_CHECK_BELOW = 0.60  # strength under which a claim counts as never checked (F1-best on train)


@dataclass(frozen=True)
class Ranked:
    row: int  # index into the matcher's checked claims
    score: float  # the fused ranking score (comparable within one query only)
    strength: float  # (cos claim + 0.3 cos headline) / 1.3: comparable across queries; thresholded


class ClaimMatcher:
    """Checked claims in memory: their claim and headline vectors (L2-normalised) and a BM25 index.

    A checked claim without a headline uses its claim's vector for both, so its strength stays a cosine."""

    def __init__(self, texts: list[str], claim_vectors: np.ndarray, title_vectors: np.ndarray) -> None:
        if not (len(texts) == len(claim_vectors) == len(title_vectors)):
            raise ValueError("one text, one claim vector and one headline vector per checked claim")
        self.size = len(texts)
        # reshape(0, -1) cannot infer a width: an empty archive (the last approved note withdrawn) has none
        shape = (self.size, -1) if self.size else (0, 0)
        self.claim_vectors = np.asarray(claim_vectors, dtype=np.float32).reshape(shape)
        self.title_vectors = np.asarray(title_vectors, dtype=np.float32).reshape(shape)
        self.lexicon = ClaimLexicon(texts)

    def rank(
        self, query: str, vector: np.ndarray, k: int = 5, exclude: np.ndarray | None = None
    ) -> list[Ranked]:
        """The `k` best checked claims for one query (its text and its L2-normalised vector); rows where
        `exclude` is True are never returned."""
        if not self.size:
            return []
        dense = self.claim_vectors @ vector
        headline = self.title_vectors @ vector
        lexical = self.lexicon.scores(query)
        best = float(lexical.max())
        score = dense + TITLE_WEIGHT * headline + (LEXICAL_WEIGHT / best * lexical if best > 0 else 0.0)
        if exclude is not None:
            score = np.where(exclude, -np.inf, score)
        top = np.argsort(-score, kind="stable")[: min(k, self.size)]
        return [
            Ranked(int(row), float(score[row]), float((dense[row] + TITLE_WEIGHT * headline[row]) / 1.3))
            for row in top
            if np.isfinite(score[row])
        ]
