"""The nouns of the trade. Field descriptions double as the JSON schema an LLM sees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Document(_Model):
    id: str = Field(description="Stable id derived from the source path (and record id for JSON records).")
    title: str = Field("", description="Headline, empty when none could be found.")
    url: str = Field("", description="Canonical URL, empty when unknown.")
    outlet: str = Field("", description="Publishing outlet, empty when unknown.")
    published: date | None = Field(None, description="Publication date, when stated in the source.")
    path: str = Field(description="Where the document was read from.")
    content_hash: str = Field(description="SHA-256 of the stored text and metadata.")
    text: str = Field(description="The stored document text; all offsets point into it.")
    body_start: int = Field(
        0, ge=0, description="Offset where the body starts (after title, dateline, teaser)."
    )
    language: str = Field("", description="ISO 639-1 code detected from the body ('' when unknown).")


class Passage(_Model):
    id: str = Field(description="'<document id>:<index>'.")
    document_id: str
    index: int = Field(ge=0)
    start: int = Field(ge=0, description="Start offset into the document text.")
    end: int = Field(ge=0, description="End offset (exclusive) into the document text.")
    text: str = Field(description="Exactly document.text[start:end].")


class ClaimType(StrEnum):
    quantity = "quantity"
    quote = "quote"
    attribution = "attribution"
    event = "event"
    comparison = "comparison"
    causal = "causal"
    prediction = "prediction"
    other = "other"


class Quantity(_Model):
    text: str = Field(description="The quantity as written, e.g. 'about 100,000 Moscow troops'.")
    value: float = Field(description="Numeric value, e.g. 100000.")
    approximation: str = Field(
        "", description="Hedge word as written: 'about', 'more than', 'up to', ... or ''."
    )
    unit: str = Field("", description="Unit or counted noun, e.g. 'troops', 'percent', 'dollars'.")
    start: int = Field(ge=0, description="Offset of the quantity in the document text.")
    end: int = Field(ge=0)


class Span(_Model):
    start: int = Field(ge=0, description="Start offset into the document text.")
    end: int = Field(ge=0, description="End offset (exclusive).")


class Claim(_Model):
    id: str = Field(description="Stable id derived from the document id and the span.")
    document_id: str
    span: Span = Field(description="The checkable core inside the article.")
    text: str = Field(description="Exactly the article text at the span.")
    sentence: str = Field(description="The sentence the span sits in.")
    sentence_span: Span
    type: ClaimType
    checkworthiness: float = Field(ge=0.0, le=1.0, description="How worth checking, 0-1.")
    speaker: str = Field("", description="Who asserts it: a quoted person, or the outlet.")
    channel: str = Field(
        "", description="Where a quote was made or reported (Twitter, TASS, a press conference), if stated."
    )
    claim_date: date | None = Field(None, description="When the claim was made, from the article date.")
    quantities: list[Quantity] = Field(default_factory=list)
    statement: str = Field(description="Self-contained rewrite checkable without the article.")
    statement_source: str = Field("rules", description="'rules' or the LLM that rewrote the statement.")
    anchor: str = Field(
        "exact",
        description="'exact'; 'moved' when its article changed and its words were found elsewhere; 'lost' "
        "when its words are no longer in the article.",
    )

    @classmethod
    def of_query(cls, query: str) -> Claim:
        """A search query in the shape of a claim, so its results can be built into evidence like a claim's."""
        span = Span(start=0, end=len(query))
        return cls(
            id="query",
            document_id="",
            span=span,
            text=query,
            sentence=query,
            sentence_span=span,
            type=ClaimType.other,
            checkworthiness=0.0,
            statement=query,
        )


class Verdict(StrEnum):
    supported = "supported"
    partly_supported = "partly_supported"
    refuted = "refuted"
    not_enough_evidence = "not_enough_evidence"


class IndexReport(_Model):
    new: int = 0
    updated: int = 0
    changed: list[str] = Field(
        default_factory=list, description="Ids of documents whose text or metadata changed."
    )
    stale: list[str] = Field(default_factory=list, description="Notes marked stale because a source changed.")
    skipped: int = 0
    failed: int = 0
    passages: int = 0
    seconds: float = 0.0
    errors: list[str] = Field(
        default_factory=list, description="One line per file that could not be indexed."
    )
    warnings: list[str] = Field(default_factory=list, description="Indexed, but with something to know.")


class DocumentSummary(_Model):
    id: str
    title: str
    url: str
    outlet: str
    published: date | None
    path: str
    passages: int
    indexed_at: datetime
    language: str = ""


class NoteStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    rejected = "rejected"
    failed = "failed"
    stale = "stale"  # a citation no longer resolves to its source: re-check it, then approve again


class EvidenceSource(_Model):
    """Where a piece of evidence comes from and how retrieval ranked it: one spelling for every kind of evidence
    (a retrieval hit, `Evidence`, and the evidence a note keeps, `EvidenceItem`)."""

    title: str = Field("", description="The source document's title.")
    url: str = Field("", description="The source document's address, when it has one.")
    outlet: str = ""
    published: date | None = None
    dense_score: float | None = Field(None, description="Cosine similarity, when the dense search found it.")
    lexical_score: float | None = Field(None, description="BM25 score, when the lexical search found it.")
    score: float = Field(description="Fused rank score (reciprocal rank fusion), higher is better.")
    flags: list[str] = Field(
        default_factory=list, description="e.g. 'after_claim', 'long_before_claim', 'same_outlet'."
    )
    copies: list[str] = Field(
        default_factory=list,
        description="Other outlets that carry a copy of this passage's text: one source, counted once.",
    )


class Evidence(EvidenceSource):
    """A retrieved passage with where it came from and how it ranked."""

    passage: Passage


class Stance(StrEnum):
    """What an evidence unit does to the claim, as the verification model reads it."""

    supports = "supports"
    refutes = "refutes"
    neither = "neither"


class StanceReading(_Model):
    """The verification model's reading of one evidence unit (a sentence or a passage) against the claim."""

    stance: Stance = Field(description="The most probable stance.")
    probability: float = Field(
        ge=0, le=1, description="The model's probability of that stance (not calibrated)."
    )
    supports: float = Field(ge=0, le=1)
    refutes: float = Field(ge=0, le=1)
    neither: float = Field(ge=0, le=1)

    @classmethod
    def of(cls, probabilities: tuple[float, float, float]) -> StanceReading:
        supports, refutes, neither = (round(float(p), 4) for p in probabilities)
        scores = {Stance.supports: supports, Stance.refutes: refutes, Stance.neither: neither}
        stance = max(scores, key=lambda s: scores[s])
        return cls(
            stance=stance, probability=scores[stance], supports=supports, refutes=refutes, neither=neither
        )


class EvidenceSentence(_Model):
    """One sentence of an evidence passage, numbered within the passage for citing by number."""

    number: int = Field(ge=1, description="1-based position in the passage.")
    start: int = Field(ge=0, description="Offset in the document text.")
    end: int = Field(ge=0)
    text: str = Field(description="Exactly the document text at start:end.")
    similarity: float | None = Field(None, description="Cosine similarity to the claim, when computed.")
    stance: StanceReading | None = Field(
        None, description="The verification model's reading against the claim."
    )


class EvidenceItem(EvidenceSource):
    """A passage a note was built on, as the reviewer sees it: ranked, scored, dated, split into sentences."""

    rank: int = Field(ge=1, description="1 = the best passage retrieval found.")
    passage_id: str
    document_id: str
    start: int = Field(ge=0, description="Passage offsets in the document text.")
    end: int = Field(ge=0)
    text: str = Field(description="The passage text when the note was drafted.")
    similarity: float = Field(0.0, description="Best sentence's cosine similarity to the claim.")
    about_claim: bool = Field(
        True, description="Passes the relevance floor (similar enough and sharing a key term with the claim)."
    )
    sentences: list[EvidenceSentence] = Field(default_factory=list)
    best: list[int] = Field(
        default_factory=list, description="Numbers of the sentences that best match the claim."
    )
    stance: StanceReading | None = Field(
        None,
        description="The verification model's reading of the whole passage against the claim: of a one-sentence "
        "passage, or a question and its answer (other passages are read by their sentences).",
    )
    joined_stance: StanceReading | None = Field(
        None,
        description="On the first passage that counts for a verdict only: the model's reading of the claim "
        "against that passage and the next ones that count, joined (up to five): the claim-level reading.",
    )


class CheckResult(_Model):
    name: str = Field(description="'quote', 'quantity', 'date' or 'independence'.")
    outcome: str = Field(
        description="e.g. found_verbatim, found_near, not_found, agree, disagree, not_comparable."
    )
    detail: str = Field(description="One readable sentence saying what was found.")
    passage_ids: list[str] = Field(default_factory=list, description="Passages the outcome rests on.")
    similarity: float | None = Field(None, description="How near a quote match is, 0-100, where relevant.")


class Citation(_Model):
    passage_id: str
    document_id: str
    document_title: str = ""
    document_url: str = ""
    quote: str = Field(description="Verbatim text from the passage.")
    start: int = Field(ge=0, description="Offset of the quote in the document text.")
    end: int = Field(ge=0)


class LeanRecord(_Model):
    """The out-of-sample record of a kind of lean: how often leans like it were right on calibration claims that
    neither trained nor tuned the model."""

    kind: str = Field(description="The kind of lean, e.g. 'model_supports', 'check_agrees'.")
    verdict: Verdict
    claims: int = Field(ge=0, description="Calibration claims on which a lean like this was made.")
    right: int = Field(ge=0, description="Of those, how many had this verdict as their gold label.")
    lower_bound: float = Field(ge=0, le=1, description="One-sided 95% Wilson lower bound of right / claims.")
    balanced: float = Field(
        ge=0, le=1, description="Precision with every gold label of every calibration set weighed the same."
    )

    def sentence(self) -> str:
        return (
            f"leans like this were right in {self.right} of {self.claims} claims kept apart for calibration "
            f"(at least {self.lower_bound:.0%} with 95% confidence; {self.balanced:.0%} with labels balanced)"
        )


class Provenance(_Model):
    judge: str
    model: str = ""
    prompt_name: str = ""
    prompt_hash: str = ""
    retrieval: dict = Field(default_factory=dict)
    timings: dict = Field(default_factory=dict, description="Seconds per stage.")
    tokens: dict = Field(
        default_factory=dict, description="Prompt/completion tokens when the server reports them."
    )
    attempts: int = 0
    basis: str = Field("", description="What the verdict or suggestion rests on: a finding, or the LLM.")
    findings: list[str] = Field(default_factory=list, description="Everything the evidence judge found.")
    score: float | None = Field(
        None,
        description="The verification model's claim-level score for the verdict or suggestion (its highest "
        "probability of that stance over the evidence that counts); commits are decided on calibrated "
        "thresholds of it, never on the score alone.",
    )
    record: LeanRecord | None = Field(
        None, description="The out-of-sample record of the suggestion's kind of lean, shown beside it."
    )


def _cited(entry: dict) -> str:
    source = entry.get("document_title") or entry.get("document_id") or "a source"
    return f"{source}: “{' '.join(str(entry.get('quote', '')).split())}”"


class Review(_Model):
    note_id: str
    reviewer: str
    action: str = Field(description="approve, reject, set_verdict, edit, add_citation.")
    reason: str = ""
    before: dict = Field(default_factory=dict, description="The note's reviewable fields before the action.")
    after: dict = Field(default_factory=dict, description="The same fields after it.")
    at: datetime

    def changes(self) -> list[str]:
        """What the action changed, readably: citations as "source: “quote”", texts whole."""
        lines = []
        for key, after in self.after.items():
            before = self.before.get(key)
            if before == after:
                continue
            if key == "citations":
                old, new = [_cited(c) for c in before or []], [_cited(c) for c in after or []]
                removed, added = [c for c in old if c not in new], [c for c in new if c not in old]
                parts = [f"removed {c}" for c in removed] + [f"added {c}" for c in added]
                lines.append("citations: " + ("; ".join(parts) if parts else "put in a new order"))
            else:
                lines.append(
                    f"{key.replace('_', ' ')}: {before if before not in (None, '') else '(empty)'} → {after}"
                )
        return lines


class Note(_Model):
    id: str
    claim_id: str
    verdict: Verdict
    rationale: str
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[Citation] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    evidence: list[EvidenceItem] = Field(
        default_factory=list, description="The ranked passages it was built on."
    )
    suggestion: Verdict | None = Field(
        None,
        description="A verdict the judge found but could not commit (its calibrated precision is too low).",
    )
    flags: list[str] = Field(default_factory=list, description="Warnings a reviewer must see.")
    status: NoteStatus = NoteStatus.draft
    failure: str = Field("", description="Why the note failed, when status is 'failed'.")
    provenance: Provenance
    created_at: datetime
    version: int = Field(
        1, description="Bumped by every change; a change based on an older version is refused."
    )
    claim_reviewed: str = Field("", description="The short claim as published; written by a reviewer.")
    explanation: str = Field("", description="The public explanation; written or approved by a reviewer.")
    public_by: str = Field(
        "",
        description="Who wrote or approved the public text; empty while it is the machine's draft.",
    )
    assigned_to: str = Field("", description="The reviewer this note is assigned to; empty = unassigned.")
    signoffs: list[str] = Field(
        default_factory=list,
        description="Reviewers who approved the current text, when two sign-offs are needed to publish.",
    )


class CheckedClaim(_Model):
    """A claim somebody already fact-checked: from an imported archive, or a note reviewed in this workspace."""

    id: str = Field(
        description="Stable id: 'note:<note id>' for our own notes, else derived from the record."
    )
    claim: str = Field(description="The claim as the fact-check states it.")
    title: str = Field("", description="Headline of the fact-check, when known.")
    rating: str = Field("", description="The published rating as written ('False', 'Mostly true', ...).")
    publisher: str = Field("", description="Who published the fact-check.")
    published: str = Field("", description="When it was published, as given (ISO date when known).")
    url: str = Field("", description="Where the fact-check is published.")
    origin: str = Field(description="The archive file it was imported from, or 'workspace'.")
    source_id: str = Field("", description="The record's own id in its archive, when it has one.")


class PriorCheck(_Model):
    """An earlier fact-check of (very likely) the same claim."""

    checked: CheckedClaim
    strength: float = Field(description="Similarity, 0-1; shown when at least the matching threshold.")

    def line(self) -> str:
        """'checked before: <claim>, <rating>, <publisher>, <date>, <url>' (empty parts left out)."""
        c = self.checked
        parts = [f'"{c.claim}"', c.rating, c.publisher, c.published, c.url]
        return (
            "checked before: " + ", ".join(part for part in parts if part) + f" (match {self.strength:.2f})"
        )


class ArchiveReport(_Model):
    imported: int = Field(0, description="Checked claims added or updated.")
    unchanged: int = 0
    errors: list[str] = Field(default_factory=list, description="One line per record that could not be read.")


class JudgeName(StrEnum):
    """The judges a note can be drafted by; `factcheck.drafting.registry` maps each to how it is opened."""

    evidence = "evidence"
    llm = "llm"
    local = "local"


class DraftReport(_Model):
    drafted: int = 0
    skipped: int = Field(0, description="Claims that already had a note (resume).")
    failed: int = Field(0, description="Notes stored as failed: the answer could not be grounded.")
    errors: list[str] = Field(
        default_factory=list, description="Claims not drafted because the server failed; re-run to retry."
    )
    deferred: int = Field(
        0, description="Claims left for a later run because a request or token budget was reached."
    )
    removed: int = Field(
        0, description="Claims whose article was removed while the run drafted them: no note was kept."
    )
    notes: list[Note] = Field(default_factory=list)
    claim_texts: dict[str, str] = Field(
        default_factory=dict, description="Claim id -> the claim's words, for display."
    )
    prior_checks: dict[str, list[PriorCheck]] = Field(
        default_factory=dict, description="Claim id -> earlier fact-checks of it, when there are any."
    )
    seconds: float = 0.0


class QueueFilter(_Model):
    """Which notes a review queue, a list or an export holds."""

    article: str | None = Field(None, description="Document id.")
    verdict: Verdict | None = None
    claim_type: ClaimType | None = None
    status: NoteStatus | None = Field(NoteStatus.draft, description="None means every status.")
    reviewer: str | None = Field(None, description="Only notes this reviewer has acted on.")
    assigned: str | None = Field(
        None, description="Only notes assigned to this reviewer; '' means only unassigned notes."
    )
    by_record: bool = Field(
        False,
        description="Triage order: notes whose lean has the strongest out-of-sample record first (its lower "
        "bound), then the most check-worthy.",
    )
    search: str | None = Field(
        None, description="Words found in the claim, the note's public text or the outlet."
    )
    awaiting: bool = Field(False, description="Only notes signed off once and waiting for another approval.")
    lean: Verdict | None = Field(None, description="Only notes whose evidence leans this way.")


class QueueItem(_Model):
    note: Note
    claim: Claim


class QueueEntry(_Model):
    """One line of a review queue: enough to list and order notes without loading their evidence."""

    note_id: str
    claim_id: str
    document_id: str
    status: NoteStatus
    verdict: Verdict
    suggestion: Verdict | None = None
    record_lower_bound: float | None = Field(
        None, description="The lower bound of the lean's out-of-sample record, when it has one."
    )
    confidence: float
    version: int
    claim_text: str
    claim_type: ClaimType
    checkworthiness: float
    assigned_to: str = ""
    last_reviewer: str = Field("", description="Who took the last decision on the note (empty: nobody yet).")
    last_action: str = Field("", description="That decision: approve, reject, signoff or undo.")
    last_at: datetime | None = None
    signoffs: int = Field(0, description="Sign-offs given so far.")
    copies: int = Field(1, description="Notes on the same claim in other articles, this one included.")


class NoteView(_Model):
    """Everything a reviewer sees of one note: the note, its claim, its article, the passages it cites."""

    note: Note
    claim: Claim
    document: DocumentSummary
    passages: dict[str, Passage] = Field(default_factory=dict, description="Cited passages by id.")
    cited_documents: dict[str, DocumentSummary] = Field(
        default_factory=dict, description="Cited documents by id."
    )
    stale_reason: str = Field("", description="Why the note is stale, when it is.")
    public_claim: str = Field("", description="The short claim as it would be published.")
    public_explanation: str = Field("", description="The explanation as it would be published.")
    prior_checks: list[PriorCheck] = Field(
        default_factory=list, description="Earlier fact-checks of the same claim, strongest first."
    )


class ArticleView(_Model):
    """An article as a desk sees it: its text, every stored claim on it, and the note on each claim."""

    document: Document
    claims: list[Claim] = Field(default_factory=list, description="By position in the article.")
    notes: dict[str, Note] = Field(default_factory=dict, description="Claim id -> its note, when drafted.")


class HealthCheck(_Model):
    name: str
    ok: bool
    detail: str


class ItemResult(_Model):
    id: str
    gold: dict
    predicted: dict
    correct: bool | None = None
    seconds: float = 0.0


class EvalRun(_Model):
    id: str
    kind: str = Field(description="'claims' or 'verdicts'.")
    dataset: str
    dataset_hash: str
    format: str
    created_at: datetime
    settings: dict = Field(default_factory=dict)
    judge: str = ""
    model: str = ""
    prompt_hashes: dict = Field(default_factory=dict)
    metrics: dict = Field(default_factory=dict)
    items: list[ItemResult] = Field(default_factory=list)
    complete: bool = False

    def flat_metrics(self, skip: tuple[str, ...] = ()) -> dict[str, object]:
        """Nested metrics as 'a.b.c' -> value, leaving out keys in `skip`."""
        return _flatten(self.metrics, "", skip)


def _flatten(data: dict, prefix: str, skip: tuple[str, ...]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in data.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}.", skip))
        else:
            out[f"{prefix}{key}"] = value
    return out


class MetricDelta(_Model):
    a: float
    b: float
    delta: float


class RunComparison(_Model):
    a: str
    b: str
    deltas: dict[str, MetricDelta]
    flipped: list[dict] = Field(description="Items whose prediction differs: id, a, b, gold.")


ProgressCallback = Callable[[int, int, str], None]
"""How long work reports progress: (done, total, label of the current item)."""


class ExportFormatInfo(_Model):
    """An export format as the CLI, the desk and the docs list it."""

    name: str
    suffix: str = Field(description="Suffix of the file written (notes.<suffix>).")
    media_type: str
    description: str


class Export(_Model):
    """Rendered notes ready to write: file name -> content."""

    files: dict[str, str]
    media_type: str = Field("text/plain; charset=utf-8", description="The format's media type.")
    notes: int = Field(description="How many notes the files hold.")
    withheld: list[str] = Field(default_factory=list, description="One line per note left out, and why.")


class Role(StrEnum):
    """What an account may do on the desk and in the review commands: reviewers set verdicts, cite, comment
    and give a first sign-off; editors also publish, reject, assign, draft and export; admins also manage
    accounts, sources and the policy."""

    reviewer = "reviewer"
    editor = "editor"
    admin = "admin"


class Account(_Model):
    """A person who signs in to the desk (the password is kept only as an Argon2 hash, never here)."""

    name: str
    role: Role
    created_at: datetime


class Policy(_Model):
    """The workspace's sign-off policy, the same for the desk and the command line."""

    signoffs: int = Field(1, ge=1, le=3, description="Approvals a note needs, by different accounts.")
    publish_roles: list[Role] = Field(
        default_factory=lambda: [Role.editor, Role.admin],
        description="Roles whose approval publishes a note (others give sign-offs).",
    )
    publisher_name: str = Field("", description="The organisation named as author of exported ClaimReviews.")
    publisher_url: str = Field("", description="Where the fact-checks are published (http or https).")
