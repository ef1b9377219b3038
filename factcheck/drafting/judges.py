"""Judges turn a claim, its evidence and the check results into a verdict. `evidence` uses no LLM.

A judge may find a verdict without committing it: a verdict other than not_enough_evidence is committed only
when what it rests on was right often enough on public dev data (`calibration.py`); below that, the note
carries it as a suggestion and leaves the decision to the reviewer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from factcheck.claims.detect import ClaimRefiner
from factcheck.drafting.calibration import Calibration, commits, load_calibration, settled
from factcheck.drafting.checks import passage_of, usable
from factcheck.drafting.grounding import cite
from factcheck.drafting.stance import LEANS, Unit, weigh
from factcheck.models import CheckResult, Citation, Claim, EvidenceItem, JudgeName, Verdict

NO_LLM = (
    "No LLM judged this claim: the verdict comes from the deterministic checks and the verification model's "
    "reading of each evidence sentence, below."
)
COMMIT_PRECISION = 0.85
CLOSE_QUESTION = 0.7  # a yes/no answer counts only when its question is this similar to the claim
# Words with which a source says a claim is false.
DEBUNK = re.compile(
    r"\b(?:false(?:ly)?|fake|hoax(?:es)?|satir\w*|no evidence|not true|misleading|debunk\w*|fabricat\w*|doctored|"
    r"photoshop\w*|altered|parody|baseless|untrue|incorrect|inaccurate|misinformation|disinformation|scam|"
    r"no record|not real|manipulated|misattributed|out of context)\b",
    re.I,
)
# A "no" or "yes" to a claim worded in the negative says nothing plain about it.
_NEGATED = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|n't|unable|cannot|fail(?:s|ed)?|refus\w*|without|lack\w*|"
    r"den(?:y|ies|ied)|unknown)\b|n't\b",
    re.I,
)
CLOSE_AFFIRMATION = 0.8  # a yes supports only a question that all but restates the claim
RESTATES = 0.7  # a sentence this similar to the claim says nearly the same thing, or its opposite
_ANSWER = re.compile(r"^(Yes|No)\b[.,!:;]?", re.I)


@dataclass
class Judgement:
    verdict: Verdict
    confidence: float
    rationale: str
    citations: list[Citation]
    failure: str = ""  # set when the judge could not produce a grounded answer
    tokens: dict = field(default_factory=dict)
    attempts: int = 1
    suggestion: Verdict | None = None  # found but not committed
    basis: str = ""  # what the verdict rests on (a finding, or the LLM's answer)
    findings: list[str] = field(default_factory=list)
    score: float | None = None  # the verification model's score behind the verdict or suggestion


class Judge(Protocol):
    name: str
    model: str
    prompt_name: str
    prompt_hash: str
    refiner: ClaimRefiner | None  # optional LLM pass over statement and type

    def judge(
        self,
        claim: Claim,
        evidence: list[EvidenceItem],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement: ...


@dataclass(frozen=True)
class Finding:
    """Something the evidence shows about the claim, and the verdict it points to. A finding of the verification
    model carries its score and the units it rests on, for and against."""

    name: str
    verdict: Verdict
    detail: str
    passage_ids: tuple[str, ...] = ()
    score: float | None = None
    units: tuple[Unit, ...] = ()


MAX_CITED_FOR = 2  # passages cited for the verdict or suggestion (see cited_first)
MAX_CITED_AGAINST = 1  # and against it, when the evidence is not one-sided
# one unit each way when the evidence points both ways (on the AVeriTeC calibration claims, with the 6-layer model
# citing its strongest readings, two a side cited gold evidence 57% of the time, one a side 61%, and found it for
# 81% of claims instead of 84%)
MAX_CITED_IN_CONFLICT = 1


def cited_first(units: list[Unit], count: int) -> list[Unit]:
    """Which of the units leaning one way (strongest first) to cite: the strongest of each passage, in the
    order retrieval ranks the passages. The model says which way a unit leans, retrieval how close its passage
    is to the claim: on the AVeriTeC calibration claims, with the 6-layer model, citing so (two passages for,
    one against) quoted gold evidence 72% of the time and found it for 77% of claims; citing the strongest
    readings, 62% and 69% (with the shipped 3-layer model: 71% and 82%)."""
    strongest: dict[str, Unit] = {}
    for unit in units:
        strongest.setdefault(unit.item.passage_id, unit)
    return sorted(strongest.values(), key=lambda unit: unit.item.rank)[:count]


def _reading(unit: Unit) -> str:
    where = f"[{unit.item.rank}]" + (f" sentence {unit.sentence.number}" if unit.sentence else "")
    return f"{where} ({unit.reading.supports:.0%} supports, {unit.reading.refutes:.0%} refutes)"


def stance_findings(evidence: list[EvidenceItem]) -> list[Finding]:
    """What the verification model reads in the evidence that counts: the claim supported, refuted, or both
    (then no side is taken)."""
    weight = weigh(evidence)
    leans_for, leans_against = weight.supports >= LEANS, weight.refutes >= LEANS
    if leans_for and leans_against:
        units = (
            *cited_first(weight.for_claim, MAX_CITED_IN_CONFLICT),
            *cited_first(weight.against, MAX_CITED_IN_CONFLICT),
        )
        return [
            Finding(
                "stance_conflict",
                Verdict.not_enough_evidence,
                f"The evidence points both ways: {_reading(weight.for_claim[0])} and "
                f"{_reading(weight.against[0])}.",
                tuple(dict.fromkeys(u.item.passage_id for u in units)),
                max(weight.supports, weight.refutes),
                units,
            )
        ]
    if leans_for or leans_against:
        verdict, leading, other = (
            (Verdict.supported, weight.for_claim, weight.against)
            if leans_for
            else (Verdict.refuted, weight.against, weight.for_claim)
        )
        units = (*cited_first(leading, MAX_CITED_FOR), *cited_first(other, MAX_CITED_AGAINST))
        name = "stance_supports" if leans_for else "stance_refutes"
        return [
            Finding(
                name,
                verdict,
                f"The verification model reads evidence {_reading(leading[0])} as "
                f"{'supporting' if leans_for else 'refuting'} the claim.",
                tuple(dict.fromkeys(u.item.passage_id for u in units)),
                weight.supports if leans_for else weight.refutes,
                units,
            )
        ]
    return []


def unit_citations(units: tuple[Unit, ...]) -> list[Citation]:
    """Citations of the units a finding rests on (a whole passage when the unit is a passage)."""
    citations = []
    for unit in units:
        passage = passage_of(unit.item)
        start, end = (
            (unit.sentence.start - unit.item.start, unit.sentence.end - unit.item.start)
            if unit.sentence
            else (0, len(unit.item.text))
        )
        citation = cite(passage, start, end, unit.item.title, unit.item.url)
        if citation.quote.strip() and citation not in citations:
            citations.append(citation)
    return citations


_CHECK_FINDINGS = {
    ("quote", "found_verbatim"): ("quote_verbatim", Verdict.supported),
    ("quote", "found_verbatim_unattributed"): ("quote_verbatim_unattributed", Verdict.partly_supported),
    ("quote", "found_near"): ("quote_near", Verdict.partly_supported),
    ("quantity", "agree"): ("quantity_agree", Verdict.supported),
    ("quantity", "disagree"): ("quantity_disagree", Verdict.refuted),
    ("quantity", "mixed"): ("quantity_mixed", Verdict.partly_supported),
    ("quantity", "partial"): ("quantity_partial", Verdict.partly_supported),
    ("quantity", "changed_since"): ("quantity_changed_since", Verdict.not_enough_evidence),
}


@dataclass
class _Answers:
    """What the evidence about a claim says of it in so many words: yes or no to a question that asks it,
    or calls it false."""

    denials: list[EvidenceItem] = field(default_factory=list)
    affirmations: list[EvidenceItem] = field(default_factory=list)
    debunks: list[EvidenceItem] = field(default_factory=list)


def _answers(relevant: list[EvidenceItem]) -> _Answers:
    found = _Answers()
    for item in relevant:
        for previous, sentence in zip([None, *item.sentences], item.sentences, strict=False):
            answer = _ANSWER.match(sentence.text)
            if answer and previous is not None and previous.text.endswith("?"):
                closeness = previous.similarity or 0.0
                if answer[1].lower() == "no" and closeness >= CLOSE_QUESTION:
                    found.denials.append(item)
                elif answer[1].lower() == "yes" and closeness >= CLOSE_AFFIRMATION:
                    found.affirmations.append(item)
        if DEBUNK.search(item.text):
            found.debunks.append(item)
    return found


def _ids(items: list[EvidenceItem]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i.passage_id for i in items))


def _answer_findings(said: _Answers, negated: bool) -> list[Finding]:
    """Findings from plain answers; a "no" or "yes" to a claim worded in the negative says nothing plain."""
    found = []
    if not negated and said.denials and said.debunks:
        detail = "A source answers no to the claim and another calls it false or unfounded."
        found.append(
            Finding("denied_and_debunked", Verdict.refuted, detail, _ids(said.denials + said.debunks))
        )
    elif not negated and said.denials and not said.affirmations:
        detail = "A source answers no to a question that asks the claim."
        found.append(Finding("denied", Verdict.refuted, detail, _ids(said.denials)))
    if len(said.debunks) >= 2 and not said.affirmations:
        detail = "Several sources about the claim call it false, fake or unfounded."
        found.append(Finding("debunked", Verdict.refuted, detail, _ids(said.debunks)))
    if not negated and said.affirmations and not said.denials and not said.debunks:
        detail = "A source answers yes to a question that asks the claim."
        found.append(Finding("affirmed", Verdict.supported, detail, _ids(said.affirmations)))
    return found


def _negation_mismatch(relevant: list[EvidenceItem], negated: bool) -> Finding | None:
    """The claim reads like the opposite of its closest sentence: one of them is negated, the other not."""
    restatement = max(
        ((s, item) for item in relevant for s in item.sentences if not s.text.endswith("?")),
        key=lambda pair: pair[0].similarity or 0.0,
        default=None,
    )
    if not restatement or (restatement[0].similarity or 0.0) < RESTATES:
        return None
    if negated == bool(_NEGATED.search(restatement[0].text)):
        return None
    return Finding(
        "negation_mismatch",
        Verdict.refuted,
        f"The claim reads like the opposite of a sentence in evidence [{restatement[1].rank}]: one of them is "
        "negated, the other is not.",
        (restatement[1].passage_id,),
    )


def find(claim: Claim, evidence: list[EvidenceItem], checks: list[CheckResult]) -> list[Finding]:
    """Every finding the checks and the evidence about the claim support."""
    found = [
        Finding(entry[0], entry[1], check.detail, tuple(check.passage_ids))
        for check in checks
        if (entry := _CHECK_FINDINGS.get((check.name, check.outcome)))
    ]
    relevant = usable(evidence)
    negated = bool(_NEGATED.search(claim.text))
    answers = _answer_findings(_answers(relevant), negated)
    mismatch = _negation_mismatch(relevant, negated)
    # the order of the findings as they were found before: answers, then the mismatch, then an affirmation
    affirmed = [f for f in answers if f.name == "affirmed"]
    return found + [f for f in answers if f.name != "affirmed"] + ([mismatch] if mismatch else []) + affirmed


def decide(
    findings: list[Finding], calibration: Calibration, commit_precision: float = COMMIT_PRECISION
) -> tuple[Finding | None, float | None, bool]:
    """The finding a verdict rests on (the one most often right on the calibration claims, at its score for a
    model finding), the precision that earns a commit (None: not earned), and whether it commits: it must reach
    `commit_precision`, and no other finding may point elsewhere."""
    scored = []
    for finding in findings:
        if finding.verdict == Verdict.not_enough_evidence:
            continue
        record = calibration.record(finding.name)
        if record is not None and record.verdict != finding.verdict.value:
            record = None
        _, precision = commits(record, finding.score, commit_precision)
        track = record.track_at(finding.score) if record is not None and precision is None else None
        rank = precision if precision is not None else (track[2] if track else -1.0)
        scored.append((rank, finding, precision))
    if not scored:
        return None, None, False
    scored.sort(key=lambda entry: -entry[0])
    _, best, precision = scored[0]
    agreed = all(f.verdict == best.verdict for _, f, _ in scored)
    return best, precision, agreed and precision is not None and precision >= commit_precision


class EvidenceJudge:
    """Verdicts only where the checks justify one, committed only where that kind of finding has been right
    often enough on public dev data. Reads no instructions: it reads no article text as instructions at all."""

    name: str = JudgeName.evidence.value
    model: str = ""
    prompt_name: str = ""
    prompt_hash: str = ""
    refiner: ClaimRefiner | None = None

    def __init__(
        self, calibration: Calibration | None = None, commit_precision: float = COMMIT_PRECISION
    ) -> None:
        self.calibration = calibration if calibration is not None else load_calibration()
        self.commit_precision = commit_precision

    def judge(
        self,
        claim: Claim,
        evidence: list[EvidenceItem],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement:
        findings = find(claim, evidence, checks) + stance_findings(evidence)
        names = [f.name for f in findings]
        best, precision, committed = decide(findings, self.calibration, self.commit_precision)
        if best is None:
            return self._unsettled(findings, checks)
        cited = (
            unit_citations(best.units)
            if best.units
            else [c for c in check_citations if c.passage_id in best.passage_ids]
        )
        track = self._track_record(best, precision)
        if committed:
            rationale = f"{NO_LLM} {best.detail} {track}, so the verdict is given."
        else:
            needed = (
                f"below the {self.commit_precision:.0%} needed to commit" if precision is not None else "so"
            )
            rationale = (
                f"{NO_LLM} {best.detail} {track}, {needed}: the evidence points to "
                f"{best.verdict.value.replace('_', ' ')}, and the verdict is left to the reviewer."
            )
        verdict, suggestion = settled(best.verdict, committed)
        return Judgement(
            verdict,
            round(precision or 0.0, 3),
            rationale,
            cited,
            attempts=0,
            suggestion=suggestion,
            basis=best.name,
            findings=names,
            score=best.score,
        )

    @staticmethod
    def _unsettled(findings: list[Finding], checks: list[CheckResult]) -> Judgement:
        """No finding points to a verdict: say what was seen (a figure changed since, evidence both ways)."""
        changed = next((f for f in findings if f.name == "quantity_changed_since"), None)
        conflict = next((f for f in findings if f.name == "stance_conflict"), None)
        shown = changed or conflict
        reason = (
            shown.detail if shown else " ".join(c.detail for c in checks if c.name in ("quote", "quantity"))
        )
        reason = reason or (
            "Neither the checks nor the verification model found evidence that settles the claim; the "
            "evidence passages are listed for a person to read."
        )
        return Judgement(
            Verdict.not_enough_evidence,
            0.0,
            f"{NO_LLM} {reason}",
            unit_citations(conflict.units) if conflict and not changed else [],
            attempts=0,
            basis=shown.name if shown else "",
            findings=[f.name for f in findings],
            score=conflict.score if conflict and not changed else None,
        )

    def _track_record(self, finding: Finding, precision: float | None) -> str:
        """How often this kind of finding was right on calibration data (claims kept from training and from
        the reported figures), in words."""
        record = self.calibration.record(finding.name)
        track = record.track_at(finding.score) if record is not None and precision is None else None
        if track is not None:  # a model finding that has not earned a commit at this score
            claims, right, at_score = track
            return (
                f"On claims kept apart for calibration, findings like this scoring {finding.score:.2f} or more were "
                f"right in {right} of {claims} cases ({at_score:.0%}, the lower of measured and balanced)"
            )
        if record is None or record.precision is None:
            return "How often this kind of finding is right has not been measured on enough claims"
        if precision is None:  # a model score below the threshold that was calibrated
            return (
                f"Only from a score of {record.threshold:.2f} was this finding right often enough on claims kept "
                f"apart for calibration; here it scores {finding.score:.2f}"
            )
        return (
            f"On claims kept apart for calibration this kind of finding was right in {record.correct} of "
            f"{record.fired} cases ({precision:.0%} with labels balanced)"
        )
