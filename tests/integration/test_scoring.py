from support.paths import EXAMPLES

from factcheck.claims.detect import detect_claims
from factcheck.claims.scoring import load_scorer
from factcheck.evaluation.datasets import load_detection
from factcheck.evaluation.runs import _detect_item, detection_metrics
from factcheck.ingest.readers import read_documents
from factcheck.settings import ClaimSettings

THRESHOLD = ClaimSettings().threshold


def _claims(path, scorer=None):
    document = read_documents(path, 10).documents[0]
    return document, detect_claims(document, scorer=scorer)


def test_shipped_scorer_ranks_factual_sentences_above_chatter():
    scorer = load_scorer()
    assert scorer is not None, "factcheck/data/checkworthiness.json is missing"
    factual, chatter = scorer(
        ["Unemployment rose to 9 percent in 2010.", "Thank you, it is good to be here tonight."]
    )
    assert factual > 0.5 > chatter


def test_detection_against_the_team_labels(capsys):
    items = load_detection(EXAMPLES / "eval" / "claims.jsonl")
    results = [
        _detect_item(item, THRESHOLD, load_scorer()) for item in items
    ]  # exactly what `factcheck claims` shows
    span = detection_metrics(results)["span"]
    with capsys.disabled():
        print(
            f"\nclaim detection on examples: precision {span['precision']:.2f}, recall {span['recall']:.2f} "
            f"({span})"
        )
    assert span["recall"] >= 0.8
    assert span["precision"] >= 0.75
