"""Draft verification notes: retrieve, check, judge, validate, store. Concurrent, resumable, cached."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime

from factcheck.drafting.checks import check_claim
from factcheck.drafting.evidence import EvidenceBuilder
from factcheck.drafting.grounding import ungrounded
from factcheck.drafting.judges import Judge
from factcheck.errors import NotFoundError, ProviderError, ProviderUnavailable
from factcheck.models import (
    Claim,
    ClaimType,
    DraftReport,
    EvidenceItem,
    Note,
    NoteStatus,
    ProgressCallback,
    Provenance,
    Verdict,
)
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.retrieval.retriever import Retriever
from factcheck.storage.db import Database

FINAL_STATUSES = {NoteStatus.approved, NoteStatus.rejected}
CLAIMS_READ_TOGETHER = 8  # claims a worker whose evidence the stance model reads in one call


@dataclass
class Budget:
    """Per-run limits on LLM requests and tokens, checked before each claim starts (so a run may overshoot
    by at most the claims already in flight); what is left is drafted by the next run."""

    max_requests: int | None = None
    max_tokens: int | None = None
    requests: int = 0
    tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def exhausted(self) -> bool:
        with self._lock:
            return (self.max_requests is not None and self.requests >= self.max_requests) or (
                self.max_tokens is not None and self.tokens >= self.max_tokens
            )

    def spend(self, note: Note) -> None:
        with self._lock:
            self.requests += note.provenance.attempts
            self.tokens += sum(v for v in note.provenance.tokens.values() if isinstance(v, int))


def note_id(claim_id: str) -> str:
    return "n" + hashlib.sha1(claim_id.encode()).hexdigest()[:11]


class Drafter:
    """Drafts notes for claims with one judge, against one database and its retriever."""

    def __init__(
        self,
        db: Database,
        retriever: Retriever,
        judge: Judge,
        retrieval: RetrievalSettings,
        evidence: EvidenceBuilder | None = None,
    ) -> None:
        self.db, self.retriever, self.judge, self.retrieval = db, retriever, judge, retrieval
        self.evidence = evidence or EvidenceBuilder(None)

    def draft(self, claim: Claim, within: set[str] | None = None) -> Note:
        """One note for one claim; not stored (see `draft_all`). `within` limits evidence to these documents."""
        return self._conclude(self._read([self._gather(claim, within)])[0])

    def _gather(self, claim: Claim, within: set[str] | None = None) -> _Gathered:
        """A draft's first half: the claim refined (by an LLM judge that does), its evidence retrieved."""
        judge, retrieval = self.judge, self.retrieval
        timer = _Timer()
        if judge.refiner is not None:
            claim = judge.refiner(claim, self.db.document(claim.document_id))
            self.db.save_claim(claim)
            timer.lap("refine")
        query = claim.text if claim.type == ClaimType.quote else claim.statement
        hits = self.retriever.retrieve(
            query, retrieval, own_document=claim.document_id, claim_date=claim.claim_date, within=within
        )
        timer.lap("retrieve")
        evidence = self.evidence.gather(claim, query, hits)
        timer.lap("evidence")
        return _Gathered(claim, query, evidence, timer)

    def _read(self, drafts: list[_Gathered]) -> list[_Gathered]:
        """The evidence of several drafts read by the stance model in one call (each draft's timings show its
        share of the time)."""
        started = time.perf_counter()
        read = self.evidence.read([(draft.query, draft.evidence) for draft in drafts])
        share = round((time.perf_counter() - started) / max(1, len(drafts)), 4)
        for draft, evidence in zip(drafts, read, strict=True):
            draft.evidence = evidence
            draft.timer.laps["stance"] = share
        return drafts

    def _conclude(self, draft: _Gathered) -> Note:
        """A draft's second half: checks, the judge, the citation rule."""
        claim, query, evidence, timer = draft.claim, draft.query, draft.evidence, draft.timer
        judge, retrieval = self.judge, self.retrieval
        timer.mark = time.perf_counter()
        checks, check_citations = check_claim(claim, evidence)
        timer.lap("checks")
        judgement = judge.judge(claim, evidence, checks, check_citations)
        timer.lap("judge")
        failure = judgement.failure
        passages = self.db.passages_by_id(c.passage_id for c in judgement.citations)
        if not failure and (problems := ungrounded(judgement.citations, passages)):
            failure = "citation check failed: " + "; ".join(problems)
        grounded = not failure
        return Note(
            id=note_id(claim.id),
            claim_id=claim.id,
            verdict=judgement.verdict if grounded else Verdict.not_enough_evidence,
            rationale=judgement.rationale if grounded else f"Not grounded: {failure}",
            confidence=judgement.confidence if grounded else 0.0,
            citations=judgement.citations if grounded else [],
            checks=checks,
            evidence=evidence,
            suggestion=judgement.suggestion if grounded else None,
            flags=note_flags(checks, judge.name, failure),
            status=NoteStatus.draft if grounded else NoteStatus.failed,
            failure=failure,
            provenance=Provenance(
                judge=judge.name,
                model=judge.model,
                prompt_name=judge.prompt_name,
                prompt_hash=judge.prompt_hash,
                retrieval={
                    **retrieval.as_dict(),
                    "query": query,
                    "evidence": [e.passage_id for e in evidence],
                },
                timings=timer.total(),
                tokens=judgement.tokens,
                attempts=judgement.attempts,
                basis=judgement.basis,
                findings=judgement.findings,
                score=judgement.score,
            ),
            created_at=datetime.now(UTC),
        )

    def draft_all(
        self,
        claims: list[Claim],
        workers: int = 1,
        redo: bool = False,
        progress: ProgressCallback | None = None,
        budget: Budget | None = None,
    ) -> DraftReport:
        """Draft and store a note per claim. Claims with a note are skipped unless `redo` (approved or
        rejected notes never are). Each finished note is stored at once: an interrupted run loses nothing."""
        started = time.perf_counter()
        report = DraftReport(claim_texts={c.id: c.text for c in claims})
        todo = []
        for claim in claims:
            existing = self.db.note_for_claim(claim.id)
            if existing and (not redo or existing.status in FINAL_STATUSES):
                report.skipped += 1
                report.notes.append(existing)
            else:
                todo.append(claim)
        spending = budget or Budget()
        limited = spending.max_requests is not None or spending.max_tokens is not None
        # Claims go in batches: gathered side by side, their evidence read by the stance model in one call, then
        # judged side by side. Under a budget a batch is one claim a worker, so the overshoot stays that small.
        size = workers if limited else CLAIMS_READ_TOGETHER * workers
        filed = 0

        def file(claim: Claim, future: Future) -> None:
            nonlocal filed
            self._file(claim, future, report)
            filed += 1
            if progress:
                progress(filed, len(todo), claim.id)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                for begin in range(0, len(todo), size):
                    self._draft_batch(pool, todo[begin : begin + size], spending, file)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _draft_batch(
        self,
        pool: ThreadPoolExecutor,
        batch: list[Claim],
        spending: Budget,
        file: Callable[[Claim, Future], None],
    ) -> None:
        """Draft a batch of claims and file each note as it is done (a claim the budget defers, or whose
        evidence could not be gathered, is filed as such)."""

        def gather(claim: Claim) -> _Gathered | None:
            return None if spending.exhausted() else self._gather(claim)

        def conclude(draft: _Gathered) -> Note:
            note = self._conclude(draft)
            spending.spend(note)
            return note

        gathering = [pool.submit(gather, claim) for claim in batch]
        wait(gathering)
        gathered = [draft for f in gathering if not f.exception() and (draft := f.result()) is not None]
        for claim, gathered_one in zip(batch, gathering, strict=True):
            if gathered_one.exception() or not gathered_one.result():
                file(claim, gathered_one)
        concluding = {pool.submit(conclude, draft): draft.claim for draft in self._read(gathered)}
        for concluded in as_completed(concluding):
            file(concluding[concluded], concluded)

    def _file(self, claim: Claim, future: Future[Note | None], report: DraftReport) -> None:
        """Store one finished draft and count it in the report: drafted, failed, deferred by the budget,
        skipped (a reviewer decided on it meanwhile), removed (its article went meanwhile) or not drafted."""
        try:
            note = future.result()
        except ProviderUnavailable:
            raise
        except ProviderError as exc:
            report.errors.append(f"{claim.id}: {exc}")
            return
        except NotFoundError:  # its article was removed while it was being drafted
            report.removed += 1
            return
        if note is None:
            report.deferred += 1
        elif self.db.save_note(note):
            report.notes.append(note)
            report.drafted += 1
            report.failed += note.status == NoteStatus.failed
        elif not self.db.has_claim(claim.id):  # removed with its article meanwhile
            report.removed += 1
        else:  # a reviewer decided on it meanwhile: theirs stands
            report.skipped += 1
            report.notes.append(self.db.note_for_claim(claim.id) or note)


@dataclass
class _Gathered:
    """A claim on its way to a note: refined, its evidence gathered (read by the stance model later)."""

    claim: Claim
    query: str
    evidence: list[EvidenceItem]
    timer: _Timer


class _Timer:
    """Seconds each step of a draft took, and the total."""

    def __init__(self) -> None:
        self.started = self.mark = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.mark, 4)
        self.mark = now

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": round(time.perf_counter() - self.started, 4)}


_FLAGS = {
    ("independence", "same_outlet_only"): "only_same_outlet_evidence",
    ("independence", "none_about_claim"): "no_evidence_about_claim",
    ("quantity", "changed_since"): "figure_changed_since",
    ("date", "after_claim"): "evidence_after_claim",
    ("date", "long_before"): "evidence_long_before_claim",
}


def note_flags(checks: list, judge: str, failure: str) -> list[str]:
    """The warnings a reviewer must see, from the checks' outcomes, the judge and a failure."""
    flags = [_FLAGS[(c.name, c.outcome)] for c in checks if (c.name, c.outcome) in _FLAGS]
    return flags + (["no_llm"] if judge == "evidence" else []) + (["failed"] if failure else [])
