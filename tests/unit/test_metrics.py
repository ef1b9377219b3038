import pytest

from factcheck.evaluation.metrics import binary, classification, percentile

LABELS = ["supported", "partly_supported", "refuted", "not_enough_evidence"]


def test_hand_computed_case():
    gold = ["supported", "supported", "refuted", "refuted", "not_enough_evidence"]
    pred = ["supported", "refuted", "refuted", "refuted", "supported"]
    result = classification(gold, pred, LABELS)
    assert result["accuracy"] == 0.6
    assert result["per_class"]["supported"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert result["per_class"]["refuted"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["per_class"]["refuted"]["f1"] == 0.8
    assert result["per_class"]["not_enough_evidence"]["f1"] == 0.0
    # partly_supported never appears: it is left out of the macro average instead of counting as 0
    assert result["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3, abs=1e-4)
    assert result["confusion"][0] == [1, 0, 1, 0] and result["confusion"][3] == [1, 0, 0, 0]


def test_empty_and_never_predicted_classes_score_zero_not_nan():
    result = classification(["refuted", "refuted"], ["supported", "supported"], LABELS)
    assert result["accuracy"] == 0.0 and result["macro_f1"] == 0.0
    assert result["per_class"]["refuted"]["precision"] == 0.0
    assert classification([], [], LABELS)["accuracy"] == 0.0


def test_binary_scores():
    assert binary([True, True, False, False], [True, False, True, False]) == {
        "n": 4,
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "tp": 1,
        "fp": 1,
        "fn": 1,
    }
    assert binary([False], [False])["f1"] == 0.0


def test_percentiles_with_ties_and_even_counts():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5, 5, 5, 9], 50) == 5
    assert percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert percentile([], 50) == 0.0
