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
    loaded = load_verdicts(_write(tmp_path / "dev.jsonl", [row]), "averitec")
    items, corpus = loaded.items, loaded.records
    assert items[0].verdict == Verdict.partly_supported and items[0].date.isoformat() == "2020-10-31"
    assert corpus[0].id == "averitec-dev-0001-e00" and corpus[0].text == "Did X rise? Yes. By 5%."


def test_checkcovid_and_claimbuster_adapters(tmp_path):
    _write(tmp_path / "corpus.jsonl", [{"cord_id": "abc", "title": "T", "abstract": ["First.", "Second."]}])
    refute = {
        "id": "1",
        "claim": "C",
        "cord_id": "abc",
        "label": "REFUTE",
        "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}],
    }
    twin = {
        **refute,
        "id": "2",
        "label": "NOTENOUGHINFO",
        "evidence_set": [{"sent_index": 0, "type": "PRIMARY"}],
    }
    loaded = load_verdicts(_write(tmp_path / "test.jsonl", [refute, twin]), "checkcovid")
    (item,) = loaded.items  # the NOTENOUGHINFO twin repeats the claim and the abstract: left out, and counted
    assert (
        item.verdict == Verdict.refuted
        and item.evidence_ids == ["abc:1"]
        and item.scope == ["abc:0", "abc:1"]
    )
    assert [r.id for r in loaded.records] == ["abc:0", "abc:1"] and sum(loaded.left_out.values()) == 1
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


def test_wice_adapter_scopes_each_claim_to_its_cited_page(tmp_path):
    row = {
        "label": "partially_supported",
        "supporting_sentences": [[1], [1, 2]],
        "claim": "A claim.",
        "evidence": ["Title line", "First fact.", "Second fact."],
        "meta": {"id": "w7"},
    }
    loaded = load_verdicts(_write(tmp_path / "dev.jsonl", [row]), "wice")
    (item,) = loaded.items
    assert item.verdict == Verdict.partly_supported and item.evidence_ids == ["w7:1", "w7:2"]
    assert item.scope == ["w7:0", "w7:1", "w7:2"] and [r.text for r in loaded.records][1] == "First fact."


def test_datasets_that_are_not_utf8_or_not_objects_are_one_line_errors(tmp_path):
    from factcheck.errors import InputError

    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "1", "text": "Caf\xe9", "checkworthy": true}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        load_detection(latin, "factcheck")
    with pytest.raises(InputError, match="must be a JSON object, not list"):
        load_detection(_write(tmp_path / "rows.jsonl", [[1, 2]]), "factcheck")
    with pytest.raises(InputError, match="not a averitec verdict dataset"):
        load_verdicts(
            _write(
                tmp_path / "a.jsonl",
                [{"claim_id": "a", "claim": "c", "label": "REFUTED", "evidence": ["just a string"]}],
            ),
            "averitec",
        )
