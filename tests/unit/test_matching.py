"""Claim matching's pure core: post cleaning, BM25 over checked claims, fused ranking, archive readers and the
matching metrics, with hand-made vectors (no embedding model)."""

import json

import numpy as np
import pytest

from factcheck.errors import InputError
from factcheck.evaluation.matching import (
    average_precision,
    decision_metrics,
    evaluate_matching,
    reciprocal_rank,
)
from factcheck.matching.archive import read_archive
from factcheck.matching.lexical import ClaimLexicon
from factcheck.matching.matcher import ClaimMatcher
from factcheck.storage.db import Database
from factcheck.text.social import clean_post


def test_clean_post_drops_links_and_trailer_but_keeps_author_and_hashtag_words():
    post = (
        "STOP POSING AS MY DAD #FakeAccount @someone https://t.co/TPX0dF5Dil pic.twitter.com/abc — "
        "Morgan Eastwood (@MorganEastwood) November 9, 2016"
    )
    assert clean_post(post) == "STOP POSING AS MY DAD Fake Account someone Morgan Eastwood"
    assert clean_post("Plain claim with no trailer.") == "Plain claim with no trailer."


def test_bm25_prefers_rare_shared_terms_and_stems_plurals():
    lexicon = ClaimLexicon(
        ["vaccines cause autism", "the moon landing was faked", "vaccine schedule for kids"]
    )
    scores = lexicon.scores("Do vaccine shots cause autism?")
    assert scores.argmax() == 0 and scores[1] == 0.0
    assert scores[2] > 0  # 'vaccines' and 'vaccine' share a stem


def _unit(*vectors):
    array = np.array(vectors, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_matcher_fuses_dense_and_lexical_and_excludes_rows():
    texts = ["troops massed on the border", "bananas cure colds", "troops left the border"]
    claims = _unit([1, 0, 0], [0, 1, 0], [0.9, 0.1, 0])
    matcher = ClaimMatcher(texts, claims, claims)
    query = _unit([0.95, 0.05, 0])[0]
    ranked = matcher.rank("troops massed border", query, k=3)
    assert [r.row for r in ranked][:2] == [0, 2]
    assert ranked[0].strength == pytest.approx(float(claims[0] @ query), abs=1e-5)  # claim = headline here
    excluded = matcher.rank("troops massed border", query, k=3, exclude=np.array([True, False, False]))
    assert 0 not in [r.row for r in excluded]


def test_ranking_metrics():
    assert average_precision(["a", "b", "c"], {"b"}, 5) == 0.5
    assert average_precision(["x", "y"], {"a"}, 5) == 0.0
    assert reciprocal_rank(["x", "a"], {"a"}) == 0.5
    # Two queries truly new (strength 0.3, 0.7) and two with a match (0.9, 0.5): at 0.6 one of each is called new.
    decision = decision_metrics([0.9, 0.5], [0.3, 0.7], 0.6)
    assert decision["precision"] == 0.5 and decision["recall"] == 0.5


def test_read_claimreview_jsonld_markup_pages_tsv_and_jsonl(tmp_path):
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://checks.example/1",
        "claimReviewed": "Russia has 100,000 troops at the border.",
        "reviewRating": {"@type": "Rating", "ratingValue": 2, "alternateName": "Mostly false"},
        "author": {"@type": "Organization", "name": "Example Checks"},
        "datePublished": "2022-02-01T10:00:00Z",
    }
    (tmp_path / "reviews.json").write_text(json.dumps({"@graph": [review]}))
    [checked] = read_archive(tmp_path / "reviews.json").claims
    assert (checked.claim, checked.rating, checked.publisher, checked.published, checked.url) == (
        "Russia has 100,000 troops at the border.",
        "Mostly false",
        "Example Checks",
        "2022-02-01",
        "https://checks.example/1",
    )
    page = {
        "pageUrl": "https://p.example",
        "claimReviewAuthor": {"name": "P"},
        "publishDate": "2023-01-02",
        "claimReviewMarkups": [
            {"claimReviewed": "A", "rating": {"textualRating": "False"}},
            {"claimReviewed": "B", "rating": {"textualRating": "True"}},
        ],
    }
    (tmp_path / "pages.json").write_text(json.dumps([page]))
    pages = read_archive(tmp_path / "pages.json").claims
    assert [(c.claim, c.rating, c.publisher, c.url) for c in pages] == [
        ("A", "False", "P", "https://p.example"),
        ("B", "True", "P", "https://p.example"),
    ]
    (tmp_path / "clef.tsv").write_text("\tvclaim\ttitle\n0\tA claim.\tIs it true?\n1\tAnother.\tHeadline\n")
    tsv = read_archive(tmp_path / "clef.tsv").claims
    assert [(c.source_id, c.claim, c.title) for c in tsv] == [
        ("0", "A claim.", "Is it true?"),
        ("1", "Another.", "Headline"),
    ]
    (tmp_path / "plain.jsonl").write_text('{"claim": "X", "rating": "False"}\n{"rating": "True"}\nnot json\n')
    reading = read_archive(tmp_path / "plain.jsonl")
    assert [c.claim for c in reading.claims] == ["X"] and len(reading.errors) == 2
    (tmp_path / "bad.tsv").write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="no claim column"):
        read_archive(tmp_path / "bad.tsv")


def test_evaluate_matching_on_a_tiny_clef_folder(tmp_path):
    folder = tmp_path / "clef"
    (folder / "dev").mkdir(parents=True)
    (folder / "verified_claims.docs.tsv").write_text(
        "\tvclaim\ttitle\n0\tvaccines cause autism\tDo vaccines cause autism?\n"
        "1\tthe moon landing was staged\tWas the moon landing faked?\n"
        "2\tbananas cure the flu\tDo bananas cure flu?\n"
    )
    (folder / "dev" / "tweets.queries.tsv").write_text(
        "\ttweet_content\nq1\tvaccines cause autism, wake up https://t.co/x\nq2\tnobody walked on the moon\n"
    )
    (folder / "dev" / "tweet-vclaim-pairs.qrels").write_text("q1\t0\t0\t1\nq2\t0\t1\t1\n")
    axes = {"vaccin": 0, "autism": 0, "moon": 1, "bananas": 2}

    def embed(texts):  # a bag-of-topics stand-in for the model
        rows = []
        for text in texts:
            row = np.full(3, 0.01, dtype=np.float32)
            for word, axis in axes.items():
                row[axis] += text.lower().count(word)
            rows.append(row / np.linalg.norm(row))
        return np.array(rows)

    run = evaluate_matching(Database(tmp_path / "db.sqlite"), folder, "dev", embed, "fake", 0.6)
    assert run.kind == "matching" and run.metrics["queries"] == 2
    assert run.metrics["map_at_5"] == 1.0 and run.metrics["mrr"] == 1.0
    assert [item.predicted["ranked"][0] for item in run.items] == ["0", "1"]
    assert set(run.metrics["no_earlier_check"]) == {"threshold", "precision", "recall", "f1"}
