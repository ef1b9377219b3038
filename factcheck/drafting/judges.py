"""Judges turn a claim, its evidence and the check results into a verdict. `evidence` uses no LLM.

A judge may find a verdict without committing it: a verdict other than not_enough_evidence is committed only
when what it rests on was right often enough on public dev data (`calibration.py`); below that, the note
carries it as a suggestion and leaves the decision to the reviewer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from factcheck.claims.detect import ClaimRefiner
from factcheck.drafting.calibration import Calibration, commits, load_calibration, settled, shown
from factcheck.drafting.checks import passage_of, source_name, speaker_surname, usable
from factcheck.drafting.grounding import cite
from factcheck.drafting.stance import LEANS, Unit, Weight, weigh
from factcheck.models import (
    CheckResult,
    Citation,
    Claim,
    ClaimType,
    EvidenceItem,
    JudgeName,
    LeanRecord,
    Verdict,
)
from factcheck.text.terms import countries

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
    record: LeanRecord | None = None  # the out-of-sample record of the suggestion's kind of lean


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
    seen: set[tuple[str, str]] = set()
    for unit in units:
        where = (unit.item.document_id, unit.text)  # one sentence met in two overlapping passages is one unit
        if where not in seen and unit.item.passage_id not in strongest:
            strongest[unit.item.passage_id] = unit
            seen.add(where)
    return sorted(strongest.values(), key=lambda unit: unit.item.rank)[:count]


def _reading(unit: Unit) -> str:
    where = f"[{unit.item.rank}]" + (f" sentence {unit.sentence.number}" if unit.sentence else "")
    return f"{where} ({unit.reading.supports:.0%} supports, {unit.reading.refutes:.0%} refutes)"


# A sentence at least this similar to the claim (cosine, the embedded model) says much the same thing: a second
# citation must, and so must a sentence that reports the claim's speaker saying it.
SAYS_THE_SAME = 0.6


# A sentence is about the claim itself from this similarity (cosine) on: on the example articles every lean that
# misled rested on a sentence below it (0.41, 0.46) and every useful one above (0.56 and up).
ABOUT_THE_CLAIM = 0.5
# A sentence that names the speaker reports them saying what the claim says when it is at least this similar (a
# report paraphrases: "citing the threat of a Russian attack" for "due to the growing threat from Russia").
REPORTS_SAYING = 0.55


def _close(unit: Unit, floor: float = SAYS_THE_SAME) -> bool:
    similarity = unit.sentence.similarity if unit.sentence else unit.item.similarity
    return similarity is not None and similarity >= floor


def _names(unit: Unit, speaker: str) -> bool:
    """The unit names the speaker: their surname, or the country an institution speaks for ("the UK" in a
    sentence about Britain, "the Kremlin" in one about Russia)."""
    surname = speaker_surname(speaker)
    if surname and surname.lower() in unit.text.lower():
        return True
    # a country is often the subject of a sentence without speaking in it: only a sentence that reports speech
    return bool(countries(speaker) & countries(unit.text)) and bool(_REPORTED.search(unit.text))


def _reports_saying(unit: Unit, speaker: str) -> bool:
    """The unit names the speaker and says much what the claim says they said."""
    return bool(speaker.strip()) and _names(unit, speaker) and _close(unit, REPORTS_SAYING)


def _cited(units: list[Unit]) -> tuple[Unit, ...]:
    """The strongest unit, and a second only when it is about the claim as closely (see `cited_first`)."""
    chosen = cited_first(units, MAX_CITED_FOR)
    return tuple(chosen[:1] + [u for u in chosen[1:] if _close(u)])


def stance_findings(evidence: list[EvidenceItem], speaker: str | None = None) -> list[Finding]:
    """What the verification model reads in the evidence that counts: the claim supported, refuted, or both
    (then no side is taken), sentence by sentence; and what it reads in the top passages joined. For a claim
    that someone said something (`speaker` given), the question is whether they said it: only a
    sentence that attributes the words or their substance to them supports it, sentences disputing what was
    said do not refute that it was said, and the joined reading (about what was said) is set aside."""
    weight = weigh(evidence)
    # a model lean rests on a sentence about the claim itself, not only in a passage about it
    weight.for_claim = [u for u in weight.for_claim if _close(u, ABOUT_THE_CLAIM)]
    weight.against = [u for u in weight.against if _close(u, ABOUT_THE_CLAIM)]
    if speaker is not None:
        weight.for_claim = [u for u in weight.for_claim if _reports_saying(u, speaker)]
        weight.against, weight.joined = [], None
    weight.supports = max((u.reading.supports for u in weight.for_claim), default=0.0)
    weight.refutes = max((u.reading.refutes for u in weight.against), default=0.0)
    return _unit_findings(weight) + _joined_findings(weight)


def _unit_findings(weight: Weight) -> list[Finding]:
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
        verdict, leading = (
            (Verdict.supported, weight.for_claim) if leans_for else (Verdict.refuted, weight.against)
        )
        # a second citation only when it leans the same way: evidence the other way is shown, not cited
        units = _cited(leading)
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


def _joined_findings(weight: Weight) -> list[Finding]:
    """The claim-level reading: the model's reading of the top passages that count, joined. It cites the
    sentences read most strongly its way."""
    joined, found = weight.joined, list[Finding]()
    if joined is None or not weight.counted:
        return found
    for verdict, probability, name, side in (
        (Verdict.supported, joined.supports, "joined_supports", "supports"),
        (Verdict.refuted, joined.refutes, "joined_refutes", "refutes"),
    ):
        if probability < LEANS:
            continue
        # it cites sentences that lean its way and say much what the claim says; with none such, there is nothing
        # to show the reviewer, and no lean
        leaning = [u for u in weight.counted if getattr(u.reading, side) >= LEANS and _close(u)]
        if not leaning:
            continue
        units = _cited(sorted(leaning, key=lambda u: -getattr(u.reading, side)))
        found.append(
            Finding(
                name,
                verdict,
                f"The verification model reads the top passages about the claim, together, as "
                f"{'supporting' if verdict == Verdict.supported else 'refuting'} it ({probability:.0%}).",
                tuple(dict.fromkeys(u.item.passage_id for u in units)),
                probability,
                units,
            )
        )
    return found


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
    ("quote", "found_near"): ("quote_near", Verdict.supported),
    ("quote", "found_near_unattributed"): ("quote_near_unattributed", Verdict.partly_supported),
    ("quote", "found_part"): ("quote_part", Verdict.supported),
    ("quote", "found_part_unattributed"): ("quote_part_unattributed", Verdict.partly_supported),
    ("quantity", "agree"): ("quantity_agree", Verdict.supported),
    ("quantity", "disagree"): ("quantity_disagree", Verdict.refuted),
    ("quantity", "mixed"): ("quantity_mixed", Verdict.partly_supported),
    ("quantity", "partial"): ("quantity_partial", Verdict.partly_supported),
    ("quantity", "changed_since"): ("quantity_changed_since", Verdict.not_enough_evidence),
}


# Every finding belongs to a kind of lean, and a kind earns its place by its out-of-sample record (calibration).
# Checks that compare like with like and agree are one kind: the claim's words, attributed to its speaker, or its
# figure for the same thing at the same time, found in an independent source.
LEAN_KINDS = {
    "quote_verbatim": "check_agrees",
    "quote_near": "check_agrees",
    "quote_part": "check_agrees",
    "quantity_agree": "check_agrees",
    "quantity_disagree": "check_disagrees",
    "quantity_mixed": "check_partial",
    "quantity_partial": "check_partial",
    "quote_verbatim_unattributed": "check_partial",
    "quote_near_unattributed": "check_partial",
    "quote_part_unattributed": "check_partial",
    "denied": "source_says_false",
    "debunked": "source_says_false",
    "denied_and_debunked": "source_says_false",
    "affirmed": "source_says_true",
    "negation_mismatch": "negation_mismatch",
    "stance_supports": "model_supports",
    "stance_refutes": "model_refutes",
    "joined_supports": "model_joined_supports",
    "joined_refutes": "model_joined_refutes",
}


def lean_kind(finding: str) -> str:
    return LEAN_KINDS.get(finding, finding)


SAID = (ClaimType.quote, ClaimType.attribution)  # claims that someone said something: did they say it?
# Findings about whether what was said is true, which say nothing of whether it was said.
_ABOUT_WHAT_WAS_SAID = {"denied", "debunked", "denied_and_debunked", "negation_mismatch", "affirmed"}
# A sentence in which the source reports what somebody says, rather than saying it itself.
_REPORTED = re.compile(
    r"\b(?:sa(?:y|ys|id|ying)|told|tell(?:s|ing)?|stress\w*|underlin\w*|insist\w*|claim\w*|accus\w*|"
    r"den(?:y|ies|ied|ying)|call(?:s|ed|ing)?|brand\w*|dismiss\w*|describ\w*|argu\w*|assert\w*|warn\w*|"
    r"cit(?:e|es|ed|ing)|according to|quoted)\b",
    re.I,
)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’")


def in_own_voice(sentence: str) -> str:
    """What a sentence says in its source's own voice: nothing when it reports someone's words, and never the
    words inside quotation marks (a party calling reports "baseless" is not a source debunking them)."""
    if _REPORTED.search(sentence):
        return ""
    return _QUOTED.sub(" ", sentence)


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
        if any(DEBUNK.search(in_own_voice(s.text)) for s in item.sentences):
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
    """Every finding the checks and the evidence about the claim support (the verification model's aside)."""
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


def lead(claim: Claim, findings: list[Finding], checks: list[CheckResult]) -> list[Finding]:
    """Checks lead, by claim type, as a checker reasons:
    - "X said Y": the question is whether X said it; findings about whether Y is true are set aside.
    - a figure: where the quantity check compared like with like, it decides the direction: a disagreeing figure
      never sits under `supported`, an agreeing one never under `refuted`; a figure changed since the claim
      leaves the model's reading of the same sentences no say."""
    if claim.type in SAID:
        findings = [f for f in findings if f.name not in _ABOUT_WHAT_WAS_SAID]
    quantity = next((c for c in checks if c.name == "quantity"), None)
    outcome = quantity.outcome if quantity else ""
    if outcome in ("agree", "disagree", "mixed"):
        decided = _CHECK_FINDINGS[("quantity", outcome)][1]
        findings = [f for f in findings if f.verdict in (decided, Verdict.not_enough_evidence)]
    elif outcome == "changed_since":
        findings = [
            f for f in findings if f.name.startswith("quote") or f.verdict == Verdict.not_enough_evidence
        ]
    return findings


def all_findings(claim: Claim, evidence: list[EvidenceItem], checks: list[CheckResult]) -> list[Finding]:
    """What a note rests on: the checks' and the evidence's findings and the model's reading, checks leading.
    Calibration measures exactly these, so a record is the record of what a note shows."""
    speaker = claim.speaker if claim.type in SAID else None
    return lead(claim, find(claim, evidence, checks) + stance_findings(evidence, speaker), checks)


@dataclass(frozen=True)
class Decision:
    """The finding a note's verdict or lean rests on, what earns it a commit, and the record shown beside it."""

    finding: Finding | None = None
    precision: float | None = None  # the precision that earns a commit (None: not earned)
    committed: bool = False
    record: LeanRecord | None = None


def decide(
    findings: list[Finding], calibration: Calibration, commit_precision: float = COMMIT_PRECISION
) -> Decision:
    """The finding a verdict or lean rests on: among those that earned a commit, or whose kind of lean has a
    record clearly better than chance at its score, the one most often right on the calibration claims. It
    commits only when it reaches `commit_precision` and no other finding points elsewhere. A finding whose kind
    has no such record is no lean: the note shows the evidence for and against instead."""
    scored = []
    for finding in findings:
        if finding.verdict == Verdict.not_enough_evidence:
            continue
        kind = lean_kind(finding.name)
        if kind.startswith("model_"):  # the model's leans commit by one certified decision
            precision = calibration.certificate.precision_at(finding.score)
        else:
            record = calibration.record(finding.name)
            if record is not None and record.verdict != finding.verdict.value:
                record = None
            _, precision = commits(record, finding.score, commit_precision)
        lean = calibration.lean_record(kind, finding.score)
        if lean is not None and lean.verdict != finding.verdict:
            lean = None
        earned = precision is not None and precision >= commit_precision
        if not earned and not shown(lean):
            continue
        rank = precision if earned and precision is not None else lean.balanced if lean else -1.0
        scored.append((rank, finding, precision, lean))
    if not scored:
        return Decision()
    scored.sort(key=lambda entry: -entry[0])
    _, best, precision, lean = scored[0]
    pointing = {f.verdict for f in findings if f.verdict != Verdict.not_enough_evidence}
    earned = precision is not None and precision >= commit_precision
    return Decision(best, precision if earned else None, pointing == {best.verdict} and earned, lean)


def for_and_against(claim: Claim, evidence: list[EvidenceItem]) -> str:
    """The strongest sentence each way, in words: what a note says where no lean has earned its place."""
    weight = weigh(evidence)
    said = claim.type in SAID

    def strongest(units: list[Unit]) -> str:
        if not units:
            return "none"
        unit = units[0]
        return f"“{' '.join(unit.text.split())}” ({source_name(unit.item)}, [{unit.item.rank}])"

    against = "Disputing what was said (not whether it was said)" if said else "Evidence against"
    return f"Evidence for: {strongest(weight.for_claim)}. {against}: {strongest(weight.against)}."


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
        findings = all_findings(claim, evidence, checks)
        names = [f.name for f in findings]
        decision = decide(findings, self.calibration, self.commit_precision)
        best = decision.finding
        if best is None:
            return self._unsettled(claim, evidence, findings, checks)
        cited = (
            unit_citations(best.units)
            if best.units
            else [c for c in check_citations if c.passage_id in best.passage_ids]
        )
        if decision.committed:
            rationale = f"{NO_LLM} {best.detail} {self._earned(best, decision.precision or 0.0)}"
        else:
            track = decision.record.sentence() if decision.record else "no record was measured"
            rationale = (
                f"{NO_LLM} {best.detail} The evidence leans {best.verdict.value.replace('_', ' ')}: {track}. "
                f"That is below the {self.commit_precision:.0%} needed to commit, so the verdict is left to the "
                "reviewer."
            )
        verdict, suggestion = settled(best.verdict, decision.committed)
        return Judgement(
            verdict,
            round(decision.precision or 0.0, 3),
            rationale,
            cited,
            attempts=0,
            suggestion=suggestion,
            basis=best.name,
            findings=names,
            score=best.score,
            record=decision.record,
        )

    def _earned(self, finding: Finding, precision: float) -> str:
        """Why a verdict is committed, in words: the certified threshold, or the finding's record."""
        certificate, record = self.calibration.certificate, self.calibration.record(finding.name)
        if lean_kind(finding.name).startswith("model_") and certificate.threshold is not None:
            return (
                f"Readings like this commit from a score of {certificate.threshold:.2f}, a threshold certified on "
                f"claims kept apart for calibration ({precision:.0%} right with labels balanced), so the verdict "
                "is given."
            )
        right = f"right in {record.correct} of {record.fired} cases " if record else ""
        return (
            f"On claims kept apart for calibration this kind of finding was {right}({precision:.0%} with labels "
            "balanced), so the verdict is given."
        )

    @staticmethod
    def _unsettled(
        claim: Claim, evidence: list[EvidenceItem], findings: list[Finding], checks: list[CheckResult]
    ) -> Judgement:
        """No lean has earned its place: say what was seen (a figure changed since, the checks) and the
        strongest evidence each way."""
        changed = next((f for f in findings if f.name == "quantity_changed_since"), None)
        conflict = next((f for f in findings if f.name == "stance_conflict"), None)
        shown_finding = changed or conflict
        reason = (
            shown_finding.detail
            if shown_finding
            else " ".join(c.detail for c in checks if c.name in ("quote", "quantity"))
        )
        unearned = [f for f in findings if f.verdict != Verdict.not_enough_evidence]
        if unearned:
            reason += (
                f" The evidence may lean {unearned[0].verdict.value.replace('_', ' ')}, but leans of that kind "
                "were not right clearly more often than chance on the calibration claims, so none is shown."
            )
        reason = f"{reason.strip()} {for_and_against(claim, evidence)}"
        return Judgement(
            Verdict.not_enough_evidence,
            0.0,
            f"{NO_LLM} {reason}",
            unit_citations(conflict.units) if conflict and not changed else [],
            attempts=0,
            basis=shown_finding.name if shown_finding else "",
            findings=[f.name for f in findings],
            score=conflict.score if conflict and not changed else None,
        )
