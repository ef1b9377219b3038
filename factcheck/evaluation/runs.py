"""Evaluation runs against hand-labelled data: claim detection and verdicts with citations. Runs are stored,
resumable and comparable. Gold labels never reach the system under test."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from factcheck.claims.detect import detect_claims
from factcheck.claims.scoring import load_scorer
from factcheck.drafting.calibration import load_calibration
from factcheck.drafting.draft import Drafter
from factcheck.drafting.grounding import ungrounded
from factcheck.drafting.judges import Judge
from factcheck.errors import InputError
from factcheck.evaluation.datasets import (
    CorpusRecord,
    DetectionItem,
    VerdictItem,
    file_hash,
    load_detection,
    load_verdicts,
    sample,
    sentences_with_claims,
)
from factcheck.evaluation.metrics import binary, classification, percentile
from factcheck.ingest.readers import document_id
from factcheck.models import (
    Claim,
    ClaimType,
    Document,
    EvalRun,
    ItemResult,
    MetricDelta,
    Note,
    ProgressCallback,
    RunComparison,
    Span,
    Verdict,
)
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.settings import Settings
from factcheck.storage.evals import EvalStore
from factcheck.text.metadata import metadata_from_text
from factcheck.text.quantities import find_quantities
from factcheck.text.speech import find_quotes

VERDICT_CLASSES = [v.value for v in Verdict]
THREE_WAY = [Verdict.supported.value, Verdict.refuted.value, Verdict.not_enough_evidence.value]


def overlaps(a: tuple[int, int], b: tuple[int, int], minimum: float = 0.5) -> bool:
    """Spans match when they share at least `minimum` of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= minimum * min(a[1] - a[0], b[1] - b[0])


def _run_id(*parts: object) -> str:
    return "r" + hashlib.sha1(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()[:11]


def _start(db: EvalStore, run: EvalRun) -> tuple[EvalRun, set[str]]:
    """A stored run with the same id is resumed: its finished items are kept."""
    existing = db.eval_run(run.id, missing_ok=True)
    if existing is not None:
        return existing, {item.id for item in existing.items}
    db.save_eval_run(run)
    return run, set()


# Claim detection ------------------------------------------------------------------------------
def _detect_item(item: DetectionItem, threshold: float, scorer) -> ItemResult:
    started = time.perf_counter()
    if item.claims is None:  # one sentence, labelled check-worthy or not
        document = Document(id="eval", path="", content_hash="", text=item.text)
        predicted = any(c.checkworthiness >= threshold for c in detect_claims(document, scorer))
        return ItemResult(
            id=item.id,
            gold={"checkworthy": bool(item.checkworthy)},
            predicted={"checkworthy": predicted},
            correct=predicted == bool(item.checkworthy),
            seconds=time.perf_counter() - started,
        )
    meta = metadata_from_text(item.text)
    document = Document(
        id="eval",
        path="",
        content_hash="",
        text=item.text,
        published=item.date or meta.published,
        body_start=meta.body_start,
    )
    shown = [c for c in detect_claims(document, scorer) if c.checkworthiness >= threshold]
    gold = []
    for span in item.claims:
        start = item.text.find(span.text)
        if start < 0:
            raise InputError(f"gold claim of {item.id} is not verbatim in its text: {span.text[:60]!r}")
        gold.append((start, start + len(span.text), span.type))
    predicted_spans = [(c.span.start, c.span.end, c.type.value) for c in shown]
    sentences, gold_sentences = sentences_with_claims(item.text, [g[:2] for g in gold])
    _, predicted_sentences = sentences_with_claims(item.text, [p[:2] for p in predicted_spans])
    return ItemResult(
        id=item.id,
        seconds=time.perf_counter() - started,
        gold={"spans": gold, "sentences": sorted(gold_sentences), "n_sentences": len(sentences)},
        predicted={"spans": predicted_spans, "sentences": sorted(predicted_sentences)},
    )


def detection_metrics(items: list[ItemResult]) -> dict:
    sentence_items = [i for i in items if "checkworthy" in i.gold]
    document_items = [i for i in items if "spans" in i.gold]
    metrics: dict = {"items": len(items)}
    if sentence_items:
        metrics["sentence"] = binary(
            [i.gold["checkworthy"] for i in sentence_items],
            [i.predicted["checkworthy"] for i in sentence_items],
        )
    if document_items:
        gold_flags, predicted_flags = [], []
        span_gold = span_pred = matched_gold = matched_pred = 0
        per_type: Counter = Counter()
        per_type_found: Counter = Counter()
        for item in document_items:
            n = item.gold["n_sentences"]
            gold_flags += [i in item.gold["sentences"] for i in range(n)]
            predicted_flags += [i in item.predicted["sentences"] for i in range(n)]
            gold, predicted = item.gold["spans"], item.predicted["spans"]
            span_gold += len(gold)
            span_pred += len(predicted)
            for g in gold:
                found = any(overlaps(g[:2], p[:2]) for p in predicted)
                matched_gold += found
                per_type[g[2] or "untyped"] += 1
                per_type_found[g[2] or "untyped"] += found
            matched_pred += sum(any(overlaps(g[:2], p[:2]) for g in gold) for p in predicted)
        precision = matched_pred / span_pred if span_pred else 0.0
        recall = matched_gold / span_gold if span_gold else 0.0
        metrics["sentence_in_documents"] = binary(gold_flags, predicted_flags)
        metrics["span"] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "gold": span_gold,
            "predicted": span_pred,
        }
        metrics["recall_by_type"] = {t: round(per_type_found[t] / per_type[t], 4) for t in sorted(per_type)}
    metrics["seconds_p50"] = round(percentile([i.seconds for i in items], 50), 4)
    return metrics


def evaluate_claims(
    db: EvalStore,
    path: Path,
    fmt: str,
    limit: int | None,
    seed: int,
    threshold: float,
    progress: ProgressCallback | None = None,
) -> EvalRun:
    items = sample(load_detection(path, fmt), limit, seed)
    dataset_hash = file_hash(path)
    run = EvalRun(
        id=_run_id("claims", dataset_hash, fmt, limit, seed, threshold),
        kind="claims",
        dataset=path.name,
        dataset_hash=dataset_hash,
        format=fmt,
        created_at=datetime.now(UTC),
        settings={"threshold": threshold, "limit": limit, "seed": seed, "scorer": bool(load_scorer())},
    )
    run, done = _start(db, run)
    scorer = load_scorer()
    for number, item in enumerate(items, 1):
        if item.id not in done:
            result = _detect_item(item, threshold, scorer)
            db.save_eval_item(run.id, result)
            run.items.append(result)
        if progress:
            progress(number, len(items), item.id)
    return _finish(db, run, detection_metrics(run.items))


def _finish(db: EvalStore, run: EvalRun, metrics: dict) -> EvalRun:
    run = run.model_copy(update={"metrics": metrics, "complete": True})
    db.save_eval_run(run)
    return run


# Verdicts -------------------------------------------------------------------------------------
def claim_for(item: VerdictItem) -> Claim:
    """What the system under test sees: the claim text, its date and speaker. Nothing else of the item."""
    quantities = find_quantities(item.claim)
    claim_type = (
        ClaimType.quote
        if find_quotes(item.claim, 0, len(item.claim), min_words=3)
        else ClaimType.quantity
        if quantities
        else ClaimType.other
    )
    return Claim(
        id=f"eval-{hashlib.sha1(item.claim.encode()).hexdigest()[:10]}",
        document_id="eval-claim",
        span=Span(start=0, end=len(item.claim)),
        text=item.claim,
        sentence=item.claim,
        sentence_span=Span(start=0, end=len(item.claim)),
        type=claim_type,
        checkworthiness=1.0,
        speaker=item.speaker,
        claim_date=item.date,
        quantities=quantities,
        statement=item.claim,
    )


@dataclass
class VerdictPlan:
    """A verdict evaluation before it runs: its items and the evidence corpus written for indexing."""

    items: list[VerdictItem]
    records: list[CorpusRecord]
    corpus: Path  # the evidence corpus as a JSONL file, to index into a throw-away workspace
    home: Path  # that workspace
    record_of: dict[str, str]  # document id -> corpus record id
    dataset: Path
    dataset_hash: str
    fmt: str
    limit: int | None
    seed: int
    retrieval: RetrievalSettings
    left_out: dict[str, int]


def plan_verdicts(
    settings: Settings,
    path: Path,
    fmt: str = "factcheck",
    corpus: Path | None = None,
    limit: int | None = None,
    seed: int = 0,
) -> VerdictPlan:
    """Load the items and write their evidence corpus under the workspace's eval folder."""
    loaded = load_verdicts(path, fmt, corpus)
    items, records = sample(loaded.items, limit, seed), loaded.records
    wanted = {e for item in items for e in item.evidence_ids}
    if fmt == "averitec":  # evidence is pooled from the claims in the run only
        prefixes = tuple(f"{item.id}-" for item in items)
        records = [r for r in records if r.id.startswith(prefixes) or r.id in wanted]
    elif any(item.scope for item in items):  # each claim has its own source: index only those
        scoped = {r for item in items for r in item.scope}
        records = [r for r in records if r.id in scoped]
    if not any(r.text.strip() for r in records):
        raise InputError(
            f"{path}: every evidence record is empty, so there is nothing to judge the claims against"
        )
    dataset_hash = file_hash(path, *([corpus] if corpus else []))
    name = f"{fmt}-{dataset_hash}-{limit}-{seed}"
    corpus_path = _corpus_file(name, records)
    home = settings.home / "eval" / name / "home"
    retrieval = RetrievalSettings(
        k=settings.draft.top_k, per_document=settings.draft.per_document, include_own_article=True
    )
    return VerdictPlan(
        items=items,
        records=records,
        corpus=corpus_path,
        home=home,
        record_of={document_id(f"{corpus_path.resolve()}#{r.id}"): r.id for r in records},
        dataset=path,
        dataset_hash=dataset_hash,
        fmt=fmt,
        limit=limit,
        seed=seed,
        retrieval=retrieval,
        left_out=loaded.left_out,
    )


def _corpus_file(name: str, records: list[CorpusRecord]) -> Path:
    """The evidence corpus as a JSONL file at a path that depends on the dataset only (the model cache), not
    on the workspace: document ids come from the path, and ties in retrieval are cut in id order, so the same
    data gives the same evidence in every workspace."""
    from factcheck.retrieval.minilm import cache_dir

    folder = cache_dir() / "eval-corpora" / name
    target = folder / "corpus.jsonl"
    if target.is_file():
        return target
    text = "\n".join(json.dumps({**r.model_dump(exclude={"date"}), "published": r.date}) for r in records)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"corpus.{os.getpid()}.tmp"
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)  # atomic: two runs writing the same corpus write the same bytes
    except OSError as exc:
        raise InputError(
            f"cannot write the evaluation corpus to {folder} ({exc.strerror or exc}); set FACTCHECK_MODEL_CACHE "
            "to a writable folder"
        ) from None
    return target


COMMITTABLE = [Verdict.supported.value, Verdict.refuted.value, Verdict.partly_supported.value]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def balance_weights(items: list[ItemResult]) -> dict[str, float]:
    """Per gold label, the weight that makes every label present count the same: precision re-weighted to
    balanced labels is what a desk whose claims are not this dataset's mix can expect."""
    counts = Counter(i.gold["verdict"] for i in items)
    return {label: 1.0 / (len(counts) * n) for label, n in counts.items()}


def _balanced(chosen: list[ItemResult], label: str, weights: dict[str, float]) -> float:
    total = sum(weights[i.gold["verdict"]] for i in chosen)
    right = sum(weights[i.gold["verdict"]] for i in chosen if i.gold["verdict"] == label)
    return round(right / total, 4) if total else 0.0


def _lean(item: ItemResult) -> str:
    return item.predicted.get("suggestion") or item.predicted["verdict"]


def commit_metrics(items: list[ItemResult], leans: bool = False) -> dict:
    """Per class: how many verdicts were committed, how many were right (precision, as measured and
    re-weighted to balanced labels) and the share of all claims they cover. A suggestion is not committed;
    with `leans`, the same for every lean a note shows (a suggestion or a committed verdict)."""
    total = len(items)
    weights = balance_weights(items)
    per_class = {}
    for label in COMMITTABLE:
        committed = [i for i in items if (_lean(i) if leans else i.predicted["verdict"]) == label]
        right = sum(i.gold["verdict"] == label for i in committed)
        per_class[label] = {
            "committed": len(committed),
            "correct": right,
            "precision": _share(right, len(committed)),
            "balanced_precision": _balanced(committed, label, weights),
            "coverage": _share(len(committed), total),
        }
    committed_all = sum(v["committed"] for v in per_class.values())
    return {
        "per_class": per_class,
        "coverage": _share(committed_all, total),
        "precision": _share(sum(v["correct"] for v in per_class.values()), committed_all),
    }


def _score(item: ItemResult) -> float:
    """What a threshold would be set on: the verification model's score when the judge has one, else the
    judge's confidence."""
    score = item.predicted.get("score")
    return float(score if score is not None else item.predicted.get("confidence", 0.0))


def precision_coverage(items: list[ItemResult]) -> dict[str, list[dict]]:
    """Per class, what committing every verdict or suggestion of that class at or above each score would give:
    coverage of all claims, precision as measured and with labels balanced. Most confident first; at most 50
    points a class."""
    weights = balance_weights(items)
    curves = {}
    for label in COMMITTABLE:
        scored = sorted(
            (i for i in items if _lean(i) == label),
            key=lambda i: (-_score(i), i.id),
        )
        points = []
        for rank, item in enumerate(scored, 1):
            if rank < len(scored) and _score(scored[rank]) == _score(item):
                continue
            chosen = scored[:rank]
            right = sum(i.gold["verdict"] == label for i in chosen)
            points.append(
                {
                    "threshold": round(_score(item), 4),
                    "n": rank,
                    "coverage": _share(rank, len(items)),
                    "precision": _share(right, rank),
                    "balanced_precision": _balanced(chosen, label, weights),
                }
            )
        step = max(1, len(points) // 50)
        curves[label] = points[::step] + ([points[-1]] if points and (len(points) - 1) % step else [])
    return curves


def unit_stance_metrics(items: list[ItemResult]) -> dict | None:
    """The verification model's reading of single evidence units against the units' gold stance, where the
    dataset labels units (Check-COVID, WiCE, Climate-FEVER): accuracy and macro-F1 over the units shown."""
    pairs = [
        (gold, predicted)
        for item in items
        for record, predicted in item.predicted.get("units", {}).items()
        if (gold := item.gold.get("units", {}).get(record)) is not None
    ]
    if not pairs:
        return None
    labels = ["supports", "refutes", "neither"]
    return classification([g for g, _ in pairs], [p for _, p in pairs], labels)


def _any_gold(items: list[ItemResult], field_name: str) -> float:
    with_gold = [i for i in items if i.gold["evidence_ids"]]
    found = sum(bool(set(i.predicted.get(field_name, [])) & set(i.gold["evidence_ids"])) for i in with_gold)
    return _share(found, len(with_gold))


def verdict_metrics(items: list[ItemResult], prices: tuple[float, float] = (0.0, 0.0)) -> dict:
    gold = [i.gold["verdict"] for i in items]
    predicted = [i.predicted["verdict"] for i in items]
    three = [(g, p) for g, p in zip(gold, predicted, strict=True) if g in THREE_WAY]
    cited = sum(len(i.predicted["cited"]) for i in items if i.gold["evidence_ids"])
    correct_cites = sum(len(set(i.predicted["cited"]) & set(i.gold["evidence_ids"])) for i in items)
    prompt_tokens = sum(i.predicted.get("tokens", {}).get("prompt", 0) for i in items)
    completion_tokens = sum(i.predicted.get("tokens", {}).get("completion", 0) for i in items)
    failed = [i.id for i in items if i.predicted["status"] == "failed"]
    errors = [i.id for i in items if i.predicted["status"] == "error"]
    seconds = [i.seconds for i in items]
    return {
        "verdicts": classification(gold, predicted, VERDICT_CLASSES),
        "three_way": classification(
            [g for g, _ in three],
            [p if p in THREE_WAY else "not_enough_evidence" for _, p in three],
            THREE_WAY,
        ),
        "committed": commit_metrics(items),
        "leans": commit_metrics(items, leans=True),
        "precision_coverage": precision_coverage(items),
        "unit_stance": unit_stance_metrics(items),
        # Recall per claim: a gold passage among ...
        "retrieval_recall": _any_gold(items, "retrieved"),  # ... everything retrieval returned
        "citation_recall": _any_gold(items, "shown"),  # ... the passages the note shows as evidence
        "quote_recall": _any_gold(items, "cited"),  # ... the passages the note quotes
        "quote_precision": _share(correct_cites, cited),  # quoted passages that are gold evidence
        "invented_citations": sum(i.predicted["invented"] for i in items),
        "failed": len(failed),
        "failed_ids": failed,
        "errors": len(errors),
        "seconds_p50": round(percentile(seconds, 50), 4),
        "seconds_p95": round(percentile(seconds, 95), 4),
        "tokens": {"prompt": prompt_tokens, "completion": completion_tokens},
        "estimated_cost": round(prompt_tokens / 1e6 * prices[0] + completion_tokens / 1e6 * prices[1], 4),
    }


def _verdict_run(plan: VerdictPlan, judge: Judge) -> EvalRun:
    """The run record: its id changes with the data, the judge, its prompt, retrieval and the calibration."""
    return EvalRun(
        id=_run_id(
            "verdicts",
            plan.dataset_hash,
            plan.fmt,
            plan.limit,
            plan.seed,
            judge.name,
            judge.model,
            judge.prompt_hash,
            plan.retrieval.as_dict(),
            load_calibration().fingerprint,
        ),
        kind="verdicts",
        dataset=plan.dataset.name,
        dataset_hash=plan.dataset_hash,
        format=plan.fmt,
        created_at=datetime.now(UTC),
        judge=judge.name,
        model=judge.model,
        prompt_hashes={judge.prompt_name: judge.prompt_hash} if judge.prompt_name else {},
        settings={
            "limit": plan.limit,
            "seed": plan.seed,
            "retrieval": plan.retrieval.as_dict(),
            "corpus_records": len(plan.records),
            "left_out": plan.left_out,
        },
    )


class _ItemJudge:
    """Drafts the note of one evaluation item and reads off what is scored (never showing it the labels)."""

    def __init__(self, plan: VerdictPlan, drafter: Drafter) -> None:
        self.drafter, self.record_of = drafter, plan.record_of
        self.document_of = {record: doc for doc, record in plan.record_of.items()}

    def records(self, document_ids: list[str]) -> list[str]:
        return sorted({self.record_of.get(d, d) for d in document_ids})

    def __call__(self, item: VerdictItem) -> ItemResult:
        started = time.perf_counter()
        gold: dict[str, object] = {"verdict": item.verdict.value, "evidence_ids": item.evidence_ids}
        if item.unit_stances:
            gold["units"] = item.unit_stances
        within = {self.document_of[r] for r in item.scope if r in self.document_of} if item.scope else None
        try:
            note = self.drafter.draft(claim_for(item), within=within)
        except InputError as exc:  # one bad item (an empty claim) is reported, the rest are evaluated
            failed = {"verdict": Verdict.not_enough_evidence.value, "status": "error", "failure": str(exc)}
            empty = {"cited": [], "retrieved": [], "shown": [], "invented": 0}
            return ItemResult(id=item.id, gold=gold, correct=False, predicted={**failed, **empty})
        return ItemResult(
            id=item.id,
            seconds=round(time.perf_counter() - started, 4),
            gold=gold,
            predicted=self.predicted(note),
            correct=note.verdict == item.verdict,
        )

    def predicted(self, note: Note) -> dict:
        cited_passages = self.drafter.db.passages_by_id(c.passage_id for c in note.citations)
        return {
            "verdict": note.verdict.value,
            "suggestion": note.suggestion.value if note.suggestion else None,
            "status": note.status.value,
            "failure": note.failure,
            "confidence": note.confidence,
            "basis": note.provenance.basis,
            "findings": note.provenance.findings,
            "score": note.provenance.score,
            "units": {
                self.record_of.get(e.document_id, e.document_id): e.stance.stance.value
                for e in note.evidence
                if e.stance is not None and len(e.sentences) <= 1
            },
            "cited": self.records([c.document_id for c in note.citations]),
            "retrieved": self.records([e.document_id for e in note.evidence]),
            "shown": self.records([e.document_id for e in note.evidence if e.about_claim]),
            "invented": len(ungrounded(note.citations, cited_passages)),
            "tokens": note.provenance.tokens,
        }


def run_verdicts(
    db: EvalStore,
    plan: VerdictPlan,
    drafter: Drafter,
    workers: int = 1,
    prices: tuple[float, float] = (0.0, 0.0),
    progress: ProgressCallback | None = None,
) -> EvalRun:
    """Draft a note for each item against the plan's indexed evidence (`drafter`), storing each result in `db`.
    Items are kept in the dataset's order, whatever order the workers finish in."""
    drafter.judge.refiner = (
        None  # the refinement pass needs the claim's article, which eval items do not have
    )
    run, done = _start(db, _verdict_run(plan, drafter.judge))
    one = _ItemJudge(plan, drafter)
    todo = [item for item in plan.items if item.id not in done]
    finished = len(plan.items) - len(todo)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(one, item) for item in todo]):
            result = future.result()
            db.save_eval_item(run.id, result)
            run.items.append(result)
            finished += 1
            if progress:
                progress(finished, len(plan.items), result.id)
    order = {item.id: n for n, item in enumerate(plan.items)}
    run.items.sort(key=lambda i: order.get(i.id, len(order)))
    return _finish(db, run, verdict_metrics(run.items, prices))


def compare_runs(a: EvalRun, b: EvalRun) -> RunComparison:
    """Metric deltas (b - a) for every number the two runs share, and the items whose outcome flipped."""

    def numbers(run: EvalRun) -> dict[str, float]:
        return {
            k: float(v)
            for k, v in run.flat_metrics().items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        }

    fa, fb = numbers(a), numbers(b)
    deltas = {
        k: MetricDelta(a=fa[k], b=fb[k], delta=round(fb[k] - fa[k], 4)) for k in sorted(fa.keys() & fb.keys())
    }
    before = {i.id: i for i in a.items}
    flipped = [
        {"id": i.id, "a": before[i.id].predicted, "b": i.predicted, "gold": i.gold}
        for i in b.items
        if i.id in before and before[i.id].predicted != i.predicted
    ]
    return RunComparison(a=a.id, b=b.id, deltas=deltas, flipped=flipped)
