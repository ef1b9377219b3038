"""Rich rendering of a note for `notes show` and `review`. Every string from a document is a `Text`."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from factcheck.models import NoteView

VERDICT_STYLE = {
    "supported": "green",
    "partly_supported": "yellow",
    "refuted": "red",
    "not_enough_evidence": "blue",
}


def render_note(console: Console, view: NoteView, position: str = "") -> None:
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
    sentence = Text(claim.sentence)
    offset = claim.span.start - claim.sentence_span.start
    sentence.stylize("bold reverse", offset, offset + len(claim.text))
    console.print(sentence)
    console.print(Text(f"Statement: {claim.statement}"))
    speaker = f"Said by: {claim.speaker or 'unknown'}" + (f" via {claim.channel}" if claim.channel else "")
    console.print(Text(speaker, style="dim"))
    verdict = Text(f"Verdict: {note.verdict.value}", style=f"bold {VERDICT_STYLE[note.verdict.value]}")
    verdict.append(f"  confidence {note.confidence:.2f}", style="default")
    console.print(verdict)
    console.print(Text(note.rationale))
    for number, citation in enumerate(note.citations, 1):
        passage = view.passages.get(citation.passage_id)
        cited = view.cited_documents.get(citation.document_id)
        published = (cited.published if cited else None) or "undated"
        console.print(
            Text(
                f"[{number}] {citation.document_title or citation.document_id} · {published} · "
                f"{citation.passage_id} [{citation.start}-{citation.end}] {citation.document_url}",
                style="cyan",
            )
        )
        if passage:
            text = Text(passage.text)
            text.stylize("bold underline", citation.start - passage.start, citation.end - passage.start)
            console.print(text)
    for check in note.checks:
        console.print(Text(f"check {check.name}: {check.outcome}. {check.detail}", style="dim"))
    if note.flags:
        console.print(Text("flags: " + ", ".join(note.flags), style="bold magenta"))
    if note.failure:
        console.print(Text(f"failed: {note.failure}", style="bold red"))
