import random

import bm25s
import numpy as np
import pytest

from factcheck.retrieval import lexical
from factcheck.retrieval.lexical import LexicalIndex

WORDS = (
    "troops border minister said talks percent million report government ukraine russia nato budget "
    "council jobs march bridge election vote court ruling inflation prices wheat export port"
).split()


class FakeDatabase:
    """The three queries LexicalIndex makes, over documents held in memory."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[str, list[str]]] = {}
        self.rowid = 0

    def put(self, doc_id: str, texts: list[str]) -> None:
        self.docs[doc_id] = (str(hash(tuple(texts))), texts)
        self.rowid += len(texts)

    def remove(self, doc_id: str) -> None:
        del self.docs[doc_id]
        self.rowid += 1

    def passage_signature(self):
        return sum(len(t) for _, t in self.docs.values()), self.rowid

    def document_hashes(self):
        return {d: h for d, (h, _) in self.docs.items()}

    def passages_of(self, ids):
        return [(f"{d}:{i}", d, text) for d in sorted(ids) for i, text in enumerate(self.docs[d][1])]


def random_texts(rng: random.Random, count: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))) for _ in range(count)]


def scratch_scores(db: FakeDatabase, query: str, k: int) -> dict[str, float]:
    """bm25s built from scratch on the live passages: the reference."""
    rows = db.passages_of(list(db.docs))
    retriever = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    retriever.index(
        bm25s.tokenize([t for _, _, t in rows], stopwords="en", show_progress=False), show_progress=False
    )
    indices, scores = retriever.retrieve(
        bm25s.tokenize([query], stopwords="en", show_progress=False), k=k, show_progress=False, n_threads=1
    )
    return {rows[i][0]: float(s) for i, s in zip(indices[0], scores[0], strict=True) if s > 0}


def assert_matches_scratch(index: LexicalIndex, db: FakeDatabase, queries: list[str]) -> None:
    for query in queries:
        ours = dict(index.search(query, 10))
        reference = scratch_scores(db, query, 10)
        assert set(ours) == set(reference), query
        for pid, score in reference.items():
            assert ours[pid] == pytest.approx(score, rel=1e-4)


def test_incremental_updates_score_exactly_like_a_fresh_bm25s_index(tmp_path):
    rng = random.Random(5)
    db = FakeDatabase()
    for n in range(30):
        db.put(f"d{n:02d}", random_texts(rng, rng.randint(1, 4)))
    index = LexicalIndex(db, tmp_path / "bm25")
    queries = [
        "troops at the border",
        "budget council jobs",
        "wheat export prices",
        "court ruling on the election",
    ]
    assert_matches_scratch(index, db, queries)
    for n in range(30, 45):  # new articles
        db.put(f"d{n:02d}", random_texts(rng, 3))
    db.put("d03", random_texts(rng, 2))  # a changed article
    db.remove("d07")  # a removed one
    assert_matches_scratch(index, db, queries)
    assert not any(pid.startswith("d07:") for pid, _ in index.search("troops border budget wheat", 50))


def test_a_saved_index_is_loaded_and_only_new_passages_are_tokenized(tmp_path, monkeypatch):
    rng = random.Random(9)
    db = FakeDatabase()
    for n in range(20):
        db.put(f"d{n:02d}", random_texts(rng, 3))
    first = LexicalIndex(db, tmp_path / "bm25")
    expected = first.search("minister said talks", 5)
    tokenized = []
    original = LexicalIndex.tokens
    monkeypatch.setattr(
        LexicalIndex, "tokens", lambda self, text: tokenized.append(text) or original(self, text)
    )
    second = LexicalIndex(db, tmp_path / "bm25")
    assert second.search("minister said talks", 5) == expected
    assert tokenized == ["minister said talks"]  # the query only: nothing was rebuilt
    db.put("new", ["the minister said talks on wheat exports resumed"])
    tokenized.clear()
    assert second.search("minister said talks", 1)[0][0] == "new:0"
    assert tokenized == ["the minister said talks on wheat exports resumed", "minister said talks"]


def test_many_updates_are_compacted_without_changing_scores(tmp_path, monkeypatch):
    monkeypatch.setattr(lexical, "MAX_SEGMENTS", 3)
    rng = random.Random(2)
    db = FakeDatabase()
    index = LexicalIndex(db, tmp_path / "bm25")
    for step in range(8):
        for n in range(5):
            db.put(f"s{step}-{n}", random_texts(rng, 2))
        if step % 2:
            db.remove(f"s{step - 1}-0")
        index.search("anything", 1)
    assert len(index.segments) <= 3
    assert np.all(index.live[: len(index.ids)]) or (~index.live).mean() <= lexical.MAX_DEAD_FRACTION
    assert_matches_scratch(index, db, ["troops border", "inflation prices port", "vote election court"])
    reloaded = LexicalIndex(db, tmp_path / "bm25")
    assert reloaded.search("inflation prices port", 5) == index.search("inflation prices port", 5)


def test_the_claims_own_article_can_be_excluded(tmp_path):
    db = FakeDatabase()
    db.put("own", ["troops massed at the border"])
    db.put("other", ["troops massed near the border town"])
    index = LexicalIndex(db, None)
    assert {pid for pid, _ in index.search("troops border", 5)} == {"own:0", "other:0"}
    assert [pid for pid, _ in index.search("troops border", 5, exclude_document="own")] == ["other:0"]
    assert index.search("zeppelin", 5) == []


def test_within_its_budget_a_query_scores_every_posting_and_over_it_the_best_of_each_term(tmp_path):
    rng = random.Random(4)
    db = FakeDatabase()
    for n in range(60):
        db.put(f"d{n:02d}", random_texts(rng, 3))
    db.put("rare", ["the zeppelin landed near the troops at the border"])
    query = "zeppelin troops border said"
    exact = LexicalIndex(db, None, budget=0)
    roomy = LexicalIndex(db, None, budget=10_000)
    assert roomy.search(query, 10) == exact.search(query, 10)

    tight = LexicalIndex(db, None, budget=40)
    scored: list[int] = []
    original = lexical._heads
    counting = lambda slices, budget: scored.append(sum(heads := original(slices, budget))) or heads  # noqa: E731
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lexical, "_heads", counting)
        capped = tight.search(query, 10)
    total = sum(int(exact._statistics().frequency[exact.vocab[t]]) for t in ("zeppelin", "troops", "border"))
    assert total > 40 and scored == [pytest.approx(40, abs=5)]
    assert capped[0][0] == "rare:0"  # the rare term's only posting is the best there is: never cut
    assert capped[0][1] == pytest.approx(dict(exact.search(query, 1000))["rare:0"], rel=1e-5)
    exact_scores = dict(exact.search(query, 1000))
    assert all(score <= exact_scores[pid] + 1e-5 for pid, score in capped)  # a cut term only lowers a score
