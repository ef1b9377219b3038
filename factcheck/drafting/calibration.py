"""How often each kind of finding was right on public dev data, so a judge commits a verdict only when the
finding behind it has earned it. Measured by `training/calibrate_judges.py`; shipped in
`factcheck/data/calibration.json` with the datasets and counts it rests on."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from factcheck.data import ShippedFileError, shipped
from factcheck.drafting.evidence import SIMILARITY_FLOOR
from factcheck.models import LeanRecord, Verdict

CALIBRATION_FILE = "calibration.json"
logger = logging.getLogger(__name__)
MIN_FIRED = 10  # a finding seen fewer times than this on the dev data has no measured precision
LOWER_BOUND_Z = 1.645  # one-sided 95%
# A kind of lean is shown only when, on the calibration claims, it was right at least this often with the four
# gold labels weighed the same (chance is 0.25): a lean near chance anchors a reviewer the wrong way.
SHOWN_BALANCED = 0.5


def wilson_lower(right: int, n: int, z: float = LOWER_BOUND_Z) -> float:
    """The lower end of the Wilson score interval for `right` out of `n` (one-sided 95% by default)."""
    if n == 0:
        return 0.0
    p, z2 = right / n, z * z
    centre = p + z2 / (2 * n)
    spread = z * ((p * (1 - p) + z2 / (4 * n)) / n) ** 0.5
    return (centre - spread) / (1 + z2 / n)


@dataclass(frozen=True)
class KindRecord:
    """How one kind of lean fared on the calibration claims: as a whole, and (for the verification model's
    kinds) at every score, as (score, claims at or above it, right among them, balanced precision)."""

    verdict: str
    claims: int
    right: int
    balanced: float
    curve: tuple[tuple[float, int, int, float], ...] = ()

    def at(self, kind: str, score: float | None) -> LeanRecord | None:
        """The record of leans of this kind scoring at least `score`; None where too few claims stand behind it."""
        claims, right, balanced = self.claims, self.right, self.balanced
        if self.curve:  # the highest score at or below this one with enough claims behind it
            point = next(
                (p for p in self.curve if score is not None and p[0] <= score and p[1] >= MIN_FIRED), None
            )
            if point is None:
                return None
            _, claims, right, balanced = point
        if claims < MIN_FIRED:
            return None
        return LeanRecord(
            kind=kind,
            verdict=Verdict(self.verdict),
            claims=claims,
            right=right,
            lower_bound=round(wilson_lower(right, claims), 4),
            balanced=round(balanced, 4),
        )


@dataclass(frozen=True)
class FindingRecord:
    """How often a finding was right on calibration data that neither trained the verification model nor is
    reported as its figure. A finding with a score (the verification model's) counts only from `threshold` on;
    `precision` is then the precision measured there, re-weighted to balanced labels."""

    verdict: str
    fired: int
    correct: int
    threshold: float | None = None
    balanced_precision: float | None = None
    # (score, claims at or above it, right among them, balanced precision), highest score first: how a model
    # finding fared at every score on the calibration claims, committed or not
    curve: tuple[tuple[float, int, int, float], ...] = ()

    @property
    def precision(self) -> float | None:
        if self.fired < MIN_FIRED:
            return None
        measured = self.correct / self.fired
        return min(measured, self.balanced_precision) if self.balanced_precision is not None else measured

    def precision_at(self, score: float | None) -> float | None:
        """The precision that earns a commit, for a finding with this score (None: not earned)."""
        if self.threshold is not None and (score is None or score < self.threshold):
            return None
        return self.precision

    def track_at(self, score: float | None) -> tuple[int, int, float] | None:
        """(claims, right, precision) of the findings scored at or above this score's point on the calibration
        curve, precision being the lower of measured and balanced; None where fewer than MIN_FIRED claims
        stand behind it. What a suggestion rests on, never a commit (commits need `threshold`)."""
        if score is None:
            return None
        point = next((p for p in self.curve if p[0] <= score), None)
        if point is None or point[1] < MIN_FIRED:
            return None
        _, claims, right, balanced = point
        return claims, right, min(right / claims, balanced)


@dataclass(frozen=True)
class Certificate:
    """One commit decision for the verification model's leans: commit the lean when its score reaches
    `threshold`, the laxest of a grid of thresholds fixed in advance that a fixed-sequence test certified
    (strict to lax, each at 5%: with 95% probability the committed verdicts are right at least 85% of the time
    on claims like the calibration claims). None: nothing commits."""

    threshold: float | None = None
    precision: float | None = None  # with labels balanced, measured at the threshold

    def precision_at(self, score: float | None) -> float | None:
        if self.threshold is None or score is None or score < self.threshold:
            return None
        return self.precision


@dataclass(frozen=True)
class Calibration:
    floor: float = SIMILARITY_FLOOR
    findings: dict[str, FindingRecord] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)
    fingerprint: str = "none"  # SHA-256 of the calibration file: runs made with another one differ
    leans: dict[str, KindRecord] = field(default_factory=dict)
    certificate: Certificate = field(default_factory=Certificate)
    problem: str = ""  # why the shipped calibration was not used, when it was not

    def record(self, finding: str) -> FindingRecord | None:
        return self.findings.get(finding)

    def lean_record(self, kind: str, score: float | None = None) -> LeanRecord | None:
        """The out-of-sample record of this kind of lean at this score, or None where it was not measured on
        enough claims."""
        record = self.leans.get(kind)
        return record.at(kind, score) if record is not None else None


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The shipped calibration, verified against its pinned SHA-256. A missing, changed or unreadable file is
    one logged line and an empty calibration: nothing commits and no lean is shown."""
    try:
        text = shipped(CALIBRATION_FILE).decode("utf-8")
        return _parsed(text, json.loads(text))
    except (ShippedFileError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        logger.warning("%s: nothing commits and no lean is shown", _problem(exc))
        return Calibration(problem=_problem(exc))


def _problem(exc: Exception) -> str:
    if isinstance(exc, ShippedFileError):
        return str(exc)
    return f"factcheck/data/{CALIBRATION_FILE} cannot be read ({type(exc).__name__}); reinstall factcheck"


def _parsed(text: str, raw: dict) -> Calibration:
    from factcheck.drafting.verifier import MODEL_SHA256

    # Thresholds on the verification model's scores hold for the model they were measured with only.
    same_model = bool(MODEL_SHA256) and raw.get("verifier_sha256") == MODEL_SHA256
    findings = {
        name: FindingRecord(
            verdict=entry["verdict"],
            fired=int(entry["fired"]),
            correct=int(entry["correct"]),
            threshold=entry.get("threshold"),
            balanced_precision=entry.get("balanced_precision"),
            curve=tuple(
                (p["threshold"], p["n"], p["right"], p["balanced"])
                for p in entry.get("curve", ())
                if same_model
            ),
        )
        for name, entry in raw.get("findings", {}).items()
        if same_model or entry.get("threshold") is None
    }
    leans = {
        kind: KindRecord(
            verdict=entry["verdict"],
            claims=int(entry["claims"]),
            right=int(entry["right"]),
            balanced=float(entry["balanced"]),
            curve=tuple((p["threshold"], p["n"], p["right"], p["balanced"]) for p in entry.get("curve", ())),
        )
        for kind, entry in raw.get("leans", {}).items()
        if same_model or not entry.get("curve")
    }
    certified = raw.get("certificate", {}) if same_model else {}
    return Calibration(
        floor=float(raw.get("floor", SIMILARITY_FLOOR)),
        findings=findings,
        datasets=list(raw.get("datasets", [])),
        fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        leans=leans,
        certificate=Certificate(certified.get("threshold"), certified.get("precision")),
    )


def shown(record: LeanRecord | None) -> bool:
    """Whether a lean with this record is shown as a lean (else the note shows evidence for and against)."""
    return record is not None and record.balanced >= SHOWN_BALANCED


def commits(
    record: FindingRecord | None, score: float | None, commit_precision: float
) -> tuple[bool, float | None]:
    """The one commit-or-suggest policy, for every judge: a verdict is committed only when what it rests on (a
    finding at this score, or an LLM's verdicts of this class) was right at least `commit_precision` of the
    time on calibration data that neither trained the model nor is reported as its figure. A model's own
    confidence is never a calibration. Returns (committed, the precision it rests on, or None if unmeasured)."""
    precision = record.precision_at(score) if record is not None else None
    return precision is not None and precision >= commit_precision, precision


def settled(verdict: Verdict, committed: bool) -> tuple[Verdict, Verdict | None]:
    """(verdict, suggestion) of a note: a verdict not committed is carried as a suggestion for the reviewer."""
    if verdict == Verdict.not_enough_evidence or committed:
        return verdict, None
    return Verdict.not_enough_evidence, verdict
