"""Judges turn a claim, its evidence and the check results into a verdict. `evidence` uses no LLM."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from factcheck.claims.detect import ClaimRefiner
from factcheck.models import CheckResult, Citation, Claim, Evidence, JudgeName, Verdict

NO_LLM = "No LLM judged this claim: the verdict comes only from the deterministic checks below."


@dataclass
class Judgement:
    verdict: Verdict
    confidence: float
    rationale: str
    citations: list[Citation]
    failure: str = ""  # set when the judge could not produce a grounded answer
    tokens: dict = field(default_factory=dict)
    attempts: int = 1


class Judge(Protocol):
    name: str
    model: str
    prompt_name: str
    prompt_hash: str
    refiner: ClaimRefiner | None  # optional LLM pass over statement and type

    def judge(
        self,
        claim: Claim,
        evidence: list[Evidence],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement: ...


def _check(checks: list[CheckResult], name: str) -> CheckResult | None:
    return next((c for c in checks if c.name == name), None)


class EvidenceJudge:
    """Verdicts only where the checks justify one; otherwise not_enough_evidence. Never reads article text
    as instructions: it reads no instructions at all."""

    name: str = JudgeName.evidence.value
    model: str = ""
    prompt_name: str = ""
    prompt_hash: str = ""
    refiner: ClaimRefiner | None = None

    def judge(
        self,
        claim: Claim,
        evidence: list[Evidence],
        checks: list[CheckResult],
        check_citations: list[Citation],
    ) -> Judgement:
        quote, quantity = _check(checks, "quote"), _check(checks, "quantity")
        verdict, confidence, cited = Verdict.not_enough_evidence, 0.3, []
        if quote and quote.outcome == "found_verbatim":
            verdict, confidence = Verdict.supported, 0.7
        elif quote and quote.outcome == "found_near":
            verdict, confidence = Verdict.partly_supported, 0.45
        elif quantity and quantity.outcome == "agree":
            verdict, confidence = Verdict.supported, 0.55
        elif quantity and quantity.outcome == "disagree":
            verdict, confidence = Verdict.refuted, 0.5
        elif quantity and quantity.outcome == "mixed":
            verdict, confidence = Verdict.partly_supported, 0.4
        deciding = quote if quote and quote.outcome.startswith("found") else quantity
        if verdict != Verdict.not_enough_evidence and deciding is not None:
            cited = [c for c in check_citations if c.passage_id in deciding.passage_ids]
        findings = " ".join(c.detail for c in checks if c.name in ("quote", "quantity"))
        if verdict == Verdict.not_enough_evidence:
            reason = (
                findings
                or "No check applies to this kind of claim without an LLM; the retrieved passages are "
                "listed for a person to read."
            )
        else:
            reason = findings
        return Judgement(
            verdict=verdict,
            confidence=confidence,
            rationale=f"{NO_LLM} {reason}".strip(),
            citations=cited,
            attempts=0,
        )
