"""Draft verification notes: retrieve, check, judge, validate, store. Concurrent, resumable, cached."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
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
from factcheck.storage.db import Database

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
        judge, retrieval = self.judge, self.retrieval
        timings: dict[str, float] = {}
        started = time.perf_counter()
        if judge.refiner is not None:
            claim = judge.refiner(claim, self.db.document(claim.document_id))
            self.db.save_claim(claim)
            timings["refine"] = round(time.perf_counter() - started, 4)
        query = claim.text if claim.type == ClaimType.quote else claim.statement
        hits = self.retriever.retrieve(
            query, retrieval, own_document=claim.document_id, claim_date=claim.claim_date, within=within
        )
        timings["retrieve"] = round(time.perf_counter() - started, 4)
        mark = time.perf_counter()
        evidence = self.evidence.build(claim, query, hits)
        timings["evidence"] = round(time.perf_counter() - mark, 4)
        mark = time.perf_counter()
        checks, check_citations = check_claim(claim, evidence)
        timings["checks"] = round(time.perf_counter() - mark, 4)
        mark = time.perf_counter()
        judgement = judge.judge(claim, evidence, checks, check_citations)
        timings["judge"] = round(time.perf_counter() - mark, 4)
        failure = judgement.failure
        passages = self.db.passages_by_id(c.passage_id for c in judgement.citations)
        if not failure and (problems := ungrounded(judgement.citations, passages)):
            failure = "citation check failed: " + "; ".join(problems)
        flags = []
        outcomes = {c.name: c.outcome for c in checks}
        if outcomes.get("independence") == "same_outlet_only":
            flags.append("only_same_outlet_evidence")
        if outcomes.get("independence") == "none_about_claim":
            flags.append("no_evidence_about_claim")
        if outcomes.get("quantity") == "changed_since":
            flags.append("figure_changed_since")
        if outcomes.get("date") == "after_claim":
            flags.append("evidence_after_claim")
        if outcomes.get("date") == "long_before":
            flags.append("evidence_long_before_claim")
        if judge.name == "evidence":
            flags.append("no_llm")
        if failure:
            flags.append("failed")
        return Note(
            id=note_id(claim.id),
            claim_id=claim.id,
            verdict=judgement.verdict if not failure else Verdict.not_enough_evidence,
            rationale=judgement.rationale if not failure else f"Not grounded: {failure}",
            confidence=judgement.confidence if not failure else 0.0,
            citations=judgement.citations if not failure else [],
            checks=checks,
            evidence=evidence,
            suggestion=judgement.suggestion if not failure else None,
            flags=flags,
            status=NoteStatus.failed if failure else NoteStatus.draft,
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
                timings={**timings, "total": round(time.perf_counter() - started, 4)},
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
        done = 0
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
                for future in as_completed(futures):
                    claim = futures[future]
                    try:
                        note = future.result()
                    except ProviderUnavailable:
                        raise
                    except ProviderError as exc:
                        report.errors.append(f"{claim.id}: {exc}")
                    except NotFoundError:  # its article was removed while it was being drafted
                        report.removed += 1
                    else:
                        if note is None:
                            report.deferred += 1
                            continue
                        if not self.db.save_note(note):
                            if not self.db.has_claim(claim.id):  # removed with its article meanwhile
                                report.removed += 1
                            else:  # a reviewer decided on it meanwhile: theirs stands
                                report.skipped += 1
                                report.notes.append(self.db.note_for_claim(claim.id) or note)
                        else:
                            report.notes.append(note)
                            report.drafted += 1
                            report.failed += note.status == NoteStatus.failed
                    done += 1
                    if progress:
                        progress(done, len(todo), claim.id)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        report.seconds = round(time.perf_counter() - started, 3)
        return report
