"""Draft verification notes: retrieve, check, judge, validate, store. Concurrent, resumable, cached."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
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
    Note,
    NoteStatus,
    ProgressCallback,
    Provenance,
    Verdict,
)
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.retrieval.retriever import Retriever
from factcheck.storage.db import DraftingStores

FINAL_STATUSES = {NoteStatus.approved, NoteStatus.rejected}


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
        db: DraftingStores,
        retriever: Retriever,
        judge: Judge,
        retrieval: RetrievalSettings,
        evidence: EvidenceBuilder | None = None,
    ) -> None:
        self.db, self.retriever, self.judge, self.retrieval = db, retriever, judge, retrieval
        self.evidence = evidence or EvidenceBuilder(None)

    def draft(self, claim: Claim, within: set[str] | None = None) -> Note:
        """One note for one claim; not stored (see `draft_all`). `within` limits evidence to these documents."""
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
        evidence = self.evidence.build(claim, query, hits)
        timer.lap("evidence")
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
                record=judgement.record if grounded else None,
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

        def within_budget(claim: Claim) -> Note | None:
            if spending.exhausted():
                return None
            note = self.draft(claim)
            spending.spend(note)
            return note

        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(within_budget, claim): claim for claim in todo}
            try:
                for done, future in enumerate(as_completed(futures), 1):
                    self._file(futures[future], future, report)
                    if progress:
                        progress(done, len(todo), futures[future].id)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        report.seconds = round(time.perf_counter() - started, 3)
        return report

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
