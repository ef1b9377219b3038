"""The library API: one `Workspace` per workspace folder, with every use case as a method. The CLI (and any
other front end) calls only this, the models, the settings and the errors.

    from factcheck import Workspace
    with Workspace() as ws:
        ws.index(["examples/articles"])
        claims = ws.claims("examples/articles/000_74ff7ea8ffdc7416.txt")
        report = ws.draft([c.id for c in claims if c.checkworthiness >= 0.5])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from factcheck.errors import ConfigError, ConflictError, FactcheckError, InputError, NotFoundError
from factcheck.models import (
    ArchiveReport,
    ArticleView,
    CheckedClaim,
    Claim,
    ClaimType,
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
    Span,
    Verdict,
)
from factcheck.retrieval.lexical import LexicalIndex
from factcheck.retrieval.retriever import Retriever
from factcheck.safety import mask_credentials
from factcheck.settings import Settings, load_settings
from factcheck.storage.db import Database

if TYPE_CHECKING:
    from factcheck.drafting.evidence import EvidenceBuilder
    from factcheck.matching.matcher import ClaimMatcher
    from factcheck.retrieval.embed_process import EmbeddingProcess
    from factcheck.retrieval.vectors import VectorStore


class Workspace:
    """All state of one workspace folder: the SQLite database, the Chroma store and the BM25 index."""

    def __init__(self, settings: Settings | None = None, create: bool = True) -> None:
        """Open the workspace under `settings.home`; with `create=False` a missing one is an error (read-only
        commands never leave an empty workspace behind)."""
        self.settings = settings or load_settings()
        if not create and not self.settings.db_path.is_file():
            raise NotFoundError(
                f"no factcheck workspace in {self.settings.home} or a parent folder; run `factcheck index "
                "PATH...` to create one here, or point --home / FACTCHECK_HOME at an existing one"
            )
        self.db = Database(self.settings.db_path)
        self._store: VectorStore | None = None
        self._evidence: EvidenceBuilder | None = None
        self.lexical = LexicalIndex(self.db, self.settings.home / "bm25")
        self.retriever = Retriever(self.db, lambda: self.store, self.lexical)
        self._embedder: Callable[[list[str]], object] | None = None
        self._matcher: tuple[int, list[CheckedClaim], ClaimMatcher] | None = None

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
        from factcheck.ingest.pipeline import Indexer
        from factcheck.ingest.readers import is_url

        with ThreadPoolExecutor(max_workers=1) as beside:  # models load while Chroma is imported and opened
            loaded = beside.submit(self._load_index_models)
            store = self.store
            process = loaded.result()
        report = Indexer(self.settings, self.db, store, process).run(
            [p if isinstance(p, str) and is_url(p) else Path(p) for p in paths],
            force=force,
            progress=progress,
        )
        if report.changed:
            report.stale = self._sources_changed(report.changed)
        return report

    def _load_index_models(self) -> EmbeddingProcess | None:
        """Load what indexing needs; where the settings say so, the embedded model in a child process (one
        per process, kept for later index calls), which is returned."""
        from factcheck.retrieval.embeddings import load_embedded_model
        from factcheck.text.language import load_identifier

        load_identifier()
        embeddings = self.settings.embeddings
        if embeddings.backend != "minilm" or not embeddings.separate_process:
            load_embedded_model(embeddings)
            return None
        from factcheck.retrieval.embed_process import shared_embedding_process

        return shared_embedding_process(embeddings.threads, embeddings.runtime)

    def _sources_changed(self, document_ids: list[str], removed: bool = False) -> list[str]:
        """After documents changed (or before they are removed): claims on them are re-anchored, and every
        note citing them or resting on them is checked again; one that no longer holds becomes stale."""
        from factcheck.claims.detect import reanchor
        from factcheck.review import actions

        lost: set[str] = set()
        for document_id in [] if removed else document_ids:
            text = self.db.document(document_id).text
            for claim in self.db.claims(document_id):
                moved = reanchor(claim, text)
                if moved != claim:
                    self.db.save_claim(moved)
                if moved.anchor == "lost":
                    lost.add(claim.id)
        notes = {n.id: n for n in self.db.notes_citing(document_ids) + self.db.notes_on(document_ids)}
        on_removed = {n.id for n in self.db.notes_on(document_ids)} if removed else set()
        stale = []
        for note in notes.values():
            if note.status not in (NoteStatus.draft, NoteStatus.approved):
                continue
            if note.id in on_removed:
                reason = "its article was removed from the workspace"
            elif removed:
                reason = f"a cited source was removed from the workspace ({', '.join(document_ids)})"
            elif note.claim_id in lost:
                reason = "the words of its claim are no longer in its article"
            elif problems := actions.citation_problems(self.db, note):
                reason = f"a cited source changed: {problems[0]}"
            else:
                continue
            actions.mark_stale(self.db, note, reason)
            stale.append(note.id)
        return stale

    def sources(self) -> list[DocumentSummary]:
        return self.db.documents()

    def document(self, ref: str) -> Document:
        """A document by id, unique id prefix, or the path it was indexed from."""
        candidates = self.db.find_documents(ref)
        if not candidates and Path(ref).exists():
            candidates = self.db.find_documents(str(Path(ref)))
            if not candidates:
                from factcheck.ingest.readers import document_id

                candidates = [c for c in [document_id(str(Path(ref).resolve()))] if self.db.has_document(c)]
        if len(candidates) > 1:
            raise InputError(
                f"{ref!r} matches {len(candidates)} documents ({', '.join(candidates[:5])}); give a longer id"
            )
        if not candidates:
            raise NotFoundError(
                f"no indexed document {ref!r}; run `factcheck sources list` to see ids, "
                "or `factcheck index PATH`"
            )
        return self.db.document(candidates[0])

    def passages(self, ref: str) -> list[Passage]:
        return self.db.passages(self.document(ref).id)

    def remove(self, ref: str, force: bool = False) -> Document:
        """Remove a document, its vectors, its passages and its claims. Refused while approved notes cite it or
        rest on it, unless `force`: then those notes become stale. Review history is never deleted."""
        document = self.document(ref)
        depending = {
            n.id
            for n in self.db.notes_citing([document.id]) + self.db.notes_on([document.id])
            if n.status == NoteStatus.approved
        }
        if depending and not force:
            raise InputError(
                f"{len(depending)} approved note(s) depend on {document.id} ({', '.join(sorted(depending)[:3])}"
                f"{', ...' if len(depending) > 3 else ''}); pass --force to remove it anyway (they become "
                "stale and stay out of exports until re-approved)"
            )
        self._sources_changed([document.id], removed=True)
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
        claim = self.db.claim(claim_id) if claim_id else None
        hits = self.retriever.search(query, k, exclude_document=claim.document_id if claim else None)
        subject = claim or Claim(
            id="query",
            document_id="",
            span=Span(start=0, end=len(query)),
            text=query,
            sentence=query,
            sentence_span=Span(start=0, end=len(query)),
            type=ClaimType.other,
            checkworthiness=0.0,
            statement=query,
        )
        return self.evidence.build(subject, query, hits)

    def claims(self, ref: str, progress: ProgressCallback | None = None, redo: bool = False) -> list[Claim]:
        """The claim candidates of one article (a path, indexed first if needed, or a document id)."""
        return self._detect(self._article(ref, progress), redo)

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
            [d.id for d in self.db.documents()] if every_document else self._documents_at(refs, progress)
        )
        if not documents:
            raise InputError(
                "no indexed documents; run `factcheck index PATH...` first"
                if every_document
                else "no documents given; name files, folders or document ids, or pass --all"
            )
        headers = {d.id: d for d in self.db.documents()}
        ordered = list(dict.fromkeys(documents))
        found = dict(zip(ordered, self._detect_many(ordered, redo, progress), strict=True))
        return [(headers[document_id], found[document_id]) for document_id in ordered]

    def _detect(self, document: Document, redo: bool = False) -> list[Claim]:
        return self._detect_many([document.id], redo)[0]

    def _detect_many(
        self, document_ids: list[str], redo: bool = False, progress: ProgressCallback | None = None
    ) -> list[list[Claim]]:
        """Stored claims where the document and the detector are unchanged; the others are detected in
        batches of 64 documents, the rules of one batch running while the scorer embeds the previous one."""
        from factcheck.claims.scoring import detector_version

        detector = detector_version()
        out: dict[str, list[Claim]] = {}
        todo: list[str] = []
        for document_id in document_ids:
            stored = self.db.claims_detected_on(document_id)
            if not redo and stored is not None and stored == (self.db.document_hash(document_id), detector):
                out[document_id] = sorted(
                    self.db.claims(document_id), key=lambda c: (c.span.start, c.span.end)
                )
            else:
                todo.append(document_id)

        def batches() -> Iterator[list[Document]]:
            for begin in range(0, len(todo), 64):
                documents = [self.db.document(document_id) for document_id in todo[begin : begin + 64]]
                for document in documents:
                    if document.language not in ("", "en"):
                        # The number, date and speaker rules read English ("3,9 Prozent" is not 3 and 9).
                        out[document.id] = []
                        self.db.save_claims(document.id, [], (document.content_hash, detector))
                english = [d for d in documents if d.language in ("", "en")]
                if english:
                    yield english

        if todo:
            from factcheck.claims.detect import detect_claims_batches
            from factcheck.claims.scoring import load_scorer

            sent: list[list[Document]] = []  # batches handed to the pipeline, not yet answered

            def handed() -> Iterator[list[Document]]:
                for documents in batches():
                    sent.append(documents)
                    yield documents

            done = 0
            for detected in detect_claims_batches(handed(), load_scorer()):
                for document, claims in zip(sent.pop(0), detected, strict=True):
                    known = {(c.span.start, c.span.end): c.id for c in self.db.claims(document.id)}
                    claims = [
                        c.model_copy(update={"id": known.get((c.span.start, c.span.end), c.id)})
                        for c in claims
                    ]
                    self.db.save_claims(document.id, claims, (document.content_hash, detector))
                    out[document.id] = claims
                    done += 1
                if progress:
                    progress(done, len(todo), "claims detected")
        return [out[document_id] for document_id in document_ids]

    def claim(self, claim_id: str) -> Claim:
        return self.db.claim(claim_id)

    def _documents_at(self, refs: Iterable[str], progress: ProgressCallback | None = None) -> list[str]:
        """Document ids for paths (files, folders, JSONL archives: indexed first) and document ids."""
        from factcheck.ingest.readers import discover

        refs = list(refs)
        paths = [Path(ref) for ref in refs if Path(ref).exists()]
        if paths:
            report = self.index(paths, progress=progress)
            if report.failed and not report.new + report.updated + report.skipped:
                raise InputError(report.errors[0])
        ids: list[str] = []
        for ref in refs:
            path = Path(ref)
            if path.exists():
                files, _ = discover([path])
                for file in files:
                    ids += self._ids_at(file)
            else:
                ids.append(self._document_id(ref))
        return ids

    def _ids_at(self, path: Path) -> list[str]:
        """Ids of the documents read from one file, whichever spelling of its path it was indexed under."""
        ids = self.db.find_documents(str(path))
        if not ids:
            from factcheck.ingest.readers import document_id

            absolute = document_id(str(path.resolve()))
            ids = (
                [absolute] if self.db.has_document(absolute) else self.db.find_documents(str(path.resolve()))
            )
        return ids

    def _document_id(self, ref: str) -> str:
        if Path(ref).suffix and not self.db.find_documents(ref):
            raise InputError(
                f"{ref}: no such file or directory; give a path to an article or an indexed document id"
            )
        return self.document(ref).id

    def _article(self, ref: str, progress: ProgressCallback | None = None) -> Document:
        """An article given as an id or a path; a path is indexed first (unchanged files cost nothing)."""
        path = Path(ref)
        if path.is_file():
            report = self.index([path], progress=progress)
            if report.failed:
                raise InputError(report.errors[0])
            ids = self._ids_at(path)
            if not ids:
                raise InputError(f"{path}: indexed, but holds no document with text; check the file")
            if len(ids) > 1:
                raise InputError(
                    f"{path} holds {len(ids)} records; give one document id ({', '.join(ids[:3])}, ...)"
                )
            return self.db.document(ids[0])
        return self.db.document(self._document_id(ref))

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

    def _statement_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of claim statements, from the workspace's cache where the same text was embedded before."""
        import hashlib

        keys = [hashlib.sha256(text.encode()).hexdigest()[:32] for text in texts]
        known = self.db.statement_vectors(sorted(set(keys)), self._embedding_id)
        missing = sorted({(key, text) for key, text in zip(keys, texts, strict=True) if key not in known})
        if missing:
            fresh = self._embed_texts([text for _, text in missing])
            made = {key: vector for (key, _), vector in zip(missing, fresh, strict=True)}
            self.db.save_statement_vectors(made, self._embedding_id)
            known.update(made)
        return np.stack([known[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    @property
    def _embedding_id(self) -> str:
        from factcheck.retrieval.embeddings import embedding_id

        return embedding_id(self.settings.embeddings)

    def import_archive(self, path: str | Path, progress: ProgressCallback | None = None) -> ArchiveReport:
        """Import published fact-checks (ClaimReview JSON-LD, JSONL or TSV) so claims can be matched to them.
        Records already imported unchanged are skipped; a record without a claim is one line of error."""
        from factcheck.matching.archive import read_archive

        reading = read_archive(Path(path), self.settings.matching.max_archive_mb)
        stored = self.db.checked_claim_records(self._embedding_id)
        fresh = {c.id: c for c in reading.claims if stored.get(c.id) != c.model_dump_json()}
        todo = list(fresh.values())
        batch = 256
        for begin in range(0, len(todo), batch):
            part = todo[begin : begin + batch]
            claim_vectors = self._embed_texts([c.claim for c in part])
            title_vectors = self._embed_texts([c.title or c.claim for c in part])
            self.db.save_checked_claims(part, claim_vectors, title_vectors, self._embedding_id)
            if progress:
                progress(begin + len(part), len(todo), part[-1].claim)
        return ArchiveReport(
            imported=len(todo), unchanged=len(reading.claims) - len(todo), errors=reading.errors
        )

    def archives(self) -> list[tuple[str, int]]:
        """(origin, checked claims) for each imported archive and for this workspace's approved notes."""
        return self.db.archive_origins()

    def _sync_own_checks(self) -> None:
        """Approved notes become checked claims of origin 'workspace' (one per note version); ones no longer
        approved, or changed since, leave. Only new approvals are read and embedded."""
        current = {f"note:{note_id}@{version}": note_id for note_id, version in self.db.approved_versions()}
        stored = {c.id for c in self.db.checked_claims_of("workspace")}
        self.db.delete_checked_claims(sorted(stored - current.keys()))
        new = []
        for key in sorted(current.keys() - stored):
            note = self.db.note(current[key])
            claim = self.db.claim(note.claim_id)
            new.append(
                CheckedClaim(
                    id=key,
                    claim=note.claim_reviewed or claim.statement,
                    title=claim.text,
                    rating=note.verdict.value.replace("_", " "),
                    publisher=self.settings.publisher.name or "this workspace",
                    published=str(self.db.document(claim.document_id).published or ""),
                    origin="workspace",
                    source_id=claim.id,
                )
            )
        if new:
            self.db.save_checked_claims(
                new,
                self._embed_texts([c.claim for c in new]),
                self._embed_texts([c.title or c.claim for c in new]),
                self._embedding_id,
            )

    def _claim_matcher(self) -> tuple[list[CheckedClaim], ClaimMatcher]:
        from factcheck.matching.matcher import ClaimMatcher

        self._sync_own_checks()
        revision = self.db.archive_revision()
        if self._matcher is None or self._matcher[0] != revision:
            checked, claim_vectors, title_vectors = self.db.checked_claims(self._embedding_id)
            matcher = ClaimMatcher([f"{c.claim} {c.title}" for c in checked], claim_vectors, title_vectors)
            self._matcher = (revision, checked, matcher)
        return self._matcher[1], self._matcher[2]

    def prior_checks(self, claims: list[Claim]) -> dict[str, list[PriorCheck]]:
        """Claim id -> earlier fact-checks of it (imported archives and our own approved notes), strongest
        first; claims with none are left out. Runs offline with the embedded model plus BM25."""
        from factcheck.text.social import clean_post

        approved = self.db.queue_counts(QueueFilter(status=None)).get(NoteStatus.approved.value, 0)
        if not claims or not self.db.archive_origins() and not approved:
            return {}
        checked, matcher = self._claim_matcher()
        if not matcher.size:
            return {}
        texts = [clean_post(c.statement or c.text) for c in claims]
        vectors = self._statement_vectors(texts)
        threshold, shown = self.settings.matching.threshold, self.settings.matching.shown
        found: dict[str, list[PriorCheck]] = {}
        for claim, text, vector in zip(claims, texts, vectors, strict=True):
            own = np.array([c.origin == "workspace" and c.source_id == claim.id for c in checked])
            matches = [
                PriorCheck(checked=checked[r.row], strength=round(max(0.0, min(1.0, r.strength)), 3))
                for r in matcher.rank(text, vector, k=shown, exclude=own)
                if r.strength >= threshold
            ]
            if matches:
                found[claim.id] = sorted(matches, key=lambda m: -m.strength)
        return found

    def claim_groups(self, claims: list[Claim] | None = None) -> dict[str, list[str]]:
        """Near-duplicate claims across articles: claim id -> ids of the same claim in other articles
        (statement similarity at least `matching.group_threshold`). Claims without a twin are left out."""
        claims = self.db.claims() if claims is None else claims
        if len(claims) < 2:
            return {}
        from factcheck.text.social import clean_post

        vectors = self._statement_vectors([clean_post(c.statement or c.text) for c in claims])
        threshold = self.settings.matching.group_threshold
        parent = list(range(len(claims)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        block = 1024  # rows compared at a time: memory stays flat however many claims are stored
        for begin in range(0, len(claims), block):
            similar = vectors[begin : begin + block] @ vectors.T
            for row, j in zip(*np.nonzero(similar >= threshold), strict=True):
                i = begin + int(row)
                if i < j and claims[i].document_id != claims[j].document_id:
                    parent[root(i)] = root(int(j))
        members: dict[int, list[int]] = {}
        for i in range(len(claims)):
            members.setdefault(root(i), []).append(i)
        groups: dict[str, list[str]] = {}
        for rows in members.values():
            if len({claims[r].document_id for r in rows}) > 1:
                for r in rows:
                    groups[claims[r].id] = [claims[o].id for o in rows if o != r]
        return groups

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
        source = self.db.note(note_id)
        done, refused = [], []
        for twin in self.group_notes(source.id):
            why = f"same claim as note {source.id}" + (f": {reason}" if reason else "")
            try:
                if action == "reject":
                    done.append(self.reject(twin.id, reviewer, why, twin.version))
                    continue
                if twin.verdict != source.verdict:
                    twin = self.set_verdict(twin.id, source.verdict, reviewer, why, twin.version)
                done.append(self.approve(twin.id, reviewer, twin.version))
            except FactcheckError as exc:
                refused.append(f"{twin.id}: {exc}")
        return done, refused

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
                document = self._article(article)
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
    ) -> QueueFilter:
        """A filter from the words a person types; 'all' (or None) as the status means every status;
        `assigned` is a reviewer's name, 'mine' (`me`'s notes) or 'unassigned'."""
        if assigned == "mine" and not me.strip():
            raise InputError("'mine' needs your name: pass --reviewer NAME or set FACTCHECK_REVIEWER")
        chosen = {"mine": me.strip(), "unassigned": ""}.get(
            assigned or "", assigned.strip() if assigned else None
        )
        try:
            return QueueFilter(
                article=self.document(article).id if article else None,
                verdict=Verdict(verdict) if verdict else None,
                claim_type=ClaimType(claim_type) if claim_type else None,
                status=NoteStatus(status) if status and status != "all" else None,
                reviewer=reviewer.strip() or None if reviewer else None,
                assigned=chosen,
            )
        except ValueError as exc:
            raise InputError(
                f"{exc}; verdicts: {', '.join(v.value for v in Verdict)}; statuses: "
                f"{', '.join(s.value for s in NoteStatus)}, all; types: "
                f"{', '.join(t.value for t in ClaimType)}"
            ) from None

    def queue(self, filters: QueueFilter | None = None) -> list[QueueItem]:
        """Notes matching the filters, most check-worthy claims first."""
        from factcheck.review.actions import queue

        return queue(self.db, filters)

    def queue_ids(self, filters: QueueFilter | None = None) -> list[str]:
        """Ids of the notes matching the filters, in the same order as `queue`; cheap at any size."""
        return self.db.queue_ids(filters or QueueFilter())

    def queue_counts(self, filters: QueueFilter | None = None) -> dict[NoteStatus, int]:
        """How many notes of each status match the filters other than the status."""
        counts = self.db.queue_counts(filters or QueueFilter())
        return {status: counts.get(status.value, 0) for status in NoteStatus}

    def queue_entries(
        self, filters: QueueFilter | None = None, offset: int = 0, limit: int | None = None
    ) -> list[QueueEntry]:
        """The queue's lines in the same order as `queue` (a slice of it, when given), without loading each
        note's evidence."""
        ids = self.queue_ids(filters)
        return self.db.queue_entries(ids[offset : None if limit is None else offset + limit])

    def note(self, note_id: str) -> Note:
        """A note by id or unique id prefix."""
        return self.db.note(note_id)

    def note_view(self, note_id: str) -> NoteView:
        """A note with what a reviewer needs beside it: its claim, article and cited passages."""
        note = self.db.note(note_id)
        claim = self.db.claim(note.claim_id)
        headers = self.retriever.headers()
        cited = self.db.passages_by_id(c.passage_id for c in note.citations)
        if claim.document_id not in headers or any(c.document_id not in headers for c in note.citations):
            headers = self.retriever.headers(refresh=True)
        stale = ""
        if note.status == NoteStatus.stale:
            from factcheck.review.actions import stale_reason

            stale = stale_reason(self.db, note)
        from factcheck.review.public import public_explanation, short_claim

        return NoteView(
            prior_checks=self.prior_checks([claim]).get(claim.id, []),
            stale_reason=stale,
            public_claim=short_claim(note, claim),
            public_explanation=public_explanation(note),
            note=note,
            claim=claim,
            document=headers[claim.document_id],
            passages=cited,
            cited_documents={
                c.document_id: headers[c.document_id] for c in note.citations if c.document_id in headers
            },
        )

    def history(self, note_id: str) -> list[Review]:
        """Every review action on a note, oldest first."""
        return self.db.reviews(self.db.note(note_id).id)

    # Every review action takes the `version` of the note the reviewer saw, when it is known: a change made
    # meanwhile by someone else refuses the action (ConflictError) and nothing is saved.
    def approve(self, note_id: str, reviewer: str, version: int | None = None, confirm: bool = False) -> Note:
        """Approve the text a note shows. Over another reviewer's rejection only with `confirm` (else
        NeedsConfirmation names who and when); with FACTCHECK_REVIEW__SIGNOFFS=2 a second reviewer publishes."""
        from factcheck.review import actions

        return actions.approve(self.db, note_id, reviewer, version, confirm, self.settings.review.signoffs)

    def reject(
        self, note_id: str, reviewer: str, reason: str, version: int | None = None, confirm: bool = False
    ) -> Note:
        """Reject a note with a reason; over another reviewer's approval only with `confirm`."""
        from factcheck.review import actions

        return actions.reject(self.db, note_id, reviewer, reason, version, confirm)

    def undo(self, note_id: str, reviewer: str, version: int | None = None) -> Note:
        """Undo one's own latest approve, sign-off or reject on a note."""
        from factcheck.review import actions

        return actions.undo(self.db, note_id, reviewer, version)

    def assign(self, note_ids: list[str], assignee: str, reviewer: str) -> list[Note]:
        """Assign notes (an article's, say) to a reviewer; '' unassigns them."""
        from factcheck.review import actions

        return [actions.assign(self.db, note_id, assignee, reviewer) for note_id in note_ids]

    def reviewers(self) -> list[str]:
        """Everyone who has acted on a note here: the names work can be assigned to."""
        return self.db.reviewer_names()

    def comment(self, note_id: str, reviewer: str, text: str) -> Review:
        """A comment on a note, kept in its history."""
        from factcheck.review import actions

        return actions.comment(self.db, note_id, reviewer, text)

    def set_verdict(
        self,
        note_id: str,
        verdict: Verdict | str,
        reviewer: str,
        reason: str = "",
        version: int | None = None,
    ) -> Note:
        from factcheck.review import actions

        try:
            value = Verdict(verdict)
        except ValueError:
            raise InputError(
                f"unknown verdict {verdict!r}; use one of {', '.join(v.value for v in Verdict)}"
            ) from None
        return actions.set_verdict(self.db, note_id, value, reviewer, reason, version)

    def add_citation(
        self, note_id: str, passage_id: str, quote: str, reviewer: str, version: int | None = None
    ) -> Note:
        from factcheck.review import actions

        return actions.add_citation(self.db, note_id, passage_id, quote, reviewer, version)

    def cite_evidence(
        self, note_id: str, rank: int, sentence: int | None, reviewer: str, version: int | None = None
    ) -> Note:
        """Cite evidence [rank] of a note, sentence `sentence` or the one that best matches the claim."""
        from factcheck.review import actions

        return actions.cite_evidence(self.db, note_id, rank, sentence, reviewer, version)

    def cite(
        self, note_id: str, ref: str, reviewer: str, quote: str | None = None, version: int | None = None
    ) -> Note:
        """Cite by reference: "2" (evidence 2's highlighted sentence), "2.3" or "P2.S3" (its sentence 3), or a
        passage id with the words to quote."""
        from factcheck.review import actions

        return actions.cite_reference(self.db, note_id, ref, reviewer, quote, version)

    def edit_public(
        self, note_id: str, claim_reviewed: str, explanation: str, reviewer: str, version: int | None = None
    ) -> Note:
        """Write what gets published for a note: its short claim and public explanation."""
        from factcheck.review import actions

        return actions.edit_public(self.db, note_id, claim_reviewed, explanation, reviewer, version)

    def article_view(self, ref: str) -> ArticleView:
        """An article with every stored claim on it and the note on each claim, if any."""
        document = self.document(ref)
        claims = sorted(self.db.claims(document.id), key=lambda c: c.span.start)
        notes = {
            item.claim.id: item.note for item in self.queue(QueueFilter(article=document.id, status=None))
        }
        return ArticleView(document=document, claims=claims, notes=notes)

    def edit_text(self, note_id: str) -> tuple[str, bool]:
        """The note as editable YAML, and whether it is an earlier edit that did not validate (kept)."""
        from factcheck.review import actions

        note = self.db.note(note_id)
        pending = actions.PendingEdits(self.settings.home).load(note.id)
        if pending is not None:
            return pending, True
        return actions.edit_text(note, self.db.claim(note.claim_id)), False

    def save_edit(self, note_id: str, text: str, reviewer: str, version: int | None = None) -> Note:
        """Validate and store an edit. An edit that does not validate, or that meets a note someone else
        changed meanwhile, is kept on disk for the next try."""
        from factcheck.review import actions

        pending = actions.PendingEdits(self.settings.home)
        note = self.db.note(note_id)
        try:
            updated = actions.apply_edit(self.db, note.id, text, reviewer, version)
        except InputError as exc:
            path = pending.save(note.id, text)
            kind = ConflictError if isinstance(exc, ConflictError) else InputError
            raise kind(f"edit not saved: {exc}. Your text is kept in {path} for the next edit") from None
        pending.clear(note.id)
        return updated

    def review_position(self, reviewer: str) -> str | None:
        return self.db.review_position(reviewer)

    def set_review_position(self, reviewer: str, note_id: str) -> None:
        self.db.set_review_position(reviewer, note_id)

    # export ---------------------------------------------------------------------------------------
    def export(self, fmt: str, filters: QueueFilter | None = None, per_article: bool = False) -> Export:
        """Notes matching the filters (approved ones by default) rendered for publishing."""
        from factcheck.review import export

        filters = filters or QueueFilter(status=NoteStatus.approved)
        items, withheld = export.gather(self.db, [item.note for item in self.queue(filters)])
        if filters.status == NoteStatus.approved:
            stale = self.queue(filters.model_copy(update={"status": NoteStatus.stale}))
            withheld += [
                f"note {i.note.id} left out: it is stale ({self.note_view(i.note.id).stale_reason}); "
                "re-check and approve it again in review"
                for i in stale
            ]
        if not items:
            status = filters.status.value if filters.status else "matching"
            reason = f" ({len(withheld)} left out: {withheld[0]})" if withheld else ""
            raise InputError(
                f"no {status} notes to export{reason}; approve some first (`factcheck review`) "
                "or pass --status all"
            )
        files = export.render(items, fmt, self.settings.publisher, per_article)
        media_type = export.EXPORT_FORMATS[fmt].media_type
        return Export(files=files, notes=len(items), withheld=withheld, media_type=media_type)

    @staticmethod
    def export_formats() -> list[ExportFormatInfo]:
        """Every export format, in the order the CLI and the desk list them."""
        from factcheck.review.export import EXPORT_FORMATS

        return [
            ExportFormatInfo(name=f.name, suffix=f.suffix, media_type=f.media_type, description=f.description)
            for f in EXPORT_FORMATS.values()
        ]

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
        """Claim matching on CLEF CheckThat! 2020 task 2 (a folder): MAP@k, MRR and the "no earlier check"
        decision at the matching threshold. Archive vectors are cached under the workspace's eval folder."""
        from factcheck.evaluation.matching import evaluate_matching

        return evaluate_matching(
            self.db,
            Path(dataset),
            split,
            self._embed_texts,
            self._embedding_id,
            self.settings.matching.threshold,
            cache=self.settings.home / "eval" / "matching",
            progress=progress,
        )

    def eval_runs(self) -> list[EvalRun]:
        return self.db.eval_runs()

    def eval_run(self, run_id: str) -> EvalRun:
        run = self.db.eval_run(run_id)
        assert run is not None  # eval_run raises NotFoundError unless missing_ok
        return run

    def compare_runs(self, run_a: str, run_b: str) -> RunComparison:
        """Metric deltas (B minus A) and the items whose prediction flipped."""
        from factcheck.evaluation.runs import compare_runs

        return compare_runs(self.eval_run(run_a), self.eval_run(run_b))

    def write_eval_report(self, run: EvalRun, folder: Path) -> Path:
        """A Markdown report (with the confusion matrix as SVG for verdict runs); returns its path."""
        from factcheck.evaluation.reports import markdown

        return markdown(run, folder)


def doctor(settings: Settings) -> list[HealthCheck]:
    """What is configured and whether it works. Each check runs even when an earlier one failed."""
    from factcheck.claims.scoring import load_scorer
    from factcheck.drafting.registry import JUDGES, active_judge

    checks = [HealthCheck(name="workspace", ok=True, detail=str(settings.home.resolve()))]
    if settings.db_path.is_file():
        checks.append(_database_check(settings))
    sources = settings.sources
    where = "; ".join(f"{name} from {source}" for name, source in sorted(sources.items())) or "all defaults"
    checks.append(HealthCheck(name="settings", ok=True, detail=where))
    if settings.embeddings.backend == "minilm":
        try:
            from factcheck.retrieval.minilm import load_minilm, model_files

            model = load_minilm(settings.embeddings.threads, settings.embeddings.runtime)
            checks.append(
                HealthCheck(
                    name="embeddings",
                    ok=True,
                    detail=f"embedded all-MiniLM-L6-v2 int8 ONNX, hashes verified ({model_files()[0]}); "
                    f"{model.runtime} runtime",
                )
            )
        except FactcheckError as exc:
            checks.append(HealthCheck(name="embeddings", ok=False, detail=str(exc)))
    else:
        key = "set" if settings.embeddings.api_key else "from OPENAI_API_KEY if set"
        checks.append(
            HealthCheck(
                name="embeddings",
                ok=True,
                detail=f"openai model {settings.embeddings.model} at "
                f"{settings.embeddings.base_url or 'api.openai.com'} (key {key})",
            )
        )
    try:
        with Workspace(settings) as workspace:
            count = workspace.store.count()
            where = settings.store.url or str(settings.chroma_path)
            checks.append(
                HealthCheck(
                    name="store",
                    ok=True,
                    detail=f"Chroma at {where}: {count} passages, {len(workspace.sources())} documents",
                )
            )
    except FactcheckError as exc:
        checks.append(HealthCheck(name="store", ok=False, detail=str(exc)))
    try:
        judge = active_judge(None, settings)
        checks.append(HealthCheck(name="judge", ok=True, detail=JUDGES[judge].describe(settings)))
    except ConfigError as exc:
        checks.append(HealthCheck(name="judge", ok=False, detail=str(exc)))
    scorer = "learned scorer + rules" if load_scorer() else "rules only (no weights file)"
    checks.append(HealthCheck(name="check-worthiness", ok=True, detail=scorer))
    return [check.model_copy(update={"detail": mask_credentials(check.detail)}) for check in checks]


def _database_check(settings: Settings) -> HealthCheck:
    """SQLite's integrity check of the workspace database."""
    try:
        database = Database(settings.db_path)
    except FactcheckError as exc:
        return HealthCheck(name="database", ok=False, detail=str(exc))
    try:
        problems = database.integrity()
    finally:
        database.close()
    if problems:
        return HealthCheck(
            name="database",
            ok=False,
            detail=f"{settings.db_path} is damaged: {'; '.join(problems[:3])}; restore it from a backup, or "
            "move it away and index the articles again",
        )
    return HealthCheck(name="database", ok=True, detail=f"{settings.db_path}: integrity check ok")
