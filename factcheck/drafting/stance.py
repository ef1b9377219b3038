"""Stance over the evidence a note shows: every sentence (and every question-and-answer passage, whose answer
alone may not say what it answers) read against the claim by the verification model, and the claim-level
weight of evidence for and against it.

Only evidence that can bear on the claim counts for a verdict: passages about the claim, from another outlet
than the claim's own, and not dated after the claim (a later report may describe a changed situation). All of
it is still shown to the reviewer, each sentence with its stance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from factcheck.claims.statements import without_date
from factcheck.models import EvidenceItem, EvidenceSentence, StanceReading

StanceScorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]
NOT_INDEPENDENT = ("same_outlet", "after_claim")  # retrieval flags that keep a passage out of the verdict
LEANS = 0.5  # a unit leans one way when the model gives that stance at least this probability


def _single(item: EvidenceItem) -> bool:
    return len(item.sentences) == 1 and item.sentences[0].text.strip() == item.text.strip()


def read_whole(item: EvidenceItem) -> bool:
    """A passage is read as a whole, besides sentence by sentence, when it is a question and its answer (as
    fact-checkers' evidence often is): the answer alone ("No, it was 2019.") may not say what it answers. A
    news passage is read by its sentences only: as a whole it mixes statements, and costs a second reading."""
    return len(item.sentences) > 1 and item.sentences[0].text.rstrip().endswith("?")


def units_to_read(evidence: list[EvidenceItem]) -> list[str]:
    """The texts the model reads for one claim: every sentence, and each question-and-answer passage as a whole,
    each text once."""
    return list(
        dict.fromkeys(
            [s.text for item in evidence for s in item.sentences]
            + [item.text for item in evidence if read_whole(item)]
        )
    )


def read_stances(statement: str, evidence: list[EvidenceItem], scorer: StanceScorer) -> list[EvidenceItem]:
    """The evidence with each sentence's stance, and a question-and-answer passage's as a whole (a one-sentence
    passage is its sentence). A sentence met twice in the evidence is read once. Each reading depends on the
    claim and the unit only (the model reads every pair on its own). The model reads the claim without the date
    drafting adds to its statement, as it was calibrated."""
    units = units_to_read(evidence)
    if not units:
        return evidence
    claim = without_date(statement)
    probabilities = scorer([(claim, unit) for unit in units])
    reading = {unit: StanceReading.of(tuple(row)) for unit, row in zip(units, probabilities, strict=True)}
    out = []
    for item in evidence:
        sentences = [s.model_copy(update={"stance": reading[s.text]}) for s in item.sentences]
        whole = reading[item.text] if read_whole(item) else sentences[0].stance if _single(item) else None
        out.append(item.model_copy(update={"sentences": sentences, "stance": whole}))
    return out


def counts_for_verdict(item: EvidenceItem) -> bool:
    """About the claim, independent of the claim's outlet, and not dated after the claim."""
    return item.about_claim and not any(flag in NOT_INDEPENDENT for flag in item.flags)


JOINED = 5  # passages read together for the claim-level reading
JOINED_WORDS = 100  # and at most this many of their words (about 130 tokens: the reading costs 2 sentences)


def joined_text(items: list[EvidenceItem]) -> str:
    """The top passages that count, joined in rank order and cut at JOINED_WORDS words."""
    words = " ".join(item.text for item in items[:JOINED]).split()
    return " ".join(words[:JOINED_WORDS])


def read_joined(statement: str, evidence: list[EvidenceItem], scorer: StanceScorer) -> list[EvidenceItem]:
    """The evidence with the claim-level reading: the claim against the top passages that count for a verdict,
    joined in rank order (the shape the model learnt AVeriTeC claims in), stored on the first of them. On the
    calibration claims it separates supported claims from the rest better than any one sentence does."""
    counting = [item for item in evidence if counts_for_verdict(item)][:JOINED]
    cleared = [
        item.model_copy(update={"joined_stance": None}) if item.joined_stance else item for item in evidence
    ]
    if not counting:
        return cleared
    (row,) = scorer([(without_date(statement), joined_text(counting))])
    reading = StanceReading.of(tuple(row))
    first = counting[0].passage_id
    return [
        item.model_copy(update={"joined_stance": reading}) if item.passage_id == first else item
        for item in cleared
    ]


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
    `refutes` over the units that count, the units that lean each way, strongest first, and the claim-level
    reading of the passages that count, joined."""

    supports: float = 0.0
    refutes: float = 0.0
    for_claim: list[Unit] = field(default_factory=list)
    against: list[Unit] = field(default_factory=list)
    joined: StanceReading | None = None
    # every unit that counts, strongest supports first: what a joined reading cites
    counted: list[Unit] = field(default_factory=list)


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
    weight.joined = next(
        (i.joined_stance for i in evidence if i.joined_stance and counts_for_verdict(i)), None
    )
    weight.counted = units
    return weight
