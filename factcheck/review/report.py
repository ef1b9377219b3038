"""The HTML report a reader sees: each article paragraph by paragraph with its claims marked, each note beside
the paragraph its claim is in, the evidence a note rests on, and the sources with the quoted passage and its
date. Standalone (nothing is fetched when it is opened) and inert: everything is escaped, links are kept only
for http(s), and a Content-Security-Policy forbids scripts even if something slipped through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from factcheck.models import Claim, Document, EvidenceItem, Note, Verdict
from factcheck.rendering import render
from factcheck.review.public import public_explanation, short_claim


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


@dataclass
class Paragraph:
    """A paragraph of an article cut into pieces: plain text, or a claim (with the item of its note)."""

    pieces: list[tuple[str, ExportItem | None]]
    notes: list[ExportItem]


def _paragraphs(text: str, start: int) -> Iterator[tuple[int, int]]:
    for m in re.finditer(r"[^\n]+", text[start:]):
        if m[0].strip():
            yield start + m.start(), start + m.end()


def _cut(text: str, start: int, end: int, items: list[ExportItem]) -> list[tuple[str, ExportItem | None]]:
    pieces: list[tuple[str, ExportItem | None]] = []
    cursor = start
    for item in sorted(items, key=lambda i: i.claim.span.start):
        a, b = max(item.claim.span.start, cursor), min(item.claim.span.end, end)
        if a >= b:
            continue  # overlapping spans: the first one is marked
        pieces += [(text[cursor:a], None), (text[a:b], item)]
        cursor = b
    return [*pieces, (text[cursor:end], None)]


def _evidence(item: ExportItem) -> list[tuple[EvidenceItem, list[tuple[str, bool]]]]:
    """The passages a note was built on (those about its claim), each as pieces: (text, best sentence?)."""
    shown = [e for e in item.note.evidence if e.about_claim] or item.note.evidence
    out: list[tuple[EvidenceItem, list[tuple[str, bool]]]] = []
    for passage in shown:
        pieces: list[tuple[str, bool]] = []
        cursor = passage.start
        for sentence in passage.sentences:
            if sentence.number in passage.best:
                pieces += [(passage.text[cursor - passage.start : sentence.start - passage.start], False)]
                pieces += [(sentence.text, True)]
                cursor = sentence.end
        out.append((passage, [*pieces, (passage.text[cursor - passage.start :], False)]))
    return out


def to_html(items: list[ExportItem], title: str = "Fact-check report") -> str:
    """Each article paragraph by paragraph with its claims marked, each note beside its paragraph, the
    evidence a note rests on, and the sources with the quoted passage and its date."""
    by_document: dict[str, list[ExportItem]] = {}
    for item in items:
        by_document.setdefault(item.document.id, []).append(item)
    articles = []
    for group in by_document.values():
        document = group[0].document
        paragraphs = []
        for start, end in _paragraphs(document.text, document.body_start):
            here = sorted(
                (i for i in group if start <= i.claim.span.start < end), key=lambda i: i.claim.span.start
            )
            paragraphs.append(Paragraph(_cut(document.text, start, end, here), here))
        articles.append((document, paragraphs))
    return render(
        "report.html",
        title=title,
        css=Markup(CSS),  # the report's own constants, not text from an article
        csp=Markup(CSP),
        labels=LABELS,
        articles=articles,
        evidence={i.note.id: _evidence(i) for i in items},
        cited=[i for i in items if i.note.citations],
    )
