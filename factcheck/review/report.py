"""The HTML report a reader sees: each article paragraph by paragraph with its claims marked, each note beside
the paragraph its claim is in, the evidence a note rests on, and the sources with the quoted passage and its
date. Standalone (nothing is fetched when it is opened) and inert: everything is escaped, links are kept only
for http(s), and a Content-Security-Policy forbids scripts even if something slipped through."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html import escape

from factcheck.models import Claim, Document, EvidenceItem, Note, Verdict
from factcheck.review.public import public_explanation, short_claim
from factcheck.safety import has_bidi_controls, safe_url


@dataclass
class ExportItem:
    """A note with what an export shows beside it: its claim, its article, the dates of the cited sources."""

    note: Note
    claim: Claim
    document: Document
    cited_dates: dict[str, date | None] = field(default_factory=dict)
    first_approved: date | None = None
    approved_by: str = ""  # who approved it last

    @property
    def headline(self) -> str:
        return short_claim(self.note, self.claim)

    @property
    def explanation(self) -> str:
        return public_explanation(self.note)


LABELS = {
    Verdict.supported: "Supported",
    Verdict.partly_supported: "Partly supported",
    Verdict.refuted: "Refuted",
    Verdict.not_enough_evidence: "Not enough evidence",
}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
CSS = """
body{font:16px/1.5 Georgia,serif;margin:2rem auto;max-width:76rem;color:#111;padding:0 1rem}
h1{font-size:1.7rem} h2{margin-top:2.5rem;border-bottom:1px solid #ccc} h3{font-size:1.05rem;margin:.2rem 0}
.legend span,.badge{display:inline-block;padding:.05rem .45rem;border-radius:.25rem;margin-right:.4rem;
 font:bold .8rem/1.6 sans-serif}
.v-supported{background:#1b7f3b;color:#fff} .v-partly_supported{background:#b7791f;color:#fff}
.v-refuted{background:#c53030;color:#fff} .v-not_enough_evidence{background:#4a5568;color:#fff}
mark.claim{padding:0 2px;border-bottom:3px solid #111;background:#fff3a8}
mark.c-supported{background:#c6f6d5} mark.c-partly_supported{background:#feebc8}
mark.c-refuted{background:#fed7d7} mark.c-not_enough_evidence{background:#e2e8f0}
.row{display:grid;grid-template-columns:3fr 2fr;gap:2rem;align-items:start;margin:.6rem 0}
.note{border-left:5px solid #999;padding:.3rem .8rem;margin-bottom:1rem;font-size:.93rem;background:#fafafa}
.note.n-supported{border-color:#1b7f3b} .note.n-partly_supported{border-color:#b7791f}
.note.n-refuted{border-color:#c53030} .note.n-not_enough_evidence{border-color:#4a5568}
.meta{color:#555;font-size:.88rem} blockquote{margin:.3rem 0 .3rem 1rem} mark.best,mark.quote{background:#fff3a8}
details{margin:.4rem 0} summary{cursor:pointer;font-size:.9rem}
@media print{.row{display:block}.note{page-break-inside:avoid}a{color:#000}details{display:block}}
"""


def _text(value: str) -> str:
    """Escaped text; text holding bidi controls is isolated in a <bdi> so its reordering stays inside it."""
    escaped = escape(value)
    return f'<bdi dir="auto">{escaped}</bdi>' if has_bidi_controls(value) else escaped


def link(label: str, url: str | None) -> str:
    """An <a> for an http(s) URL; anything else (javascript:, data:, relative) is shown as text."""
    target = safe_url(url)
    return (
        f'<a href="{escape(target)}" rel="noopener noreferrer">{_text(label)}</a>' if target else _text(label)
    )


def legend() -> str:
    spans = "".join(f'<span class="v-{v.value}">{label}</span>' for v, label in LABELS.items())
    return f'<p class="legend">Verdicts: {spans}</p>'


def _paragraphs(text: str, start: int) -> list[tuple[int, int]]:
    return [
        (start + m.start(), start + m.end()) for m in re.finditer(r"[^\n]+", text[start:]) if m[0].strip()
    ]


def _marked(text: str, start: int, end: int, items: list[ExportItem]) -> str:
    parts, cursor = [], start
    for item in sorted(items, key=lambda i: i.claim.span.start):
        a, b = max(item.claim.span.start, cursor), min(item.claim.span.end, end)
        if a >= b:
            continue  # overlapping spans: the first one is marked
        parts.append(_text(text[cursor:a]))
        parts.append(
            f'<a href="#note-{item.note.id}"><mark class="claim c-{item.note.verdict.value}" '
            f'id="claim-{item.claim.id}">{_text(text[a:b])}</mark></a>'
        )
        cursor = b
    parts.append(_text(text[cursor:end]))
    return "".join(parts)


def _evidence(evidence: list[EvidenceItem]) -> str:
    shown = [e for e in evidence if e.about_claim] or evidence
    if not shown:
        return ""
    rows = []
    for item in shown:
        body, cursor = [], item.start
        for sentence in item.sentences:
            if sentence.number in item.best:
                body.append(_text(item.text[cursor - item.start : sentence.start - item.start]))
                body.append(f'<mark class="best">{_text(sentence.text)}</mark>')
                cursor = sentence.end
        body.append(_text(item.text[cursor - item.start :]))
        meta = " · ".join(_text(str(x)) for x in (item.outlet, item.published or "undated") if x)
        rows.append(
            f'<li><span class="meta">[{item.rank}] {link(item.title or item.document_id, item.url)} · '
            f"{meta}</span><br>{''.join(body)}</li>"
        )
    return (
        f"<details><summary>Evidence the note was built on ({len(shown)} passages; best-matching sentences "
        f"highlighted)</summary><ol>{''.join(rows)}</ol></details>"
    )


def _note(item: ExportItem, sources: list[str]) -> str:
    note, claim = item.note, item.claim
    verdict = note.verdict.value
    said = ", ".join(_text(x) for x in (claim.speaker, str(claim.claim_date or "")) if x)
    cites = []
    for n, citation in enumerate(note.citations, 1):
        anchor = f"src-{note.id}-{n}"
        published = item.cited_dates.get(citation.document_id) or "undated"
        title = citation.document_title or citation.document_id
        cites.append(
            f'<li><a href="#{anchor}">{_text(title)}</a> ({_text(str(published))}): '
            f"“{_text(citation.quote)}”</li>"
        )
        sources.append(
            f'<div class="source" id="{anchor}"><p class="meta">{link(title, citation.document_url)} · '
            f'{_text(str(published))}</p><blockquote><mark class="quote">{_text(citation.quote)}'
            "</mark></blockquote></div>"
        )
    return (
        f'<article class="note n-{verdict}" id="note-{note.id}"><span class="badge v-{verdict}">'
        f"{LABELS[note.verdict]}</span><h3>{_text(item.headline)}</h3>"
        f'<p class="meta"><a href="#claim-{claim.id}">Claim</a>: “{_text(claim.text)}”'
        + (f" — {said}" if said else "")
        + f"</p><p>{_text(item.explanation)}</p>"
        + (f'<ol class="citations">{"".join(cites)}</ol>' if cites else '<p class="meta">No citation.</p>')
        + _evidence(note.evidence)
        + "</article>"
    )


def to_html(items: list[ExportItem], title: str = "Fact-check report") -> str:
    by_document: dict[str, list[ExportItem]] = {}
    for item in items:
        by_document.setdefault(item.document.id, []).append(item)
    body: list[str] = []
    sources: list[str] = []
    for group in by_document.values():
        document = group[0].document
        meta = " · ".join(_text(x) for x in (document.outlet, str(document.published or "")) if x)
        url = f" · {link(document.url, document.url)}" if document.url else ""
        rows = []
        for start, end in _paragraphs(document.text, document.body_start):
            here = [i for i in group if start <= i.claim.span.start < end]
            notes = "".join(_note(i, sources) for i in sorted(here, key=lambda i: i.claim.span.start))
            rows.append(
                f'<div class="row"><p class="text">{_marked(document.text, start, end, here)}</p>'
                f'<aside class="notes">{notes}</aside></div>'
            )
        body.append(
            f'<section><h2>{_text(document.title or document.id)}</h2><p class="meta">{meta}{url}</p>'
            f"{''.join(rows)}</section>"
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{_text(title)}</h1>{legend()}{''.join(body)}"
        f'<h2>Sources</h2><div class="sources">{"".join(sources) or "<p>No citations.</p>"}</div>'
        "</body></html>\n"
    )
