"""How often each kind of finding was right on public dev data, so a judge commits a verdict only when the
finding behind it has earned it. Measured by `scripts/calibrate_judges.py`; shipped in
`factcheck/data/calibration.json` with the datasets and counts it rests on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from factcheck.drafting.evidence import SIMILARITY_FLOOR
from factcheck.models import Verdict

CALIBRATION_FILE = "calibration.json"
MIN_FIRED = 10  # a finding seen fewer times than this on the dev data has no measured precision


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
class Calibration:
    floor: float = SIMILARITY_FLOOR
    findings: dict[str, FindingRecord] = field(default_factory=dict)
    datasets: list[str] = field(default_factory=list)
    fingerprint: str = "none"  # SHA-256 of the calibration file: runs made with another one differ

    def record(self, finding: str) -> FindingRecord | None:
        return self.findings.get(finding)


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The shipped calibration, or an empty one (nothing is ever committed) when the file is missing."""
    try:
        text = resources.files("factcheck.data").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return Calibration()
    raw = json.loads(text)
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
    return Calibration(
        floor=float(raw.get("floor", SIMILARITY_FLOOR)),
        findings=findings,
        datasets=list(raw.get("datasets", [])),
        fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )


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
