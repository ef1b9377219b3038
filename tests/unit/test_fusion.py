"""Reciprocal rank fusion, date flags and per-document diversity: the pure parts of retrieval."""

from datetime import date

from factcheck.retrieval.fusion import date_flags, diversify, fuse


def test_rrf_fusion_rewards_passages_found_by_both():
    fused = fuse([("a", 0.9), ("b", 0.8)], [("b", 7.0), ("c", 5.0)])
    assert max(fused, key=lambda pid: fused[pid]["score"]) == "b"
    assert fused["b"]["dense"] == 0.8 and fused["b"]["lexical"] == 7.0
    assert fused["c"]["dense"] is None


def test_date_flags():
    claim = date(2022, 2, 10)
    assert date_flags(date(2022, 3, 1), claim) == ["after_claim"]
    assert date_flags(date(2019, 1, 1), claim) == ["long_before_claim"]
    assert date_flags(date(2022, 2, 1), claim) == [] and date_flags(None, claim) == []


def test_diversify_caps_passages_per_document():
    from factcheck.models import Evidence, Passage

    def ev(doc, i, score):
        return Evidence(
            passage=Passage(id=f"{doc}:{i}", document_id=doc, index=i, start=0, end=1, text="x"), score=score
        )

    ranked = [ev("a", 0, 0.9), ev("a", 1, 0.8), ev("a", 2, 0.7), ev("b", 0, 0.6)]
    assert [e.passage.id for e in diversify(ranked, 3, 2)] == ["a:0", "a:1", "b:0"]
