"""`eval matching`: claim matching against CLEF CheckThat! 2020 task 2 ("has this been fact-checked
before?"): tweets ranked against verified claims, scored by MAP@k and MRR, plus the "no earlier check"
decision, measured by asking each tweet again with its own fact-checks taken out of the archive."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from factcheck.errors import InputError
from factcheck.evaluation.datasets import file_hash
from factcheck.matching.archive import read_archive
from factcheck.matching.matcher import ClaimMatcher
from factcheck.models import EvalRun, ItemResult, ProgressCallback
from factcheck.storage.db import MatchingEvalStores
from factcheck.text.social import clean_post

Embed = Callable[[list[str]], np.ndarray]
ARCHIVE_FILE = "verified_claims.docs.tsv"
DEPTH = 100  # ranks kept per query for MRR


@dataclass
class MatchingSet:
    archive: Path
    queries: list[tuple[str, str]]  # (id, text)
    relevant: dict[str, set[str]]  # query id -> ids of the checked claims that verify it


def load_clef(folder: Path, split: str) -> MatchingSet:
    archive = folder / ARCHIVE_FILE
    queries_path, qrels_path = (
        folder / split / "tweets.queries.tsv",
        folder / split / "tweet-vclaim-pairs.qrels",
    )
    for path in (archive, queries_path, qrels_path):
        if not path.is_file():
            raise InputError(
                f"{path} is missing; give the CLEF 2020 task 2 folder (with {ARCHIVE_FILE} and "
                f"{split}/tweets.queries.tsv)"
            )
    rows = list(csv.reader(io.StringIO(queries_path.read_text(encoding="utf-8")), delimiter="\t"))[1:]
    relevant: dict[str, set[str]] = {}
    for line in qrels_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            relevant.setdefault(parts[0], set()).add(parts[2])
    queries = [(row[0], row[1]) for row in rows if len(row) >= 2 and row[0] in relevant]
    return MatchingSet(archive, queries, relevant)


def average_precision(ranked: list[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], 1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1 / rank for rank, item in enumerate(ranked, 1) if item in relevant), 0.0)


def decision_metrics(with_match: list[float], without_match: list[float], threshold: float) -> dict:
    """ "No earlier check" is said when the best strength is below `threshold`. Precision: of the claims
    called new, the share that truly had no fact-check; recall: of those with none, the share called new."""
    said_new_correct = sum(s < threshold for s in without_match)
    said_new_wrong = sum(s < threshold for s in with_match)
    called = said_new_correct + said_new_wrong
    precision = said_new_correct / called if called else 0.0
    recall = said_new_correct / len(without_match) if without_match else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": round(threshold, 3),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def shown_metrics(items: list[ItemResult], threshold: float) -> dict:
    """What a desk sees: a "checked before" line is shown when the best match reaches `threshold`. Over each
    query asked twice (with its fact-checks, and without them), precision is the share of shown lines that
    name a right fact-check, recall the share of queries (with fact-checks) that get a right one shown."""
    right = sum(1 for i in items if i.predicted["strength"] >= threshold and i.correct)
    wrong = sum(1 for i in items if i.predicted["strength"] >= threshold and not i.correct) + sum(
        1 for i in items if i.predicted["strength_without_match"] >= threshold
    )
    return {
        "precision": round(right / (right + wrong), 4) if right + wrong else 0.0,
        "recall": round(right / len(items), 4) if items else 0.0,
    }


def vectors_for(texts: list[str], embed: Embed, cache: Path | None, model: str) -> np.ndarray:
    """Embeddings of `texts`, from an .npy cache keyed by the texts and the model when one exists."""
    key = hashlib.sha256("\x00".join([model, *texts]).encode()).hexdigest()[:16]
    path = cache / f"{key}.npy" if cache else None
    if path and path.is_file():
        return np.load(path)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def evaluate_matching(
    db: MatchingEvalStores,
    folder: Path,
    split: str,
    embed: Embed,
    model: str,
    threshold: float,
    cache: Path | None = None,
    progress: ProgressCallback | None = None,
) -> EvalRun:
    data = load_clef(folder, split)
    archive = read_archive(data.archive).claims
    ids = [c.source_id or c.id for c in archive]
    if progress:
        progress(0, len(data.queries), "embedding the archive")
    claim_vectors = vectors_for([c.claim for c in archive], embed, cache, model)
    title_vectors = vectors_for([c.title or c.claim for c in archive], embed, cache, model)
    matcher = ClaimMatcher([f"{c.claim} {c.title}" for c in archive], claim_vectors, title_vectors)
    texts = [clean_post(text) for _, text in data.queries]
    query_vectors = vectors_for(texts, embed, cache, model)
    items, with_match, without_match = _rank_queries(data, texts, query_vectors, matcher, ids, progress)
    metrics = matching_metrics(items, with_match, without_match, threshold)
    dataset_hash = file_hash(data.archive, folder / split / "tweets.queries.tsv")
    run = EvalRun(
        id="m" + hashlib.sha1(f"{dataset_hash}{split}{model}{threshold}".encode()).hexdigest()[:11],
        kind="matching",
        dataset=f"{folder.name}/{split}",
        dataset_hash=dataset_hash,
        format="clef2020-task2",
        created_at=datetime.now(UTC),
        settings={"threshold": threshold, "split": split, "embedding": model},
        model=model,
        metrics=metrics,
        items=items,
        complete=True,
    )
    db.save_eval_run(run)
    for item in items:
        db.save_eval_item(run.id, item)
    return run


def _rank_queries(
    data: MatchingSet,
    texts: list[str],
    query_vectors: np.ndarray,
    matcher: ClaimMatcher,
    ids: list[str],
    progress: ProgressCallback | None,
) -> tuple[list[ItemResult], list[float], list[float]]:
    """Each query ranked against the archive, and asked again with its own fact-checks removed (the strength
    of the best match when there is one, and when there is none)."""
    position = {record: row for row, record in enumerate(ids)}
    items, with_match, without_match = [], [], []
    for number, ((query_id, _), text, vector) in enumerate(
        zip(data.queries, texts, query_vectors, strict=True), 1
    ):
        relevant = data.relevant[query_id]
        ranked = matcher.rank(text, vector, k=DEPTH)
        order = [ids[r.row] for r in ranked]
        gone = np.zeros(matcher.size, dtype=bool)
        gone[[position[r] for r in relevant if r in position]] = True
        alone = matcher.rank(text, vector, k=1, exclude=gone)
        with_match.append(ranked[0].strength if ranked else 0.0)
        without_match.append(alone[0].strength if alone else 0.0)
        items.append(
            ItemResult(
                id=query_id,
                gold={"relevant": sorted(relevant)},
                predicted={
                    "ranked": order[:5],
                    "reciprocal_rank": round(reciprocal_rank(order, relevant), 4),
                    "strength": round(with_match[-1], 4),
                    "strength_without_match": round(without_match[-1], 4),
                },
                correct=bool(order) and order[0] in relevant,
            )
        )
        if progress:
            progress(number, len(data.queries), query_id)
    return items, with_match, without_match


def matching_metrics(
    items: list[ItemResult], with_match: list[float], without_match: list[float], threshold: float
) -> dict:
    def mean(values: list[float]) -> float:
        return round(float(np.mean(values)), 4) if values else 0.0

    ranked = [(item.predicted["ranked"], set(item.gold["relevant"])) for item in items]
    sweep = [decision_metrics(with_match, without_match, t) for t in np.arange(0.30, 0.95, 0.01)]
    return {
        "queries": len(items),
        "map_at_1": mean([average_precision(r, g, 1) for r, g in ranked]),
        "map_at_5": mean([average_precision(r, g, 5) for r, g in ranked]),
        "mrr": mean([item.predicted["reciprocal_rank"] for item in items]),
        "recall_at_5": mean([float(bool(set(r[:5]) & g)) for r, g in ranked]),
        "no_earlier_check": decision_metrics(with_match, without_match, threshold),
        "checked_before": shown_metrics(items, threshold),
        "best_threshold_on_this_split": max(sweep, key=lambda m: m["f1"]),
    }
