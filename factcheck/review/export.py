"""Exports of reviewed notes: Markdown, a standalone HTML report, JSON, and schema.org ClaimReview JSON-LD.
Nothing exported carries API keys, local paths or prompts."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date

from factcheck.drafting.grounding import ungrounded
from factcheck.errors import InputError
from factcheck.models import Claim, Document, Note, Verdict
from factcheck.settings import PublisherSettings
from factcheck.storage.db import Database

# The documented 1-5 mapping of the verdict scale onto ClaimReview's reviewRating.
RATINGS = {
    Verdict.refuted: (1, "False"),
    Verdict.not_enough_evidence: (2, "Unproven"),
    Verdict.partly_supported: (3, "Partly true"),
    Verdict.supported: (5, "True"),
}
VERDICT_DISPLAY = {v: v.value.replace("_", " ") for v in Verdict}


FORMATS = ("md", "html", "json", "claimreview")


@dataclass
class ExportItem:
    note: Note
    claim: Claim
    document: Document


def gather(db: Database, notes: list[Note]) -> tuple[list[ExportItem], list[str]]:
    """The notes with their claims and articles, and one line for each note left out because a citation no
    longer resolves verbatim to a stored passage (its source was re-indexed with other text, or removed)."""
    claims = db.claims_by_id(n.claim_id for n in notes)
    passages = db.passages_by_id(c.passage_id for n in notes for c in n.citations)
    documents: dict[str, Document] = {}
    items, withheld = [], []
    for note in notes:
        if problems := ungrounded(note.citations, passages):
            withheld.append(f"note {note.id} left out: {problems[0]}; re-check it in review")
            continue
        claim = claims[note.claim_id]
        if claim.document_id not in documents:
            documents[claim.document_id] = db.document(claim.document_id)
        items.append(ExportItem(note, claim, documents[claim.document_id]))
    return sorted(items, key=lambda i: (i.document.title, i.claim.span.start)), withheld


def _public_note(note: Note) -> dict:
    data = note.model_dump(mode="json")
    data["provenance"] = {
        k: v for k, v in data["provenance"].items() if k in ("judge", "model", "prompt_name", "prompt_hash")
    }
    return data


def to_json(items: list[ExportItem]) -> str:
    records = [
        {
            "note": _public_note(i.note),
            "claim": i.claim.model_dump(mode="json"),
            "article": {
                "id": i.document.id,
                "title": i.document.title,
                "url": i.document.url,
                "outlet": i.document.outlet,
                "published": str(i.document.published or ""),
            },
        }
        for i in items
    ]
    return json.dumps(records, indent=2, ensure_ascii=False)


def _markdown_one(item: ExportItem) -> str:
    note, claim = item.note, item.claim
    lines = [
        f"### {claim.statement}",
        "",
        f"**Verdict: {VERDICT_DISPLAY[note.verdict]}** (confidence {note.confidence:.2f})",
        "",
        f"> {claim.text}",
        "",
        f"Said by: {claim.speaker or 'unknown'}"
        + (f", via {claim.channel}" if claim.channel else "")
        + (f", {claim.claim_date}" if claim.claim_date else ""),
        "",
        note.rationale,
        "",
    ]
    if note.citations:
        lines.append("Sources:")
        for c in note.citations:
            title = (
                f"[{c.document_title or c.document_id}]({c.document_url})"
                if c.document_url
                else (c.document_title or c.document_id)
            )
            lines.append(f'- {title}: "{c.quote}"')
        lines.append("")
    return "\n".join(lines)


def to_markdown(items: list[ExportItem]) -> str:
    out, current = ["# Fact-check notes", ""], None
    for item in items:
        if item.document.id != current:
            current = item.document.id
            out += [f"## {item.document.title or item.document.id}", ""]
            meta = ", ".join(
                x for x in (item.document.outlet, str(item.document.published or ""), item.document.url) if x
            )
            out += [meta, ""] if meta else []
        out.append(_markdown_one(item))
    return "\n".join(out).rstrip() + "\n"


def markdown_per_article(items: list[ExportItem]) -> dict[str, str]:
    """File name -> Markdown, one per article."""
    files: dict[str, list[ExportItem]] = {}
    for item in items:
        files.setdefault(f"{item.document.id}.md", []).append(item)
    return {name: to_markdown(group) for name, group in files.items()}


def claim_review(item: ExportItem, publisher: PublisherSettings, published: date | None = None) -> dict:
    """One schema.org ClaimReview. Evidence has no ClaimReview field: citations go in `citation`
    (CreativeWork).
    """
    note, claim, document = item.note, item.claim, item.document
    value, label = RATINGS[note.verdict]
    author = {"@type": "Organization", "name": publisher.name or "factcheck"}
    if publisher.url:
        author["url"] = publisher.url
    speaker_type = "Person" if claim.speaker and claim.speaker != document.outlet else "Organization"
    item_reviewed: dict = {
        "@type": "Claim",
        "appearance": {"@type": "CreativeWork", "headline": document.title or claim.sentence[:110]},
    }
    if document.url:
        item_reviewed["appearance"]["url"] = document.url
    if claim.speaker:
        item_reviewed["author"] = {"@type": speaker_type, "name": claim.speaker}
    if claim.claim_date:
        item_reviewed["datePublished"] = claim.claim_date.isoformat()
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.statement,
        "itemReviewed": item_reviewed,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": label,
        },
        "author": author,
        "datePublished": (published or date.today()).isoformat(),
        "reviewBody": note.rationale,
        "citation": [
            {
                "@type": "CreativeWork",
                "name": c.document_title or c.document_id,
                "text": c.quote,
                **({"url": c.document_url} if c.document_url else {}),
            }
            for c in note.citations
        ],
    }
    if publisher.url:
        review["url"] = f"{publisher.url.rstrip('/')}/#{note.id}"
    return review


def to_claimreview(
    items: list[ExportItem], publisher: PublisherSettings, published: date | None = None
) -> str:
    return json.dumps([claim_review(i, publisher, published) for i in items], indent=2, ensure_ascii=False)


_CSS = """
body{font:16px/1.5 Georgia,serif;margin:2rem auto;max-width:72rem;color:#111}
h1{font-size:1.6rem} h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
.article{display:grid;grid-template-columns:3fr 2fr;gap:2rem;align-items:start}
.text{white-space:pre-wrap} mark.claim{background:#fff3a8;padding:0 2px}
mark.v-refuted{background:#ffc9c9} mark.v-supported{background:#c9f2d0}
mark.v-partly_supported{background:#ffe3b3}
.note{border-left:4px solid #999;padding:.3rem .8rem;margin-bottom:1rem;font-size:.92rem}
.note .verdict{font-weight:bold;text-transform:uppercase;font-size:.8rem}
.sources blockquote{margin:.3rem 0 .3rem 1rem} .meta{color:#555;font-size:.9rem}
@media print{.article{display:block}.note{page-break-inside:avoid}a{color:#000}}
"""


def _highlighted(document: Document, items: list[ExportItem]) -> str:
    parts, cursor = [], document.body_start
    for item in sorted(items, key=lambda i: i.claim.span.start):
        start, end = item.claim.span.start, item.claim.span.end
        if start < cursor:
            continue  # overlapping spans: the first one is marked
        parts.append(html.escape(document.text[cursor:start]))
        parts.append(
            f'<a href="#note-{item.note.id}"><mark class="claim v-{item.note.verdict.value}" '
            f'id="claim-{item.claim.id}" '
            f'data-note="{item.note.id}">{html.escape(document.text[start:end])}</mark></a>'
        )
        cursor = end
    parts.append(html.escape(document.text[cursor:]))
    return "".join(parts).strip()


def to_html(items: list[ExportItem], title: str = "Fact-check report") -> str:
    """A standalone page (no network at view time): articles with claims marked in place, notes beside them,
    citations linked to the quoted passages."""
    by_document: dict[str, list[ExportItem]] = {}
    for item in items:
        by_document.setdefault(item.document.id, []).append(item)
    body, sources = [], []
    for group in by_document.values():
        document = group[0].document
        meta = " · ".join(html.escape(x) for x in (document.outlet, str(document.published or "")) if x)
        link = (
            f' · <a href="{html.escape(document.url)}">{html.escape(document.url)}</a>'
            if document.url
            else ""
        )
        notes_html = []
        for item in sorted(group, key=lambda i: i.claim.span.start):
            note = item.note
            cites = []
            for n, c in enumerate(note.citations, 1):
                anchor = f"src-{note.id}-{n}"
                cites.append(
                    f'<li><a href="#{anchor}">{html.escape(c.document_title or c.document_id)}</a>: '
                    f'"{html.escape(c.quote)}"</li>'
                )
                sources.append(
                    f'<div class="source" id="{anchor}"><p class="meta">'
                    f"{html.escape(c.document_title or c.document_id)}"
                    + (
                        f' · <a href="{html.escape(c.document_url)}">{html.escape(c.document_url)}</a>'
                        if c.document_url
                        else ""
                    )
                    + f'</p><blockquote><mark class="quote">{html.escape(c.quote)}</mark></blockquote></div>'
                )
            notes_html.append(
                f'<div class="note" id="note-{note.id}"><a '
                f'href="#claim-{item.claim.id}">{html.escape(item.claim.text[:80])}</a>'
                f'<div class="verdict">{VERDICT_DISPLAY[note.verdict]} ({note.confidence:.2f})</div>'
                f"<p>{html.escape(item.claim.statement)}</p><p>{html.escape(note.rationale)}</p>"
                + (f'<ul class="citations">{"".join(cites)}</ul>' if cites else "")
                + "</div>"
            )
        body.append(
            f'<h2>{html.escape(document.title or document.id)}</h2><p class="meta">{meta}{link}</p>'
            f'<div class="article"><div class="text">{_highlighted(document, group)}</div>'
            f'<aside class="notes">{"".join(notes_html)}</aside></div>'
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{''.join(body)}"
        f'<h2>Sources</h2><div class="sources">{"".join(sources) or "<p>No citations.</p>"}</div>'
        "</body></html>\n"
    )


def render(
    items: list[ExportItem], fmt: str, publisher: PublisherSettings, per_article: bool = False
) -> dict[str, str]:
    """File name -> content: one file named 'notes.<ext>', or with `per_article` one Markdown file per
    article.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if per_article:
        if fmt != "md":
            raise InputError("--per-article is for --format md")
        return markdown_per_article(items)
    if fmt == "md":
        return {"notes.md": to_markdown(items)}
    if fmt == "html":
        return {"notes.html": to_html(items)}
    if fmt == "json":
        return {"notes.json": to_json(items)}
    return {"notes.json": to_claimreview(items, publisher)}
