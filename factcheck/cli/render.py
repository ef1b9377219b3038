"""Rich rendering of a note for `notes show` and `review`. Every string from a document is a `Text`."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from factcheck.models import EvidenceItem, NoteView, StanceReading
from factcheck.safety import word_cut

VERDICT_STYLE = {
    "supported": "green",
    "partly_supported": "yellow",
    "refuted": "red",
    "not_enough_evidence": "blue",
}
BEST = "bold black on yellow"


def render_note(console: Console, view: NoteView, position: str = "") -> None:
    _render_claim(console, view, position)
    _render_verdict(console, view)
    render_evidence(console, view.note.evidence)
    _render_citations(console, view)
    note = view.note
    for check in note.checks:
        console.print(Text(f"check {check.name}: {check.outcome}. {check.detail}", style="dim"))
    if note.flags:
        console.print(Text("flags: " + ", ".join(note.flags), style="bold magenta"))
    if note.failure:
        console.print(Text(f"failed: {note.failure}", style="bold red"))
    if view.stale_reason:
        console.print(
            Text(f"stale: {view.stale_reason}. Re-check the citations, then approve again.", style="bold red")
        )


def render_brief(console: Console, view: NoteView, position: str = "") -> None:
    """The note on one screen (45 lines at 80 columns and up): the claim, the verdict and lean with its record,
    what would be published, one line per citation and check. The full evidence is a key away."""
    note, width = view.note, max(console.width, 60)
    _render_claim(console, view, position, sentence_limit=3 * width)
    _render_verdict(console, view, explanation_limit=2 * width)
    for number, citation in enumerate(note.citations, 1):
        source = citation.document_title or citation.document_id
        line = f"Citation {number}: {source}: “{' '.join(citation.quote.split())}”"
        console.print(Text(word_cut(line, width - 1), style="cyan"))
    for check in note.checks:
        console.print(
            Text(word_cut(f"check {check.name}: {check.outcome}. {check.detail}", width - 1), style="dim")
        )
    about = sum(item.about_claim for item in note.evidence)
    console.print(
        Text(
            f"Evidence: {len(note.evidence)} passages, {about} about the claim (d: show them all)",
            style="dim",
        )
    )
    if note.failure or view.stale_reason:
        console.print(
            Text(
                word_cut(
                    f"failed: {note.failure}" if note.failure else f"stale: {view.stale_reason}", width - 1
                ),
                style="bold red",
            )
        )


def _render_claim(console: Console, view: NoteView, position: str, sentence_limit: int = 0) -> None:
    note, claim, document = view.note, view.claim, view.document
    console.rule(
        Text(
            f"{position} note {note.id} · {note.status.value} · claim {claim.id} ({claim.type.value}, "
            f"score {claim.checkworthiness:.2f})"
        )
    )
    console.print(
        Text(
            f"{document.title or document.id}  {document.outlet}  {document.published or ''}  {document.url}",
            style="dim",
        )
    )
    shown, offset = claim.sentence, claim.span.start - claim.sentence_span.start
    if sentence_limit and len(shown) > sentence_limit:  # whole words around the claim, marked as a part
        start = shown.rfind(" ", 0, max(0, offset - sentence_limit // 3)) + 1
        shown = ("…" if start else "") + word_cut(shown[start:], sentence_limit)
        offset += (1 if start else 0) - start
    sentence = Text(shown)
    sentence.stylize("bold reverse", offset, offset + len(claim.text))
    console.print(sentence)
    console.print(Text(f"Statement: {claim.statement}"))
    speaker = f"Said by: {claim.speaker or 'unknown'}" + (f" via {claim.channel}" if claim.channel else "")
    console.print(Text(speaker, style="dim"))


def _render_verdict(console: Console, view: NoteView, explanation_limit: int = 0) -> None:
    note = view.note
    verdict = Text(f"Verdict: {note.verdict.value}", style=f"bold {VERDICT_STYLE[note.verdict.value]}")
    verdict.append(f"  confidence {note.confidence:.2f}", style="default")
    if note.suggestion:
        verdict.append(f"  leans {note.suggestion.value} (not committed)", style="bold yellow")
    console.print(verdict)
    if note.suggestion and note.provenance.record:
        console.print(Text(f"  {note.provenance.record.sentence().capitalize()}", style="yellow"))
    for prior in view.prior_checks:
        console.print(Text(prior.line(), style="bold magenta"))
    if not explanation_limit:
        console.print(Text(note.rationale))
    written = (
        f" (by {note.public_by})"
        if note.public_by
        else " (drafted by the machine: approving the note approves it; e to edit)"
    )
    explanation = (
        word_cut(view.public_explanation, explanation_limit) if explanation_limit else view.public_explanation
    )
    console.print(
        Text(f"Published as: {view.public_claim}\nPublic explanation{written}: {explanation}", style="italic")
    )


def _render_citations(console: Console, view: NoteView) -> None:
    for number, citation in enumerate(view.note.citations, 1):
        passage = view.passages.get(citation.passage_id)
        cited = view.cited_documents.get(citation.document_id)
        published = (cited.published if cited else None) or "undated"
        console.print(
            Text(
                f"Citation {number}: {citation.document_title or citation.document_id} · {published} · "
                f"{citation.passage_id} [{citation.start}-{citation.end}] {citation.document_url}",
                style="cyan",
            )
        )
        if passage:
            text = Text(passage.text)
            text.stylize("bold underline", citation.start - passage.start, citation.end - passage.start)
            console.print(text)


STANCE_STYLE = {"supports": "green", "refutes": "red", "neither": "dim"}


def stance_tag(reading: StanceReading | None) -> Text:
    """A sentence's stance as the verification model reads it: [supports 0.91]."""
    if reading is None:
        return Text("")
    return Text(
        f" [{reading.stance.value} {reading.probability:.2f}]", style=STANCE_STYLE[reading.stance.value]
    )


def render_evidence(console: Console, evidence: list[EvidenceItem]) -> None:
    """Each passage the note was built on, in full, with its best-matching sentences highlighted."""
    if not evidence:
        console.print(Text("Evidence: none was retrieved.", style="dim"))
        return
    console.print(
        Text("Evidence (highlighted: the sentences that best match the claim; cite with c N):", style="bold")
    )
    for item in evidence:
        about = "about the claim" if item.about_claim else "background (not about the claim)"
        flags = f" · {', '.join(item.flags)}" if item.flags else ""
        header = Text(
            f"[{item.rank}] {item.title or item.document_id} · {item.outlet or 'unknown outlet'} · "
            f"{item.published or 'undated'} · {about} · similarity {item.similarity:.2f}{flags}",
            style="cyan" if item.about_claim else "dim",
        )
        console.print(header)
        body = Text(style="default" if item.about_claim else "dim")
        cursor = item.start
        for sentence in item.sentences:
            body.append(item.text[cursor - item.start : sentence.start - item.start])
            body.append(sentence.text, style=BEST if sentence.number in item.best else "")
            body.append_text(stance_tag(sentence.stance))
            cursor = sentence.end
        body.append(item.text[cursor - item.start :])
        console.print(body)


def render_sentences(console: Console, item: EvidenceItem) -> None:
    """The sentences of one evidence passage, numbered for citing; the best ones marked."""
    for sentence in item.sentences:
        mark = "*" if sentence.number in item.best else " "
        line = Text(f" {mark}{sentence.number:>2}  ")
        line.append(sentence.text, style=BEST if sentence.number in item.best else "default")
        line.append_text(stance_tag(sentence.stance))
        console.print(line)
