"""Judges turn a claim, its evidence and the check results into a verdict. `evidence` uses no LLM.

A judge may find a verdict without committing it: a verdict other than not_enough_evidence is committed only
when what it rests on was right often enough on public dev data (`calibration.py`); below that, the note
carries it as a suggestion and leaves the decision to the reviewer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from factcheck.claims.detect import ClaimRefiner
from factcheck.drafting.calibration import Calibration, load_calibration
from factcheck.drafting.checks import usable
from factcheck.models import CheckResult, Citation, Claim, EvidenceItem, JudgeName, Verdict

NO_LLM = "No LLM judged this claim: the verdict comes only from the deterministic checks below."
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
    """Something the evidence shows about the claim, and the verdict it points to."""

    name: str
    verdict: Verdict
    detail: str
    passage_ids: tuple[str, ...] = ()


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


def find(claim: Claim, evidence: list[EvidenceItem], checks: list[CheckResult]) -> list[Finding]:
    """Every finding the checks and the evidence about the claim support."""
    found = []
    for check in checks:
        if entry := _CHECK_FINDINGS.get((check.name, check.outcome)):
            found.append(Finding(entry[0], entry[1], check.detail, tuple(check.passage_ids)))
    relevant = usable(evidence)
    denials: list[EvidenceItem] = []
    affirmations: list[EvidenceItem] = []
    debunks: list[EvidenceItem] = []
    for item in relevant:
        for previous, sentence in zip([None, *item.sentences], item.sentences, strict=False):
            answer = _ANSWER.match(sentence.text)
            if answer and previous is not None and previous.text.endswith("?"):
                closeness = previous.similarity or 0.0
                if answer[1].lower() == "no" and closeness >= CLOSE_QUESTION:
                    denials.append(item)
                elif answer[1].lower() == "yes" and closeness >= CLOSE_AFFIRMATION:
                    affirmations.append(item)
        if DEBUNK.search(item.text):
            debunks.append(item)
    negated = bool(_NEGATED.search(claim.text))  # a "no" to a negated claim says nothing plain
    ids = lambda items: tuple(dict.fromkeys(i.passage_id for i in items))  # noqa: E731
    if not negated and denials and debunks:
        found.append(
            Finding(
                "denied_and_debunked",
                Verdict.refuted,
                "A source answers no to the claim and another calls it false or unfounded.",
                ids(denials + debunks),
            )
        )
    elif not negated and denials and not affirmations:
        found.append(
            Finding(
                "denied",
                Verdict.refuted,
                "A source answers no to a question that asks the claim.",
                ids(denials),
            )
        )
    if len(debunks) >= 2 and not affirmations:
        found.append(
            Finding(
                "debunked",
                Verdict.refuted,
                "Several sources about the claim call it false, fake or unfounded.",
                ids(debunks),
            )
        )
    restatement = max(
        ((s, item) for item in relevant for s in item.sentences if not s.text.endswith("?")),
        key=lambda pair: pair[0].similarity or 0.0,
        default=None,
    )
    if (
        restatement
        and (restatement[0].similarity or 0.0) >= RESTATES
        and negated != bool(_NEGATED.search(restatement[0].text))
    ):
        found.append(
            Finding(
                "negation_mismatch",
                Verdict.refuted,
                f"The claim reads like the opposite of a sentence "
                f"in evidence [{restatement[1].rank}]: one of them is negated, the other is not.",
                (restatement[1].passage_id,),
            )
        )
    if not negated and affirmations and not denials and not debunks:
        found.append(
            Finding(
                "affirmed",
                Verdict.supported,
                "A source answers yes to a question that asks the claim.",
                ids(affirmations),
            )
        )
    return found


def decide(
    findings: list[Finding], calibration: Calibration, commit_precision: float = COMMIT_PRECISION
) -> tuple[Finding | None, float | None, bool]:
    """The finding a verdict rests on (the one most often right on the dev data), its measured precision, and
    whether that earns a commit: it must reach `commit_precision`, and no other finding may point elsewhere."""
    scored = []
    for finding in findings:
        if finding.verdict == Verdict.not_enough_evidence:
            continue
        record = calibration.record(finding.name)
        precision = record.precision if record and record.verdict == finding.verdict.value else None
        scored.append((precision if precision is not None else -1.0, finding, precision))
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
        findings = find(claim, evidence, checks)
        names = [f.name for f in findings]
        changed = next((f for f in findings if f.name == "quantity_changed_since"), None)
        best, precision, committed = decide(findings, self.calibration, self.commit_precision)
        if best is None:
            reason = (
                changed.detail
                if changed
                else " ".join(c.detail for c in checks if c.name in ("quote", "quantity"))
            )
            reason = reason or (
                "No check settles this kind of claim without an LLM; the evidence passages are "
                "listed for a person to read."
            )
            return Judgement(
                Verdict.not_enough_evidence,
                0.0,
                f"{NO_LLM} {reason}",
                [],
                attempts=0,
                basis=changed.name if changed else "",
                findings=names,
            )
        cited = [c for c in check_citations if c.passage_id in best.passage_ids]
        record = self.calibration.record(best.name)
        if precision is not None and record is not None:
            track = (
                f"On public dev data this kind of finding was right in {record.correct} of {record.fired} "
                f"cases ({precision:.0%})"
            )
        else:
            track = "This kind of finding has too few cases in the public dev data to measure how often it is right"
        if committed:
            rationale = f"{NO_LLM} {best.detail} {track}, so the verdict is given."
            return Judgement(
                best.verdict,
                round(precision or 0.0, 3),
                rationale,
                cited,
                attempts=0,
                basis=best.name,
                findings=names,
            )
        needed = f"below the {self.commit_precision:.0%} needed to commit" if precision is not None else "so"
        rationale = (
            f"{NO_LLM} {best.detail} {track}, {needed}: the evidence points to "
            f"{best.verdict.value.replace('_', ' ')}, and the verdict is left to the reviewer."
        )
        return Judgement(
            Verdict.not_enough_evidence,
            round(precision or 0.0, 3),
            rationale,
            cited,
            attempts=0,
            suggestion=best.verdict,
            basis=best.name,
            findings=names,
        )
