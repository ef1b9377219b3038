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


def _hit(doc, text, outlet, score):
    from factcheck.models import Evidence, Passage

    passage = Passage(id=f"{doc}:0", document_id=doc, index=0, start=0, end=len(text), text=text)
    return Evidence(passage=passage, outlet=outlet, score=score)


STORY = (
    "Western officials estimate that about 130,000 Russian troops are now stationed near Ukraine's border, "
    "up from earlier estimates, and more are arriving by rail every day."
)


def test_copies_of_one_story_under_other_outlets_count_once_and_let_the_next_source_in():
    from factcheck.retrieval.fusion import collapse_copies

    ranked = [
        _hit("a", STORY, "Example Wire", 0.9),
        _hit("b", STORY.replace("Western officials", "Officials in the West"), "Daily Copy", 0.8),
        _hit("c", "Copy: " + STORY, "Evening Copy", 0.7),
        _hit("d", "The talks in Moscow lasted several hours and ended without agreement.", "Courier", 0.6),
    ]
    kept = collapse_copies(ranked)
    assert [h.passage.document_id for h in kept] == ["a", "d"]
    assert kept[0].copies == ["Daily Copy", "Evening Copy"]
    assert [h.passage.document_id for h in diversify(kept, 2, 2)] == ["a", "d"]


def test_a_copy_of_the_claims_own_article_is_not_evidence_for_it():
    from factcheck.retrieval.fusion import collapse_copies

    ranked = [
        _hit("b", STORY, "Syndicate", 0.9),
        _hit("d", "The talks ended without agreement.", "Courier", 0.6),
    ]
    own = "Headline\n" + STORY.replace("every day", "each day")
    assert [h.passage.document_id for h in collapse_copies(ranked, own)] == ["d"]
