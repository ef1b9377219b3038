"""Draft verification notes: retrieve, check, judge, validate, store. Concurrent, resumable, cached."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from factcheck.drafting.checks import run_checks
from factcheck.errors import ProviderError, ProviderUnavailable
from factcheck.drafting.judges import Judge
from factcheck.models import Citation, Claim, ClaimType, Note, NoteStatus, Provenance, Verdict
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.workspace import ProgressCallback, Workspace

FINAL_STATUSES = {NoteStatus.approved, NoteStatus.rejected}


class DraftReport(BaseModel):
    drafted: int = 0
    skipped: int = Field(0, description="Claims that already had a note (resume).")
    failed: int = Field(0, description="Notes stored as failed: the answer could not be grounded.")
    errors: list[str] = Field(default_factory=list, description="Claims not drafted because the server failed; re-run to retry.")
    deferred: int = Field(0, description="Claims left for a later run because a request or token budget was reached.")
    notes: list[Note] = Field(default_factory=list)
    seconds: float = 0.0


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
            return (self.max_requests is not None and self.requests >= self.max_requests) or \
                (self.max_tokens is not None and self.tokens >= self.max_tokens)

    def spend(self, note: Note) -> None:
        with self._lock:
            self.requests += note.provenance.attempts
            self.tokens += sum(v for v in note.provenance.tokens.values() if isinstance(v, int))


def note_id(claim_id: str) -> str:
    return "n" + hashlib.sha1(claim_id.encode()).hexdigest()[:11]


def ungrounded(workspace: Workspace, citations: list[Citation]) -> list[str]:
    """Citations that do not resolve to a stored passage with the quote verbatim at its offsets."""
    passages = workspace.db.passages_by_id(c.passage_id for c in citations)
    problems = []
    for citation in citations:
        passage = passages.get(citation.passage_id)
        if passage is None:
            problems.append(f"{citation.passage_id} is not a stored passage")
        elif not (passage.start <= citation.start < citation.end <= passage.end) or \
                passage.text[citation.start - passage.start : citation.end - passage.start] != citation.quote:
            problems.append(f"quote {citation.quote[:40]!r} is not verbatim in {citation.passage_id}")
    return problems


def draft_one(workspace: Workspace, claim: Claim, judge: Judge, retrieval: RetrievalSettings) -> Note:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if judge.refiner is not None:
        claim = judge.refiner(claim, workspace.db.document(claim.document_id))
        workspace.db.save_claim(claim)
        timings["refine"] = round(time.perf_counter() - started, 4)
    query = claim.text if claim.type == ClaimType.quote else claim.statement
    evidence = workspace.retrieve(query, retrieval, own_document=claim.document_id, claim_date=claim.claim_date)
    timings["retrieve"] = round(time.perf_counter() - started, 4)
    mark = time.perf_counter()
    checks, check_citations = run_checks(claim, evidence)
    timings["checks"] = round(time.perf_counter() - mark, 4)
    mark = time.perf_counter()
    judgement = judge.judge(claim, evidence, checks, check_citations)
    timings["judge"] = round(time.perf_counter() - mark, 4)
    failure = judgement.failure
    if not failure and (problems := ungrounded(workspace, judgement.citations)):
        failure = "citation check failed: " + "; ".join(problems)
    flags = []
    outcomes = {c.name: c.outcome for c in checks}
    if outcomes.get("independence") == "same_outlet_only":
        flags.append("only_same_outlet_evidence")
    if outcomes.get("date") == "after_claim":
        flags.append("evidence_after_claim")
    if outcomes.get("date") == "long_before":
        flags.append("evidence_long_before_claim")
    if judge.name == "evidence":
        flags.append("no_llm")
    if failure:
        flags.append("failed")
    return Note(
        id=note_id(claim.id), claim_id=claim.id,
        verdict=judgement.verdict if not failure else Verdict.not_enough_evidence,
        rationale=judgement.rationale if not failure else f"Not grounded: {failure}",
        confidence=judgement.confidence if not failure else 0.0,
        citations=judgement.citations if not failure else [], checks=checks, flags=flags,
        status=NoteStatus.failed if failure else NoteStatus.draft, failure=failure,
        provenance=Provenance(
            judge=judge.name, model=judge.model, prompt_name=judge.prompt_name, prompt_hash=judge.prompt_hash,
            retrieval={**retrieval.as_dict(), "query": query, "evidence": [e.passage.id for e in evidence]},
            timings={**timings, "total": round(time.perf_counter() - started, 4)}, tokens=judgement.tokens,
            attempts=judgement.attempts,
        ),
        created_at=datetime.now(timezone.utc),
    )


def draft_claims(workspace: Workspace, claims: list[Claim], judge: Judge, retrieval: RetrievalSettings,
                 workers: int = 1, redo: bool = False, progress: ProgressCallback | None = None,
                 budget: Budget | None = None) -> DraftReport:
    """Draft a note per claim. Claims with a note are skipped unless `redo` (approved or rejected notes never are)."""
    started = time.perf_counter()
    report = DraftReport()
    todo = []
    for claim in claims:
        existing = workspace.db.note_for_claim(claim.id)
        if existing and (not redo or existing.status in FINAL_STATUSES):
            report.skipped += 1
            report.notes.append(existing)
        else:
            todo.append(claim)
    done = 0
    budget = budget or Budget()

    def within_budget(claim: Claim) -> Note | None:
        if budget.exhausted():
            return None
        note = draft_one(workspace, claim, judge, retrieval)
        budget.spend(note)
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
                else:
                    if note is None:
                        report.deferred += 1
                        continue
                    workspace.db.save_note(note)  # each finished note is kept, whatever happens next
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



def select_claims(workspace: Workspace, claim_ids: list[str], article: str | None, threshold: float) -> list[Claim]:
    """Explicit claim ids; or an article's claims (detected first if needed); or every stored claim.
    Article and all-claims selections keep claims at or above the check-worthiness threshold."""
    if claim_ids:
        return [workspace.db.claim(claim_id) for claim_id in claim_ids]
    if article:
        document = workspace.index_if_path(article)
        claims = workspace.db.claims(document.id) or workspace.extract_claims(document.id)
    else:
        claims = workspace.db.claims()
    return [c for c in claims if c.checkworthiness >= threshold]


def draft(workspace: Workspace, claim_ids: list[str] | None = None, article: str | None = None, *,
          judge_name: str | None = None, workers: int | None = None, redo: bool = False,
          include_own_article: bool = False, threshold: float | None = None,
          progress: ProgressCallback | None = None, budget: Budget | None = None) -> DraftReport:
    """The library entry point behind `factcheck draft`."""
    from factcheck.drafting.backends import open_judge

    settings = workspace.settings
    cutoff = settings.claims.threshold if threshold is None else threshold
    claims = select_claims(workspace, claim_ids or [], article, cutoff)
    retrieval = RetrievalSettings(k=settings.draft.top_k, per_document=settings.draft.per_document,
                                  include_own_article=include_own_article)
    with open_judge(settings, workspace.db, judge_name) as judge:
        return draft_claims(workspace, claims, judge, retrieval, workers or settings.draft.workers, redo, progress, budget)
