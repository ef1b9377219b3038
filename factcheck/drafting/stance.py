"""Stance over the evidence a note shows: every sentence (and every passage of several sentences) read against
the claim by the verification model, and the claim-level weight of evidence for and against it.

Only evidence that can bear on the claim counts for a verdict: passages about the claim, from another outlet
than the claim's own, and not dated after the claim (a later report may describe a changed situation). All of
it is still shown to the reviewer, each sentence with its stance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from factcheck.models import EvidenceItem, EvidenceSentence, StanceReading

StanceScorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]
NOT_INDEPENDENT = ("same_outlet", "after_claim")  # retrieval flags that keep a passage out of the verdict
LEANS = 0.5  # a unit leans one way when the model gives that stance at least this probability


def _single(item: EvidenceItem) -> bool:
    return len(item.sentences) == 1 and item.sentences[0].text.strip() == item.text.strip()


def read_stances(statement: str, evidence: list[EvidenceItem], scorer: StanceScorer) -> list[EvidenceItem]:
    """The evidence with each sentence's stance, and each passage's as a whole (a one-sentence passage is its
    sentence)."""
    pairs: list[tuple[str, str]] = []
    for item in evidence:
        pairs += [(statement, sentence.text) for sentence in item.sentences]
        if not _single(item):
            pairs.append((statement, item.text))
    if not pairs:
        return evidence
    probabilities = scorer(pairs)
    readings = iter(StanceReading.of(tuple(row)) for row in probabilities)
    out = []
    for item in evidence:
        sentences = [s.model_copy(update={"stance": next(readings)}) for s in item.sentences]
        whole = sentences[0].stance if _single(item) else next(readings)
        out.append(item.model_copy(update={"sentences": sentences, "stance": whole}))
    return out


def counts_for_verdict(item: EvidenceItem) -> bool:
    """About the claim, independent of the claim's outlet, and not dated after the claim."""
    return item.about_claim and not any(flag in NOT_INDEPENDENT for flag in item.flags)


@dataclass
class Unit:
    """An evidence unit a verdict may rest on: a sentence, or a whole passage (sentence None)."""

    item: EvidenceItem
    sentence: EvidenceSentence | None
    reading: StanceReading

    @property
    def text(self) -> str:
        return self.sentence.text if self.sentence else self.item.text


@dataclass
class Weight:
    """The strongest evidence for and against the claim: the highest probability of `supports` and of
    `refutes` over the units that count, and the units that lean each way, strongest first."""

    supports: float = 0.0
    refutes: float = 0.0
    for_claim: list[Unit] = field(default_factory=list)
    against: list[Unit] = field(default_factory=list)


def weigh(evidence: list[EvidenceItem]) -> Weight:
    units: list[Unit] = []
    for item in evidence:
        if not counts_for_verdict(item):
            continue
        units += [Unit(item, s, s.stance) for s in item.sentences if s.stance is not None]
        if item.stance is not None and not _single(item):
            units.append(Unit(item, None, item.stance))
    weight = Weight(
        supports=max((u.reading.supports for u in units), default=0.0),
        refutes=max((u.reading.refutes for u in units), default=0.0),
    )
    weight.for_claim = sorted(
        (u for u in units if u.reading.supports >= LEANS), key=lambda u: -u.reading.supports
    )
    weight.against = sorted(
        (u for u in units if u.reading.refutes >= LEANS), key=lambda u: -u.reading.refutes
    )
    return weight
