"""A smoke test of the training package on a tiny fixture (tests/data/training, a few rows in the layout of
the public datasets): the pairs the verification model learns from, the calibration's statistics and its
commit certificate, the check-worthiness network, and the model card shipping writes. torch is not needed:
the training loop itself is type-checked (mypy covers `training/`), not run."""

from dataclasses import dataclass

import numpy as np
from support.paths import DATA

from factcheck.models import Verdict
from training import calibrate_judges, ship_verifier, train_checkworthiness, verifier_data

FIXTURE = DATA / "training"


def test_pairs_are_split_by_claim_and_labelled_the_models_way():
    fever = verifier_data.fever(FIXTURE)
    pairs = fever["train"] + fever["report"]
    assert len(pairs) == 12 and {p.label for p in pairs} == {"supports", "not_supports"}
    assert "(city)" in pairs[0].evidence and "-LRB-" not in pairs[0].evidence  # Wikipedia's brackets undone
    train = {p.group for p in fever["train"]}
    assert not train & {p.group for p in fever["report"]}  # a claim is in one split only
    rows = verifier_data.averitec_claims(FIXTURE, "train") + verifier_data.averitec_claims(
        FIXTURE, "calibration"
    )
    assert sorted(r["claim_id"] for r in rows) == [str(i) for i in range(10)]
    averitec = verifier_data.averitec_pairs(rows)
    assert {p.label for p in averitec} <= set(verifier_data.LABELS) and averitec
    assert verifier_data.LABELS == ("supports", "refutes", "neither")  # from the manifest
    assert len(verifier_data.unrelated(pairs, 5)) == 5
    assert all(p.label == "refutes" for p in verifier_data.counter_claims(pairs))


@dataclass
class Finding:
    name: str
    verdict: Verdict
    score: float


def test_the_calibration_statistics_and_its_certificate():
    assert calibrate_judges.binomial_tail(9, 10, 0.5) == (10 + 1) / 1024
    assert calibrate_judges.auroc([0.9, 0.8, 0.2, 0.1], [True, True, False, False]) == 1.0
    rows = [
        {
            "dataset": "A",
            "gold": "supported",
            "findings": [Finding("stance_supports", Verdict.supported, 0.995)],
        }
        for _ in range(40)
    ] + [
        {"dataset": "A", "gold": "refuted", "findings": [Finding("stance_supports", Verdict.supported, 0.5)]}
    ]
    certified = calibrate_judges.certificate(rows)
    assert certified["threshold"] is not None and certified["precision"] == 1.0
    wrong = [{**row, "gold": "refuted"} for row in rows]
    assert calibrate_judges.certificate(wrong)["threshold"] is None  # nothing commits when it is wrong


def test_the_checkworthiness_network_learns_a_separable_set():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 4))
    y = (x[:, 0] > 0).astype(float)
    params = train_checkworthiness.fit_network(x, y, seed=1)
    assert params and all(np.isfinite(np.asarray(p)).all() for p in params.values())
    precision, recall, f1 = train_checkworthiness.f1(y, y)
    assert (precision, recall, f1) == (1.0, 1.0, 1.0)


def test_the_model_card_names_the_manifest_and_the_digest():
    training = {"layers": 3, "epochs": 2, "seconds": 3600}
    reading = {"verifier-w8.onnx": {}}
    text = ship_verifier.card(training, reading, "verifier-w8.onnx", "ab" * 32, 11.0)
    assert "ab" * 32 in text and "factcheck/data/artefacts.json" in text
