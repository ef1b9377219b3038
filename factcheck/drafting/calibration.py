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

CALIBRATION_FILE = "calibration.json"
MIN_FIRED = 10  # a finding seen fewer times than this on the dev data has no measured precision


@dataclass(frozen=True)
class FindingRecord:
    verdict: str
    fired: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.fired if self.fired >= MIN_FIRED else None


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
    findings = {
        name: FindingRecord(
            verdict=entry["verdict"], fired=int(entry["fired"]), correct=int(entry["correct"])
        )
        for name, entry in raw.get("findings", {}).items()
    }
    return Calibration(
        floor=float(raw.get("floor", SIMILARITY_FLOOR)),
        findings=findings,
        datasets=list(raw.get("datasets", [])),
        fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
    )
