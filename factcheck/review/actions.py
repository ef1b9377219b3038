"""Reviewing notes: the queue, the actions an editor takes, and an append-only history of each."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import yaml

from factcheck.drafting.grounding import carries_content, cite, resolve_quote, ungrounded
from factcheck.errors import ConflictError, InputError, NeedsConfirmation
from factcheck.models import (
    Citation,
    Claim,
    ClaimType,
    Note,
    NoteStatus,
    QueueFilter,
    QueueItem,
    Review,
    Verdict,
)
from factcheck.review.public import SHORT_CLAIM, public_explanation, short_claim
from factcheck.review.team import SYSTEM, recorded_name, team_of
from factcheck.safety import MAX_PUBLIC_TEXT, one_line, person_key, public_text
from factcheck.storage.db import ReviewStores
from factcheck.text.sentences import sentence_spans

REVIEWABLE = (
    "verdict",
    "confidence",
    "rationale",
    "citations",
    "status",
    "claim_reviewed",
    "explanation",
    "public_by",
    "assigned_to",
    "signoffs",
)
DECISIONS = ("approve", "reject", "signoff")  # what an author may undo


def queue_filter(
    document: str | None,
    verdict: str | None,
    claim_type: str | None,
    status: str | None,
    reviewer: str | None,
    assigned: str | None,
    me: str,
    by_record: bool = False,
) -> QueueFilter:
    """A queue filter from the words a person types (see `Workspace.queue_filter`)."""
    if assigned == "mine" and not me.strip():
        raise InputError("'mine' needs your name: pass --reviewer NAME or set FACTCHECK_REVIEWER")
    chosen = {"mine": me.strip(), "unassigned": ""}.get(
        assigned or "", assigned.strip() if assigned else None
    )
    try:
        return QueueFilter(
            article=document,
            verdict=Verdict(verdict) if verdict else None,
            claim_type=ClaimType(claim_type) if claim_type else None,
            status=NoteStatus(status) if status and status != "all" else None,
            reviewer=reviewer.strip() or None if reviewer else None,
            assigned=chosen,
            by_record=by_record,
        )
    except ValueError as exc:
        raise InputError(
            f"{exc}; verdicts: {', '.join(v.value for v in Verdict)}; statuses: "
            f"{', '.join(s.value for s in NoteStatus)}, all; types: {', '.join(t.value for t in ClaimType)}"
        ) from None


def _snapshot(note: Note) -> dict:
    return note.model_dump(mode="json", include=set(REVIEWABLE))


SYSTEM_REVIEWER = SYSTEM  # the name under which the tool itself logs what it changed
MAX_REVIEWER = 60
MAX_REASON = 2000


def reviewer_name(reviewer: str) -> str:
    """The reviewer's name as recorded: one printable line. A name with control characters (a newline that
    would forge a line of history, an escape sequence) or over 60 characters is refused, not altered."""
    name = unicodedata.normalize("NFKC", one_line(reviewer))
    if not name:
        raise InputError("no reviewer name: pass --reviewer NAME or set FACTCHECK_REVIEWER")
    if not reviewer.strip().isprintable() or len(name) > MAX_REVIEWER:
        raise InputError(
            f"a reviewer name is one line of at most {MAX_REVIEWER} printable characters; "
            f"got {one_line(reviewer, 40)!r}: pass a plain name with --reviewer"
        )
    return name


PUBLISHED = ("verdict", "citations", "claim_reviewed", "explanation")  # what an approval approves
BACK_TO_REVIEW = "the approved text changed, so the note is back in review"


def _against_the_lean(note: Note) -> None:
    """Refuse to publish a verdict other than the one the evidence leans to unless the caller confirmed it."""
    if note.suggestion is None or note.suggestion == note.verdict:
        return
    published, lean = (v.value.replace("_", " ") for v in (note.verdict, note.suggestion))
    raise NeedsConfirmation(
        f"note {note.id} would be published as '{published}' while its evidence leans '{lean}'; set the verdict "
        f"to '{lean}' first if you agree with the lean",
        question=f"publish it as '{published}'?",
        refused=f"nothing changed: not approved as '{published}' (pass --yes to approve it as it is)",
    )


def whole_sentence(passage_text: str, start: int, end: int) -> bool:
    """Whether passage_text[start:end] is a whole sentence, or a whole clause of one (bounded by the sentence's
    ends or by , ; : —): a quote cut mid-clause can make a source say what it did not."""
    quote = passage_text[start:end].strip(" \"“”'")
    for a, b in sentence_spans(passage_text):
        if a <= start and end <= b:
            sentence = passage_text[a:b]
            before = passage_text[a:start].rstrip(" \"“”'")
            after = passage_text[end:b].lstrip(" \"“”'")
            starts = not before or before[-1] in ",;:—"
            ends = not after or after[0] in ",;:—.!?" or after.rstrip(".!?") == ""
            return bool(quote) and (
                quote.rstrip(".!?") == sentence.strip().rstrip(".!?") or (starts and ends)
            )
    return False


def _citing(note: Note, citation: Citation) -> list[Citation]:
    """The note's citations with one more, refused when it is already cited (the same words of the same
    document, whichever passage they came through)."""
    for number, cited in enumerate(note.citations, 1):
        if (
            cited.document_id == citation.document_id
            and cited.start <= citation.start
            and citation.end <= cited.end
        ):
            raise InputError(
                f"note {note.id} already cites those words (citation {number}); nothing was added"
            )
    return [*note.citations, citation]


def _public_fields(claim_reviewed: str, explanation: str) -> tuple[str, str]:
    """The short claim and explanation as they may be published: no control characters or sequences, no bidi
    controls, single spaces, each within its length."""
    short, public = public_text(claim_reviewed), public_text(explanation)
    if len(short) > SHORT_CLAIM:
        raise InputError(
            f"the short claim has {len(short)} characters; keep it to {SHORT_CLAIM} so readers see all of it"
        )
    if len(public) > MAX_PUBLIC_TEXT:
        raise InputError(
            f"the explanation has {len(public):,} characters; keep it to {MAX_PUBLIC_TEXT:,}, a paragraph or two"
        )
    return short, public


# Editing in $EDITOR: a readable YAML document, parsed back and validated -------------------------
def edit_text(note: Note, claim: Claim) -> str:
    header = "\n".join(
        f"# {line}"
        for line in (
            f"Note {note.id} for claim {claim.id} ({claim.type.value}, said by {claim.speaker or 'unknown'})",
            f"Claim: {claim.text}",
            "Edit below. Lines starting with # are ignored. verdict: supported | partly_supported |"
            " refuted | not_enough_evidence",
            "Each citation quotes its passage word for word; passage ids come from `factcheck search`.",
            "claim_reviewed and explanation are what gets published (the rationale never is).",
        )
    )
    body = {
        "verdict": note.verdict.value,
        "confidence": note.confidence,
        "rationale": note.rationale,
        "citations": [{"passage": c.passage_id, "quote": c.quote} for c in note.citations],
        "claim_reviewed": short_claim(note, claim),
        "explanation": public_explanation(note),
    }
    return header + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


PARTIAL_QUOTE = (
    "partial_quote"  # a citation quotes part of a clause: a reader may not see what the source said
)


class Reviewing:
    """Every review use case over the stores it needs: the queue, the decisions (approve, sign off, reject, undo),
    assignments and comments, verdicts, citations and the published text, each logged in the note's history.
    The façade builds one per workspace."""

    def __init__(self, db: ReviewStores) -> None:
        self.db = db

    def queue(self, filters: QueueFilter | None = None) -> list[QueueItem]:
        """Notes matching the filters, most check-worthy claims first."""
        filters = filters or QueueFilter()
        notes = self.db.notes(filters.status.value if filters.status else None)
        if filters.reviewer:
            acted_on = self.db.reviewed_by(filters.reviewer)
            notes = [n for n in notes if n.id in acted_on]
        claims = self.db.claims_by_id(n.claim_id for n in notes)
        items = []
        for note in notes:
            claim = claims.get(note.claim_id)
            if claim is None:
                continue
            if filters.article and claim.document_id != filters.article:
                continue
            if filters.verdict and note.verdict != filters.verdict:
                continue
            if filters.claim_type and claim.type != filters.claim_type:
                continue
            if filters.assigned is not None and note.assigned_to != filters.assigned:
                continue
            items.append(QueueItem(note=note, claim=claim))

        def record_of(item: QueueItem) -> float:
            record = item.note.provenance.record if filters.by_record else None
            return record.lower_bound if record else -1.0

        return sorted(
            items,
            key=lambda item: (
                -record_of(item),
                -item.claim.checkworthiness,
                item.claim.document_id,
                item.claim.span.start,
            ),
        )

    def _record(self, before: Note, after: Note, reviewer: str, action: str, reason: str = "") -> Note:
        """Log the action and store the note, both only if the note is still at the version `before` was read at.
        An approval binds the published text: a change to an approved note's verdict, citations or public text
        sends it back to review (draft), and the log says so."""
        changed = any(getattr(before, name) != getattr(after, name) for name in PUBLISHED)
        if changed and action not in DECISIONS:
            after = after.model_copy(update={"signoffs": []})  # a sign-off approves a text, not a note
            if before.status == NoteStatus.approved and after.status == NoteStatus.approved:
                after = after.model_copy(update={"status": NoteStatus.draft})
                reason = f"{reason}; {BACK_TO_REVIEW}" if reason else BACK_TO_REVIEW
        review = Review(
            note_id=before.id,
            reviewer=reviewer_name(recorded_name(self.db, reviewer, action)),
            action=action,
            reason=one_line(reason, MAX_REASON),
            before=_snapshot(before),
            after=_snapshot(after),
            at=datetime.now(UTC),
        )
        return self.db.record_review(review, after.model_copy(update={"version": before.version}))

    def _opened(self, note_id: str, version: int | None) -> Note:
        """The note as the reviewer opened it: with `version` given, a change is stored only if the note is still
        at that version (someone else's change meanwhile refuses it, see `ReviewStores.record_review`)."""
        note = self.db.note(note_id)
        return note if version is None else note.model_copy(update={"version": version})

    def citation_problems(self, note: Note) -> list[str]:
        """What is wrong with the note's citations against the stored passages now (empty: all resolve)."""
        return ungrounded(note.citations, self.db.passages_by_id(c.passage_id for c in note.citations))

    def last_decision(self, note_id: str) -> Review | None:
        """The latest approve, sign-off or reject on a note that was not undone."""
        undone = 0
        for review in reversed(self.db.reviews(note_id)):
            if review.action == "undo":
                undone += 1
            elif review.action in DECISIONS:
                if undone:
                    undone -= 1
                    continue
                return review
        return None

    def _overriding(self, note: Note, name: str, status: NoteStatus, verb: str) -> None:
        """Refuse to override another reviewer's decision unless the caller confirmed it."""
        last = self.last_decision(note.id)
        if note.status == status and last is not None and person_key(last.reviewer) != person_key(name):
            why = f" ({last.reason})" if last.reason else ""
            raise NeedsConfirmation(
                f"note {note.id} was {status.value} by {last.reviewer} at {last.at:%Y-%m-%d %H:%M} UTC{why}; "
                f"{verb} it anyway only if you mean to override that decision"
            )

    def approve(
        self,
        note_id: str,
        reviewer: str,
        version: int | None = None,
        confirm: bool = False,
        signoffs: int = 1,
    ) -> Note:
        """Approve the note's text as shown. Over another reviewer's rejection only when `confirm`ed; with
        `signoffs` 2 the first approval is a sign-off and a second, different reviewer publishes it."""
        note = self._opened(note_id, version)
        if note.status == NoteStatus.failed:
            raise InputError(
                f"note {note.id} failed ({note.failure[:80]}); edit it so its citations are grounded, "
                "or reject it"
            )
        if problems := self.citation_problems(note):
            raise InputError(
                f"note {note.id} cannot be approved: {problems[0]}; its source changed. Cite the current "
                "text (c) or edit the note, then approve"
            )
        name = reviewer_name(recorded_name(self.db, reviewer, "signoff"))
        if note.status == NoteStatus.approved:
            return note  # approving what is approved changes nothing (and logs nothing)
        if not confirm:
            self._overriding(note, name, NoteStatus.rejected, "approve")
            _against_the_lean(note)
        claim = self.db.claim(note.claim_id)
        # What was shown is what is approved: a suggested public text is written into the note, so an export
        # never publishes words composed after the approval.
        text = {
            "claim_reviewed": short_claim(note, claim),
            "explanation": public_explanation(note),
            "public_by": note.public_by or name,
        }
        team = team_of(self.db)
        needed = max(signoffs, team.policy().signoffs)
        given = [*note.signoffs, name]
        if signed := next((s for s in note.signoffs if person_key(s) == person_key(name)), None):
            looks = f" ('{name}' reads as '{signed}')" if signed != name else ""
            raise InputError(
                f"you already approved note {note.id}{looks}; it needs {needed} different reviewers"
                + ("" if team.may(name, "publish") else ", the last of them an editor")
                + ": ask a colleague to approve it too"
            )
        publishes = team.may(name, "publish")
        if len(given) < needed or not publishes:
            waiting = (
                f"{len(given)} of {needed} sign-offs" if len(given) < needed else f"{len(given)} sign-offs"
            )
            waiting += "" if publishes else "; an editor publishes it"
            updated = note.model_copy(update={**text, "signoffs": given})
            return self._record(note, updated, name, "signoff", waiting)
        updated = note.model_copy(update={**text, "signoffs": given, "status": NoteStatus.approved})
        return self._record(note, updated, name, "approve")

    def undo(self, note_id: str, reviewer: str, version: int | None = None) -> Note:
        """Undo the latest approve, sign-off or reject on a note, by its author, when nothing changed since."""
        note = self._opened(note_id, version)
        name = reviewer_name(reviewer)
        changes = [r for r in self.db.reviews(note.id) if r.action != "comment"]
        last = changes[-1] if changes else None
        if last is None or last.action not in DECISIONS:
            done = f"the last change was {last.action} by {last.reviewer}" if last else "nothing was decided"
            raise InputError(f"nothing to undo on note {note.id}: {done}")
        if person_key(last.reviewer) != person_key(name):
            raise InputError(f"only {last.reviewer} can undo their {last.action} of note {note.id}")
        fields = ("status", "claim_reviewed", "explanation", "public_by", "signoffs")
        restored = Note.model_validate(
            {**note.model_dump(), **{k: last.before[k] for k in fields if k in last.before}}
        )
        return self._record(note, restored, reviewer, "undo", f"undid the {last.action} of {last.at:%H:%M}")

    def assign(self, note_id: str, assignee: str, reviewer: str, version: int | None = None) -> Note:
        """Assign a note to a reviewer ('' unassigns it)."""
        note = self._opened(note_id, version)
        team = team_of(self.db)
        name = (
            ""
            if not assignee.strip()
            else team.get(assignee).name
            if team.active()
            else reviewer_name(assignee)
        )
        reason = f"assigned to {name}" if name else "unassigned"
        return self._record(note, note.model_copy(update={"assigned_to": name}), reviewer, "assign", reason)

    def comment(self, note_id: str, reviewer: str, text: str) -> Review:
        """A comment on a note, kept in its history; the note itself does not change (nor its version)."""
        note = self.db.note(note_id)
        words = one_line(text)
        if not words:
            raise InputError("the comment is empty; write a few words")
        if len(words) > MAX_REASON:
            raise InputError(f"the comment has {len(words):,} characters; keep it to {MAX_REASON:,}")
        snapshot = _snapshot(note)
        review = Review(
            note_id=note.id,
            reviewer=reviewer_name(recorded_name(self.db, reviewer, "comment")),
            action="comment",
            reason=words,
            before=snapshot,
            after=snapshot,
            at=datetime.now(UTC),
        )
        self.db.append_review(review)
        return review

    def mark_stale(self, note: Note, reason: str) -> Note:
        """The tool's own entry in the log: a citation or the claim no longer matches its source."""
        return self._record(
            note, note.model_copy(update={"status": NoteStatus.stale}), SYSTEM_REVIEWER, "stale", reason
        )

    def stale_reason(self, note: Note) -> str:
        """Why a note is stale, from the log."""
        for review in reversed(self.db.reviews(note.id)):
            if review.action == "stale":
                return review.reason
        return ""

    def reject(
        self,
        note_id: str,
        reviewer: str,
        reason: str,
        version: int | None = None,
        confirm: bool = False,
    ) -> Note:
        """Reject a note, with a reason. Over another reviewer's approval only when `confirm`ed."""
        if not reason.strip():
            raise InputError("a rejection needs a reason; say why in a few words")
        note = self._opened(note_id, version)
        if not confirm:
            self._overriding(note, reviewer_name(reviewer), NoteStatus.approved, "reject")
        updated = note.model_copy(update={"status": NoteStatus.rejected, "signoffs": []})
        return self._record(note, updated, reviewer, "reject", reason)

    def set_verdict(
        self,
        note_id: str,
        verdict: Verdict | str,
        reviewer: str,
        reason: str = "",
        version: int | None = None,
    ) -> Note:
        try:
            verdict = Verdict(verdict)
        except ValueError:
            raise InputError(
                f"unknown verdict {verdict!r}; use one of {', '.join(v.value for v in Verdict)}"
            ) from None
        note = self._opened(note_id, version)
        if verdict != Verdict.not_enough_evidence and not note.citations:
            raise InputError(
                f"{verdict.value} needs at least one citation; add one first (`c` in review, or edit the note)"
            )
        return self._record(
            note, note.model_copy(update={"verdict": verdict}), reviewer, "set_verdict", reason
        )

    def resolve_citation(self, passage_id: str, quote: str) -> Citation:
        """A citation checked against the stored passage: the quote must be in it (repaired to its exact
        characters).
        """
        passage = self.db.passages_by_id([passage_id]).get(passage_id)
        if passage is None:
            raise InputError(
                f"citation passage {passage_id!r} does not exist; copy an id from `factcheck search`"
            )
        document = self.db.document(passage.document_id)
        if not carries_content(quote):
            raise InputError(
                f"the quote {quote[:60]!r} carries no content; quote words that support the verdict"
            )
        citation = resolve_quote(passage, quote, document.title, document.url)
        if citation is None:
            raise InputError(
                f"the quote {quote[:60]!r} is not in passage {passage_id}; copy the words exactly"
            )
        return citation

    def add_citation(
        self, note_id: str, passage_id: str, quote: str, reviewer: str, version: int | None = None
    ) -> Note:
        """Cite words of a stored passage: a whole sentence, or a whole clause of one."""
        note = self._opened(note_id, version)
        citation = self.resolve_citation(passage_id, quote)
        passage = self.db.passages_by_id([passage_id])[passage_id]
        if not whole_sentence(passage.text, citation.start - passage.start, citation.end - passage.start):
            raise InputError(
                f"the quote {one_line(quote, 60)!r} is part of a sentence; quote the whole sentence (or a whole "
                "clause of it) so readers see what the source said"
            )
        return self._record(
            note, note.model_copy(update={"citations": _citing(note, citation)}), reviewer, "add_citation"
        )

    def arrange_citations(
        self, note_id: str, order: list[int], reviewer: str, version: int | None = None
    ) -> Note:
        """Keep the citations numbered in `order` (1-based), in that order: a number left out is removed."""
        note = self._opened(note_id, version)
        count = len(note.citations)
        if not count:
            raise InputError(f"note {note.id} has no citations")
        wrong = [n for n in order if not 1 <= n <= count]
        if wrong or len(set(order)) != len(order):
            raise InputError(
                f"citation numbers must be distinct and between 1 and {count}; got {', '.join(map(str, order))}"
            )
        kept = [note.citations[n - 1] for n in order]
        if kept == note.citations:
            return note
        action = "remove_citation" if len(kept) < count else "reorder_citations"
        return self._record(note, note.model_copy(update={"citations": kept}), reviewer, action)

    def cite_evidence(
        self, note_id: str, rank: int, sentence: int | None, reviewer: str, version: int | None = None
    ) -> Note:
        """Cite a sentence of the note's evidence by number: evidence `rank`, sentence `sentence` (default: the
        sentence that best matches the claim). The quote is the stored text, checked against the stored passage."""
        note = self._opened(note_id, version)
        item = next((e for e in note.evidence if e.rank == rank), None)
        if item is None:
            raise InputError(
                f"note {note.id} has no evidence [{rank}]; choose 1-{len(note.evidence)}"
                if note.evidence
                else f"note {note.id} has no evidence; search for a passage instead"
            )
        number = sentence if sentence is not None else (item.best[0] if item.best else 1)
        chosen = next((s for s in item.sentences if s.number == number), None)
        if chosen is None:
            raise InputError(
                f"evidence [{rank}] has sentences 1-{len(item.sentences)}; {number} is not one of them"
            )
        passage = self.db.passages_by_id([item.passage_id]).get(item.passage_id)
        citation = None
        if passage is not None and passage.start <= chosen.start and chosen.end <= passage.end:
            citation = cite(
                passage, chosen.start - passage.start, chosen.end - passage.start, item.title, item.url
            )
        if citation is None or citation.quote != chosen.text:
            raise InputError(
                f"the source of evidence [{rank}] changed after the note was drafted; draft the note "
                "again (`factcheck draft --redo`) to see its current text"
            )
        updated = note.model_copy(update={"citations": _citing(note, citation)})
        return self._record(note, updated, reviewer, "add_citation")

    def cite_reference(
        self,
        note_id: str,
        ref: str,
        reviewer: str,
        quote: str | None = None,
        version: int | None = None,
    ) -> Note:
        """Cite what `ref` names: an evidence number ("2": its highlighted sentence), a sentence of an evidence
        passage ("2.3" or "P2.S3"), or a stored passage id with the words to quote (`quote`)."""
        text = ref.strip()
        if match := re.fullmatch(r"[Pp]?(\d{1,3})(?:[.][Ss]?(\d{1,3}))?", text):
            if quote:
                raise InputError(
                    "--quote goes with a passage id; an evidence number cites the stored sentence"
                )
            sentence = int(match[2]) if match[2] else None
            return self.cite_evidence(note_id, int(match[1]), sentence, reviewer, version)
        if not quote:
            raise InputError(
                f"{text!r} is not an evidence number (2, 2.3 or P2.S3); to cite a passage by id, give the words "
                "with --quote"
            )
        return self.add_citation(note_id, text, quote, reviewer, version)

    def edit_public(
        self,
        note_id: str,
        claim_reviewed: str,
        explanation: str,
        reviewer: str,
        version: int | None = None,
    ) -> Note:
        """Write what gets published: the short claim and the public explanation (whitespace collapsed, control
        characters removed)."""
        short, public = _public_fields(claim_reviewed, explanation)
        note = self._opened(note_id, version)
        updated = note.model_copy(
            update={"claim_reviewed": short, "explanation": public, "public_by": reviewer_name(reviewer)}
        )
        return self._record(note, updated, reviewer, "edit")

    def parse_edit(self, text: str) -> dict:
        """The edited fields, validated: a known verdict, a confidence in [0, 1], citations that resolve."""
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"the edited note is not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise InputError(
                "the edited note must be a YAML mapping with verdict, confidence, rationale, citations"
            )
        fields = ("verdict", "confidence", "rationale", "citations", "claim_reviewed", "explanation")
        unknown = set(data) - set(fields)
        if unknown:
            raise InputError(f"unknown field(s) {', '.join(sorted(unknown))}; use {', '.join(fields)}")
        try:
            verdict = Verdict(str(data.get("verdict", "")).strip())
        except ValueError:
            raise InputError(
                f"verdict {data.get('verdict')!r} is not one of {', '.join(v.value for v in Verdict)}"
            ) from None
        try:
            confidence = float(data.get("confidence", 0))
        except (TypeError, ValueError):
            raise InputError("confidence must be a number between 0 and 1") from None
        if not 0 <= confidence <= 1:
            raise InputError("confidence must be between 0 and 1")
        rationale = str(data.get("rationale") or "").strip()
        if not rationale:
            raise InputError("the rationale is empty; say why the verdict holds")
        citations = []
        for item in data.get("citations") or []:
            if not isinstance(item, dict) or "passage" not in item or "quote" not in item:
                raise InputError("each citation needs 'passage' and 'quote'")
            citations.append(self.resolve_citation(str(item["passage"]), str(item["quote"])))
        if verdict != Verdict.not_enough_evidence and not citations:
            raise InputError(f"{verdict.value} needs at least one citation")
        short, explanation = _public_fields(
            str(data.get("claim_reviewed") or ""), str(data.get("explanation") or "")
        )
        public = {"claim_reviewed": short, "explanation": explanation}
        return {
            "verdict": verdict,
            "confidence": confidence,
            "rationale": rationale,
            "citations": citations,
            **public,
        }

    def _whole_in_passage(self, citation: Citation) -> bool:
        passage = self.db.passages_by_id([citation.passage_id]).get(citation.passage_id)
        if passage is None:
            return True  # the grounding check reports a missing passage
        return whole_sentence(passage.text, citation.start - passage.start, citation.end - passage.start)

    def apply_edit(self, note_id: str, text: str, reviewer: str, version: int | None = None) -> Note:
        """Validate and store an edit; a failed note that now has grounded citations becomes a draft again."""
        note = self._opened(note_id, version)
        fields = self.parse_edit(text)
        status = NoteStatus.draft if note.status in (NoteStatus.failed, NoteStatus.stale) else note.status
        partial = [c for c in fields["citations"] if not self._whole_in_passage(c)]
        flags = [f for f in note.flags if f != PARTIAL_QUOTE] + ([PARTIAL_QUOTE] if partial else [])
        updated = note.model_copy(
            update={
                **fields,
                "status": status,
                "failure": "" if status != NoteStatus.failed else note.failure,
                "flags": flags,
            }
        )
        if (updated.claim_reviewed, updated.explanation) != (
            short_claim(note, self.db.claim(note.claim_id)),
            public_explanation(note),
        ):
            updated = updated.model_copy(update={"public_by": reviewer_name(reviewer)})
        return self._record(note, updated, reviewer, "edit")

    def decide_group(
        self, note_id: str, twins: list[Note], reviewer: str, action: str, reason: str, signoffs: int
    ) -> tuple[list[Note], list[str]]:
        """Apply the decision taken on one note to the draft notes of its near-duplicates (`twins`)."""
        source = self.db.note(note_id)
        done, refused = [], []
        for twin in twins:
            why = f"same claim as note {source.id}" + (f": {reason}" if reason else "")
            try:
                if action == "reject":
                    done.append(self.reject(twin.id, reviewer, why, twin.version))
                    continue
                if twin.verdict != source.verdict:
                    twin = self.set_verdict(twin.id, source.verdict, reviewer, why, twin.version)
                done.append(self.approve(twin.id, reviewer, twin.version, signoffs=signoffs))
            except InputError as exc:
                refused.append(f"{twin.id}: {exc}")
        return done, refused


class PendingEdits:
    """Edits that did not validate are kept on disk, one per note and reviewer, so nothing typed is lost and an
    edit only ever reopens for the reviewer who typed it."""

    def __init__(self, home: Path) -> None:
        self.folder = home / "pending-edits"

    def editable(self, db: ReviewStores, note_id: str, reviewer: str = "") -> tuple[str, bool]:
        """The note as editable YAML, and whether it is this reviewer's earlier edit that did not validate."""
        note = db.note(note_id)
        pending = self.load(note.id, reviewer) if reviewer.strip() else None
        if pending is not None:
            return pending, True
        return edit_text(note, db.claim(note.claim_id)), False

    def save_edit(
        self, db: ReviewStores, note_id: str, text: str, reviewer: str, version: int | None
    ) -> Note:
        """Validate and store an edit; one that does not validate, or meets a change made meanwhile, is kept."""
        note = db.note(note_id)
        try:
            updated = Reviewing(db).apply_edit(note.id, text, reviewer, version)
        except InputError as exc:
            self.save(note.id, reviewer, text)
            kind = ConflictError if isinstance(exc, ConflictError) else InputError
            raise kind(
                f"edit not saved: {exc}. Your text is kept: it opens again at your next edit"
            ) from None
        self.clear(note.id, reviewer)
        return updated

    def path(self, note_id: str, reviewer: str) -> Path:
        who = hashlib.sha1(person_key(reviewer).encode("utf-8")).hexdigest()[:12]
        return self.folder / f"{note_id}.{who}.yaml"

    def load(self, note_id: str, reviewer: str) -> str | None:
        path = self.path(note_id, reviewer)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def save(self, note_id: str, reviewer: str, text: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path(note_id, reviewer).write_text(text, encoding="utf-8")
        return self.path(note_id, reviewer)

    def clear(self, note_id: str, reviewer: str) -> None:
        self.path(note_id, reviewer).unlink(missing_ok=True)
