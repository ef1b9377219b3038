"""Dataset adapters read public sets as they are; bad files are one-line errors."""

import json
from pathlib import Path

import pytest

from factcheck.evaluation.datasets import load_detection, load_verdicts
from factcheck.models import Verdict


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_averitec_adapter_maps_labels_and_pools_evidence(tmp_path):
    row = {
        "claim_id": "averitec-dev-0001",
        "claim": "X rose 5%.",
        "label": "CONFLICTING",
        "claim_date": "31-10-2020",
        "speaker": "Y",
        "justification": "GOLD-JUSTIFICATION",
        "gold_evidence_ids": ["averitec-dev-0001-e00"],
        "evidence": [
            {
                "evidence_id": "averitec-dev-0001-e00",
                "question": "Did X rise?",
                "text": "Yes. By 5%.",
                "source_url": "u",
            }
        ],
    }
    items, corpus = load_verdicts(_write(tmp_path / "dev.jsonl", [row]), "averitec")
    assert items[0].verdict == Verdict.partly_supported and items[0].date.isoformat() == "2020-10-31"
    assert corpus[0].id == "averitec-dev-0001-e00" and corpus[0].text == "Did X rise? Yes. By 5%."


def test_checkcovid_and_claimbuster_adapters(tmp_path):
    _write(tmp_path / "corpus.jsonl", [{"cord_id": "abc", "title": "T", "abstract": ["First.", "Second."]}])
    claims = _write(
        tmp_path / "test.jsonl",
        [
            {
                "id": "1",
                "claim": "C",
                "cord_id": "abc",
                "label": "REFUTE",
                "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}],
            }
        ],
    )
    items, corpus = load_verdicts(claims, "checkcovid")
    assert items[0].verdict == Verdict.refuted and items[0].evidence_ids == ["abc:1"]
    assert [r.id for r in corpus] == ["abc:0", "abc:1"]
    sentences = load_detection(
        _write(tmp_path / "cb.jsonl", [{"id": "cb-1", "text": "We cut taxes by 5%.", "label": 1}]),
        "claimbuster",
    )
    assert sentences[0].checkworthy is True and sentences[0].claims is None


def test_bad_datasets_are_clear_errors(tmp_path):
    from factcheck.errors import InputError

    with pytest.raises(InputError, match="not a averitec verdict dataset"):
        load_verdicts(_write(tmp_path / "x.jsonl", [{"claim": "no id"}]), "averitec")
    with pytest.raises(InputError, match="no evidence corpus"):
        load_verdicts(_write(tmp_path / "y.jsonl", [{"id": "1", "claim": "c", "verdict": "supported"}]))
