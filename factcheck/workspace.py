"""The library API: one `Workspace` per workspace folder, with every use case as a method. The CLI (and any
other front end) calls only this, the models, the settings and the errors.

    from factcheck import Workspace
    with Workspace() as ws:
        ws.index(["examples/articles"])
        claims = ws.claims("examples/articles/000_74ff7ea8ffdc7416.txt")
        report = ws.draft([c.id for c in claims if c.checkworthiness >= 0.5])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from factcheck.claims.pipeline import detect_stored
from factcheck.errors import InputError, NotFoundError
from factcheck.models import (
    ArchiveReport,
    ArticleView,
    Claim,
    Document,
    DocumentSummary,
    DraftReport,
    EvalRun,
    Evidence,
    EvidenceItem,
    Export,
    ExportFormatInfo,
    HealthCheck,
    IndexReport,
    Note,
    NoteStatus,
    NoteView,
    Passage,
    PriorCheck,
    ProgressCallback,
    QueueEntry,
    QueueFilter,
    QueueItem,
    Review,
    RunComparison,
    Verdict,
)
from factcheck.retrieval.lexical import LexicalIndex
from factcheck.retrieval.retriever import Retriever
from factcheck.review import actions, export, views
from factcheck.review.team import Team
from factcheck.settings import Settings, load_settings
from factcheck.storage.db import Database
from factcheck.storage.queue import QueueStore

__all__ = ["Workspace", "doctor"]

if TYPE_CHECKING:
    from factcheck.drafting.evidence import EvidenceBuilder
    from factcheck.ingest.references import References
    from factcheck.matching.service import Matching
    from factcheck.retrieval.vectors import VectorStore


class Workspace:
    """All state of one workspace folder: the SQLite database, the Chroma store and the BM25 index."""

    def __init__(self, settings: Settings | None = None, create: bool = True) -> None:
        """Open the workspace under `settings.home`; with `create=False` a missing one is an error."""
        self.settings = settings or load_settings()
        if not create and not self.settings.db_path.is_file():
            raise NotFoundError.no_workspace(self.settings.home)
        self.db = Database(self.settings.db_path)
        self.reviewing = actions.Reviewing(self.db)  # every review use case, over the stores it needs
        self.lines = QueueStore(self.db)  # the review queue at any size: .entries(), .size(), .same_claim()
        self.team = Team(self.db, self.settings.review.signoffs, self.settings.serve.session_hours)
        self._store: VectorStore | None = None
        self._evidence: EvidenceBuilder | None = None
        self.lexical = LexicalIndex(self.db, self.settings.home / "bm25")
        self.retriever = Retriever(self.db, lambda: self.store, self.lexical)
        self._embedder: Callable[[list[str]], object] | None = None
        self._matching: Matching | None = None

    @property
    def references(self) -> References:
        """Documents named the way people name them: ids, id prefixes, paths (indexed first where needed)."""
        from factcheck.ingest.references import References

        return References(self.db, lambda paths, progress: self.index(paths, progress=progress))

    @property
    def store(self) -> VectorStore:
        """The Chroma collection, opened on first use (commands that never search never load Chroma)."""
        if self._store is None:
            from factcheck.retrieval.vectors import VectorStore

            self._store = VectorStore(self.settings)
        return self._store

    @property
    def evidence(self) -> EvidenceBuilder:
        """Builds the evidence a note carries (sentences by offsets, best matches, relevance to the claim, and
        each sentence's stance when the verification model is on)."""
        if self._evidence is None:
            from factcheck.drafting.calibration import load_calibration
            from factcheck.drafting.evidence import EvidenceBuilder
            from factcheck.drafting.verifier import load_stance_model, stance_model_available

            stance = (
                load_stance_model(self.settings.embeddings.threads).stances
                if self.settings.draft.stance and stance_model_available()
                else None
            )
            self._evidence = EvidenceBuilder(
                lambda texts: np.asarray(self.store.function(texts)),
                floor=load_calibration().floor,
                stance=stance,
            )
        return self._evidence

    def close(self) -> None:
        self.retriever.close()
        if self._store is not None:  # Chroma keeps its files open until its client is closed
            self._store.close()
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # index and sources ----------------------------------------------------------------------------
    def index(
        self, paths: Iterable[str | Path], force: bool = False, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Index files, folders and web pages (http/https URLs). Unchanged documents are skipped; changed ones
        replace their passages."""
        from factcheck.ingest.pipeline import Indexer, load_index_models
        from factcheck.ingest.readers import is_url

        with ThreadPoolExecutor(max_workers=1) as beside:  # models load while Chroma is imported and opened
            loaded = beside.submit(load_index_models, self.settings)
            store = self.store
            process = loaded.result()
        report = Indexer(self.settings, self.db, store, process).run(
            [p if isinstance(p, str) and is_url(p) else Path(p) for p in paths],
            force=force,
            progress=progress,
        )
        if report.changed:
            from factcheck.review.staleness import sources_changed

            report.stale = sources_changed(self.db, report.changed)
        return report

    def sources(self, newest: int | None = None) -> list[DocumentSummary]:
        return self.db.documents(newest)

    def document(self, ref: str) -> Document:
        """A document by id, unique id prefix, or the path it was indexed from."""
        return self.references.document(ref)

    def passages(self, ref: str) -> list[Passage]:
        return self.db.passages(self.document(ref).id)

    def remove(self, ref: str, force: bool = False) -> Document:
        """Remove a document, its vectors, its passages and its claims. Refused while approved notes cite it or
        rest on it, unless `force`: then those notes become stale. Review history is never deleted."""
        from factcheck.review.staleness import before_removal

        document = self.document(ref)
        before_removal(self.db, document.id, force)
        self.store.delete_documents([document.id])
        self.db.delete_document(document.id)
        return document

    # search and claims ----------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, exclude_document: str | None = None) -> list[Evidence]:
        """Top passages for a query, as drafting would see them (own-article exclusion aside)."""
        return self.retriever.search(query, k, exclude_document)

    def retrieve(
        self,
        query: str,
        k: int = 6,
        per_document: int = 2,
        own_document: str | None = None,
        claim_date: date | None = None,
    ) -> list[Evidence]:
        """Evidence exactly as drafting retrieves it: dense + BM25 fused, at most `per_document` passages per
        document, the claim's own article left out, and each hit flagged against the claim's date
        ('after_claim', 'long_before_claim') and outlet ('same_outlet')."""
        from factcheck.retrieval.fusion import RetrievalSettings

        settings = RetrievalSettings(k=k, candidates=max(30, 3 * k), per_document=per_document)
        return self.retriever.retrieve(query, settings, own_document=own_document, claim_date=claim_date)

    def search_evidence(self, query: str, claim_id: str | None = None, k: int = 5) -> list[EvidenceItem]:
        """Search results as a note's evidence: split into sentences, the best match to the claim (or the
        query) highlighted, ready to cite by number."""
        claim = self.db.claim(claim_id) if claim_id else Claim.of_query(query)
        hits = self.retriever.search(query, k, exclude_document=claim.document_id or None)
        return self.evidence.build(claim, query, hits, claim.statement)

    def claims(self, ref: str, progress: ProgressCallback | None = None, redo: bool = False) -> list[Claim]:
        """The claim candidates of one article (a path, indexed first if needed, or a document id)."""
        return detect_stored(self.db, [self.references.article(ref, progress).id], redo)[0]

    def claims_of(
        self,
        refs: Iterable[str] = (),
        every_document: bool = False,
        redo: bool = False,
        progress: ProgressCallback | None = None,
    ) -> list[tuple[DocumentSummary, list[Claim]]]:
        """Claims of many documents in one run: files, folders and JSONL archives (indexed first; unchanged
        ones cost nothing), document ids, or with `every_document` every indexed document. Stored claims are
        read back unless the document changed since they were detected (or `redo`)."""
        documents = (
            [d.id for d in self.db.documents()]
            if every_document
            else self.references.document_ids(refs, progress)
        )
        if not documents:
            raise InputError(
                "no indexed documents; run `factcheck index PATH...` first"
                if every_document
                else "no documents given; name files, folders or document ids, or pass --all"
            )
        headers = {d.id: d for d in self.db.documents()}
        ordered = list(dict.fromkeys(documents))
        found = dict(zip(ordered, detect_stored(self.db, ordered, redo, progress), strict=True))
        return [(headers[document_id], found[document_id]) for document_id in ordered]

    def claim(self, claim_id: str) -> Claim:
        return self.db.claim(claim_id)

    # checked before? ------------------------------------------------------------------------------
    def _embed_texts(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors from the workspace's embedding model, without opening Chroma."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if self._embedder is None:
            from factcheck.retrieval.embeddings import embedding_function

            self._embedder = embedding_function(self.settings.embeddings)
        vectors = np.asarray(self._embedder(texts), dtype=np.float32)
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)

    @property
    def _embedding_id(self) -> str:
        from factcheck.retrieval.embeddings import embedding_id

        return embedding_id(self.settings.embeddings)

    @property
    def matching(self) -> Matching:
        """Earlier fact-checks and claim groups (`factcheck.matching.service`)."""
        if self._matching is None:
            from factcheck.matching.service import Matching

            self._matching = Matching(self.db, self.settings, self._embed_texts, self._embedding_id)
        return self._matching

    def import_archive(self, path: str | Path, progress: ProgressCallback | None = None) -> ArchiveReport:
        """Import published fact-checks (ClaimReview JSON-LD, JSONL or TSV) so claims can be matched to them.
        Records already imported unchanged are skipped; a record without a claim is one line of error."""
        return self.matching.import_archive(Path(path), progress)

    def archives(self) -> list[tuple[str, int]]:
        """(origin, checked claims) for each imported archive and for this workspace's approved notes."""
        return self.db.archive_origins()

    def prior_checks(self, claims: list[Claim]) -> dict[str, list[PriorCheck]]:
        """Claim id -> earlier fact-checks of it (imported archives and our own approved notes), strongest
        first; claims with none are left out. Runs offline with the embedded model plus BM25."""
        return self.matching.prior_checks(claims)

    def claim_groups(self, claims: list[Claim] | None = None) -> dict[str, list[str]]:
        """Near-duplicate claims across articles: claim id -> ids of the same claim in other articles."""
        return self.matching.claim_groups(self.db.claims() if claims is None else claims)

    def group_notes(self, note_id: str) -> list[Note]:
        """Draft notes on the near-duplicates (in other articles) of this note's claim."""
        note = self.db.note(note_id)
        twins = self.claim_groups().get(note.claim_id, [])
        notes = [self.db.note_for_claim(claim_id) for claim_id in twins]
        return [n for n in notes if n is not None and n.status == NoteStatus.draft]

    def decide_group(
        self, note_id: str, reviewer: str, action: str, reason: str = ""
    ) -> tuple[list[Note], list[str]]:
        """Apply the decision taken on one note to the draft notes of its near-duplicates: 'approve' (their
        verdict is first set to this note's) or 'reject' (with `reason`). Call it after the person confirmed
        the group. Returns the notes changed and one line per note that refused the change."""
        twins = self.group_notes(note_id)
        return self.reviewing.decide_group(
            note_id, twins, reviewer, action, reason, self.settings.review.signoffs
        )

    # drafting -------------------------------------------------------------------------------------
    def draft(
        self,
        claim_ids: list[str] | None = None,
        article: str | None = None,
        *,
        judge: str | None = None,
        workers: int | None = None,
        redo: bool = False,
        include_own_article: bool = False,
        threshold: float | None = None,
        progress: ProgressCallback | None = None,
        max_requests: int | None = None,
        max_tokens: int | None = None,
    ) -> DraftReport:
        """Draft a note per claim: the given ids; else an article's claims (detected first if needed); else
        every stored claim. Article and all-claims selections keep claims at or above the threshold."""
        from factcheck.drafting.draft import Budget, Drafter
        from factcheck.drafting.registry import open_judge
        from factcheck.retrieval.fusion import RetrievalSettings

        settings = self.settings
        cutoff = settings.claims.threshold if threshold is None else threshold
        if claim_ids:
            claims = [self.db.claim(claim_id) for claim_id in claim_ids]
        else:
            if article:
                document = self.references.article(article)
                claims = self.db.claims(document.id) or self.claims(document.id)
            else:
                claims = self.db.claims()
            claims = [c for c in claims if c.checkworthiness >= cutoff]
        retrieval = RetrievalSettings(
            k=settings.draft.top_k,
            per_document=settings.draft.per_document,
            include_own_article=include_own_article,
        )
        if not claims:
            raise InputError(
                "nothing to draft: no stored claims"
                + (f" at or above check-worthiness {cutoff:.2f}" if self.db.claims() else "")
                + "; run `factcheck claims PATH...` (or `claims --all`) first, or lower --threshold"
            )
        with open_judge(settings, self.db, judge) as chosen:
            report = Drafter(self.db, self.retriever, chosen, retrieval, self.evidence).draft_all(
                claims, workers or settings.draft.workers, redo, progress, Budget(max_requests, max_tokens)
            )
        report.prior_checks = self.prior_checks(claims)
        return report

    # review ---------------------------------------------------------------------------------------
    def queue_filter(
        self,
        article: str | None = None,
        verdict: str | None = None,
        claim_type: str | None = None,
        status: str | None = "draft",
        reviewer: str | None = None,
        assigned: str | None = None,
        me: str = "",
        by_record: bool = False,
    ) -> QueueFilter:
        """A filter from the words a person types ('all' or None: every status; `assigned`: a reviewer's name,
        'mine' or 'unassigned'); `by_record` puts the leans with the strongest record first (triage)."""
        document = self.document(article).id if article else None
        return actions.queue_filter(document, verdict, claim_type, status, reviewer, assigned, me, by_record)

    def queue(self, filters: QueueFilter | None = None) -> list[QueueItem]:
        """Notes matching the filters, most check-worthy claims first."""
        return self.reviewing.queue(filters)

    def queue_ids(self, filters: QueueFilter | None = None) -> list[str]:
        """Ids of the notes matching the filters, in the same order as `queue`; cheap at any size."""
        return self.lines.ids(filters or QueueFilter())

    def queue_counts(self, filters: QueueFilter | None = None) -> dict[NoteStatus, int]:
        """How many notes of each status match the filters other than the status."""
        counts = self.lines.counts(filters or QueueFilter())
        return {status: counts.get(status.value, 0) for status in NoteStatus}

    def queue_entries(
        self,
        filters: QueueFilter | None = None,
        offset: int = 0,
        limit: int | None = None,
        grouped: bool = False,
    ) -> list[QueueEntry]:
        """The queue's lines in the same order as `queue` (a page of it, when given), without loading each
        note's evidence; `grouped`: one line per claim, with how many articles' notes share its words."""
        return self.lines.entries(filters or QueueFilter(), offset, limit, grouped)

    def note(self, note_id: str) -> Note:
        """A note by id or unique id prefix."""
        return self.db.note(note_id)

    def note_view(self, note_id: str) -> NoteView:
        """A note with what a reviewer needs beside it: its claim, article, cited passages, earlier checks."""
        note = self.db.note(note_id)
        return views.note_view(self.db, note, self.retriever.headers, self.prior_checks)

    def history(self, note_id: str) -> list[Review]:
        """Every review action on a note, oldest first."""
        return self.db.reviews(self.db.note(note_id).id)

    # Every review action takes the `version` of the note the reviewer saw, when it is known: a change made
    # meanwhile by someone else refuses the action (ConflictError) and nothing is saved.
    def approve(self, note_id: str, reviewer: str, version: int | None = None, confirm: bool = False) -> Note:
        """Approve the text a note shows (a sign-off until the policy's sign-offs are in); over another reviewer's
        rejection only with `confirm` (else NeedsConfirmation names who and when)."""
        return self.reviewing.approve(note_id, reviewer, version, confirm, self.settings.review.signoffs)

    def reject(
        self, note_id: str, reviewer: str, reason: str, version: int | None = None, confirm: bool = False
    ) -> Note:
        """Reject a note with a reason; over another reviewer's approval only with `confirm`."""
        return self.reviewing.reject(note_id, reviewer, reason, version, confirm)

    def undo(self, note_id: str, reviewer: str, version: int | None = None) -> Note:
        """Undo one's own latest approve, sign-off or reject on a note."""
        return self.reviewing.undo(note_id, reviewer, version)

    def assign(self, note_ids: list[str], assignee: str, reviewer: str) -> list[Note]:
        """Assign notes (an article's, say) to a reviewer; '' unassigns them."""
        return [self.reviewing.assign(note_id, assignee, reviewer) for note_id in note_ids]

    def reviewers(self) -> list[str]:
        """The names work can be assigned to: the accounts, or without any, everyone who has acted on a note."""
        return [a.name for a in self.team.accounts()] or self.db.reviewer_names()

    def comment(self, note_id: str, reviewer: str, text: str) -> Review:
        """A comment on a note, kept in its history."""
        return self.reviewing.comment(note_id, reviewer, text)

    def set_verdict(
        self,
        note_id: str,
        verdict: Verdict | str,
        reviewer: str,
        reason: str = "",
        version: int | None = None,
    ) -> Note:
        return self.reviewing.set_verdict(note_id, verdict, reviewer, reason, version)

    def add_citation(
        self, note_id: str, passage_id: str, quote: str, reviewer: str, version: int | None = None
    ) -> Note:
        return self.reviewing.add_citation(note_id, passage_id, quote, reviewer, version)

    def arrange_citations(
        self, note_id: str, order: list[int], reviewer: str, version: int | None = None
    ) -> Note:
        """Keep the citations numbered in `order`, in that order (a number left out is removed)."""
        return self.reviewing.arrange_citations(note_id, order, reviewer, version)

    def cite_evidence(
        self, note_id: str, rank: int, sentence: int | None, reviewer: str, version: int | None = None
    ) -> Note:
        """Cite evidence [rank] of a note, sentence `sentence` or the one that best matches the claim."""
        return self.reviewing.cite_evidence(note_id, rank, sentence, reviewer, version)

    def cite(
        self, note_id: str, ref: str, reviewer: str, quote: str | None = None, version: int | None = None
    ) -> Note:
        """Cite by reference: "2" (evidence 2's highlighted sentence), "2.3" or "P2.S3" (its sentence 3), or a
        passage id with the words to quote."""
        return self.reviewing.cite_reference(note_id, ref, reviewer, quote, version)

    def edit_public(
        self, note_id: str, claim_reviewed: str, explanation: str, reviewer: str, version: int | None = None
    ) -> Note:
        """Write what gets published for a note: its short claim and public explanation."""
        return self.reviewing.edit_public(note_id, claim_reviewed, explanation, reviewer, version)

    def article_view(self, ref: str) -> ArticleView:
        """An article with every stored claim on it and the note on each claim, if any."""
        document = self.document(ref)
        claims = sorted(self.db.claims(document.id), key=lambda c: c.span.start)
        notes = {note.claim_id: note for note in self.db.notes_on([document.id])}
        return ArticleView(document=document, claims=claims, notes=notes)

    def edit_text(self, note_id: str, reviewer: str = "") -> tuple[str, bool]:
        """The note as editable YAML, or the reviewer's own earlier edit that did not validate (True: kept)."""
        return actions.PendingEdits(self.settings.home).editable(self.db, note_id, reviewer)

    def save_edit(self, note_id: str, text: str, reviewer: str, version: int | None = None) -> Note:
        """Validate and store an edit. An edit that does not validate, or that meets a note someone else
        changed meanwhile, is kept on disk for the next try."""
        return actions.PendingEdits(self.settings.home).save_edit(self.db, note_id, text, reviewer, version)

    def review_position(self, reviewer: str, note_id: str | None = None) -> str | None:
        """Where a reviewer stopped in `factcheck review`; with `note_id`, remember it."""
        if note_id:
            self.db.set_review_position(reviewer, note_id)
        return note_id or self.db.review_position(reviewer)

    # export ---------------------------------------------------------------------------------------
    def export(
        self,
        fmt: str,
        filters: QueueFilter | None = None,
        per_article: bool = False,
        unapproved: bool = False,
    ) -> Export:
        """Notes matching the filters (approved by default) for publishing; stale ones left out with a line each."""
        filters = filters or QueueFilter(status=NoteStatus.approved)
        notes = [item.note for item in self.queue(filters)]
        approved = filters.status == NoteStatus.approved
        stale = self.queue(filters.model_copy(update={"status": NoteStatus.stale})) if approved else []
        left_out = [(i.note.id, self.reviewing.stale_reason(i.note)) for i in stale]
        publisher = self.team.publisher(self.settings.publisher)
        return export.export_notes(self.db, notes, filters, fmt, publisher, per_article, left_out, unapproved)

    @staticmethod
    def export_formats() -> list[ExportFormatInfo]:
        """Every export format, in the order the CLI and the desk list them."""
        return export.format_infos()

    # evaluation -----------------------------------------------------------------------------------
    def evaluate_claims(
        self,
        dataset: Path,
        fmt: str = "factcheck",
        limit: int | None = None,
        seed: int = 0,
        threshold: float | None = None,
        progress: ProgressCallback | None = None,
    ) -> EvalRun:
        """Claim detection against hand labels; the run is stored and resumable."""
        from factcheck.evaluation import runs

        cutoff = self.settings.claims.threshold if threshold is None else threshold
        return runs.evaluate_claims(self.db, dataset, fmt, limit, seed, cutoff, progress)

    def evaluate_verdicts(
        self,
        dataset: Path,
        fmt: str = "factcheck",
        corpus: Path | None = None,
        judge: str | None = None,
        limit: int | None = None,
        seed: int = 0,
        workers: int = 1,
        prices: tuple[float, float] = (0.0, 0.0),
        progress: ProgressCallback | None = None,
    ) -> EvalRun:
        """Verdicts and citations against hand labels, over a throw-away index of the dataset's evidence."""
        from factcheck.drafting.draft import Drafter
        from factcheck.drafting.registry import open_judge
        from factcheck.evaluation import runs

        plan = runs.plan_verdicts(self.settings, dataset, fmt, corpus, limit, seed)
        evidence = Workspace(self.settings.model_copy(update={"home": plan.home}))
        try:
            evidence.index([plan.corpus])
            with open_judge(self.settings, evidence.db, judge) as chosen:
                drafter = Drafter(evidence.db, evidence.retriever, chosen, plan.retrieval, evidence.evidence)
                return runs.run_verdicts(self.db, plan, drafter, workers, prices, progress)
        finally:
            evidence.close()

    def evaluate_matching(
        self, dataset: Path, split: str = "dev", progress: ProgressCallback | None = None
    ) -> EvalRun:
        """Claim matching on CLEF CheckThat! 2020 task 2 (a folder): MAP@k, MRR, the "no earlier check" decision."""
        from factcheck.evaluation.matching import evaluate_matching

        cache = self.settings.home / "eval" / "matching"
        threshold = self.settings.matching.threshold
        return evaluate_matching(
            self.db, Path(dataset), split, self._embed_texts, self._embedding_id, threshold, cache, progress
        )

    def eval_runs(self) -> list[EvalRun]:
        return self.db.eval_runs()

    def eval_run(self, run_id: str) -> EvalRun:
        return self.db.eval_run(run_id)  # type: ignore[return-value]  # None only with missing_ok

    def compare_runs(self, run_a: str, run_b: str) -> RunComparison:
        """Metric deltas (B minus A) and the items whose prediction flipped."""
        from factcheck.evaluation.runs import compare_runs

        return compare_runs(self.eval_run(run_a), self.eval_run(run_b))

    def write_eval_report(self, run: EvalRun, folder: Path) -> Path:
        """A Markdown report (with the confusion matrix as SVG for verdict runs); returns its path."""
        from factcheck.evaluation.reports import markdown

        return markdown(run, folder)


def doctor(settings: Settings) -> list[HealthCheck]:
    """What is configured and whether it works (`factcheck.diagnostics`)."""
    from factcheck.diagnostics import doctor as run

    return run(settings)
