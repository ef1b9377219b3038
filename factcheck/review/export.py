"""Exports of reviewed notes: Markdown, a standalone HTML report, JSON, CSV, and schema.org ClaimReview
JSON-LD. Nothing exported carries API keys, local paths or prompts.

Formats are a registry (`EXPORT_FORMATS`): a new one is a function here with `@export_format(...)`, which the
CLI's `--format`, the desk's export page and the README all read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from factcheck.drafting.grounding import ungrounded
from factcheck.errors import InputError
from factcheck.models import Document, Export, ExportFormatInfo, Note, NoteStatus, QueueFilter, Verdict
from factcheck.registry import Registry
from factcheck.review.public import public_explanation, short_claim
from factcheck.review.report import ExportItem, to_html
from factcheck.safety import markdown_link, markdown_text, safe_url, script_safe_json
from factcheck.settings import PublisherSettings
from factcheck.storage.db import ReviewStores
from factcheck.text.speech import is_person_like

# The documented 1-5 mapping of the verdict scale onto ClaimReview's reviewRating.
RATINGS = {
    Verdict.refuted: (1, "False"),
    Verdict.not_enough_evidence: (2, "Unproven"),
    Verdict.partly_supported: (3, "Partly true"),
    Verdict.supported: (5, "True"),
}
VERDICT_DISPLAY = {v: v.value.replace("_", " ") for v in Verdict}
Renderer = Callable[[list[ExportItem], PublisherSettings], str]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str  # of the file written: notes.<suffix>
    media_type: str
    description: str
    render: Renderer


EXPORT_FORMATS: Registry[ExportFormat] = Registry("export format")


def export_format(
    name: str, suffix: str, media_type: str, description: str
) -> Callable[[Renderer], Renderer]:
    """Register a renderer of export items as the format `name` (a plugin's too)."""

    def register(render: Renderer) -> Renderer:
        EXPORT_FORMATS.register(name, ExportFormat(name, suffix, media_type, description, render))
        return render

    return register


def gather(db: ReviewStores, notes: list[Note]) -> tuple[list[ExportItem], list[str]]:
    """The notes with their claims and articles, and one line for each note left out because a citation no
    longer resolves verbatim to a stored passage (its source was re-indexed with other text, or removed)."""
    claims = db.claims_by_id(n.claim_id for n in notes)
    passages = db.passages_by_id(c.passage_id for n in notes for c in n.citations)
    headers = {d.id: d for d in db.documents()}
    documents: dict[str, Document] = {}
    items, withheld = [], []
    for note in notes:
        if problems := ungrounded(note.citations, passages):
            withheld.append(f"note {note.id} left out: {problems[0]}; re-check it in review")
            continue
        claim = claims[note.claim_id]
        if claim.document_id not in documents:
            documents[claim.document_id] = db.document(claim.document_id)
        cited = {c.document_id for c in note.citations}
        dates = {d: headers[d].published if d in headers else None for d in cited}
        approvals = [r for r in db.reviews(note.id) if r.action == "approve"]
        first = approvals[0].at.date() if approvals else None
        last_by = approvals[-1].reviewer if approvals else ""
        items.append(ExportItem(note, claim, documents[claim.document_id], dates, first, last_by))
    return sorted(items, key=lambda i: (i.document.title, i.claim.span.start)), withheld


def _public_note(note: Note) -> dict:
    """The note as exported: provenance cut to what identifies the judge, and only http(s) links kept (a
    javascript: or data: URL from an article becomes "")."""
    data = note.model_dump(mode="json")
    data["provenance"] = {
        k: v for k, v in data["provenance"].items() if k in ("judge", "model", "prompt_name", "prompt_hash")
    }
    for item in data.get("evidence", []):
        item["url"] = safe_url(item.get("url")) or ""
    for citation in data.get("citations", []):
        citation["document_url"] = safe_url(citation.get("document_url")) or ""
    return data


def to_json(items: list[ExportItem]) -> str:
    records = [
        {
            "note": _public_note(i.note),
            "claim": i.claim.model_dump(mode="json"),
            "article": {
                "id": i.document.id,
                "title": i.document.title,
                "url": safe_url(i.document.url) or "",
                "outlet": i.document.outlet,
                "published": str(i.document.published or ""),
            },
        }
        for i in items
    ]
    return json.dumps(records, indent=2, ensure_ascii=False)


def _markdown_one(item: ExportItem) -> str:
    note, claim = item.note, item.claim
    said = ", ".join(
        x
        for x in (
            claim.speaker or "unknown",
            f"via {claim.channel}" if claim.channel else "",
            str(claim.claim_date or ""),
        )
        if x
    )
    lines = [
        f"### {markdown_text(item.headline)}",
        "",
        f"**Verdict: {VERDICT_DISPLAY[note.verdict]}**",
        "",
        f"> {markdown_text(claim.text)}",
        "",
        f"Said by: {markdown_text(said)}",
        "",
        markdown_text(item.explanation),
        "",
    ]
    if note.citations:
        lines.append("Sources:")
        for c in note.citations:
            published = item.cited_dates.get(c.document_id)
            when = f" ({published})" if published else ""
            lines.append(
                f"- {markdown_link(c.document_title or c.document_id, c.document_url)}{when}: "
                f"“{markdown_text(c.quote)}”"
            )
        lines.append("")
    return "\n".join(lines)


def to_markdown(items: list[ExportItem]) -> str:
    out, current = ["# Fact-check notes", ""], None
    for item in items:
        if item.document.id != current:
            current = item.document.id
            document = item.document
            out += [f"## {markdown_text(document.title or document.id)}", ""]
            meta = ", ".join(markdown_text(x) for x in (document.outlet, str(document.published or "")) if x)
            link = markdown_link(document.url, document.url) if document.url else ""
            out += [", ".join(x for x in (meta, link) if x), ""] if meta or link else []
        out.append(_markdown_one(item))
    return "\n".join(out).rstrip() + "\n"


def markdown_per_article(items: list[ExportItem]) -> dict[str, str]:
    """File name -> Markdown, one per article."""
    files: dict[str, list[ExportItem]] = {}
    for item in items:
        files.setdefault(f"{item.document.id}.md", []).append(item)
    return {name: to_markdown(group) for name, group in files.items()}


PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}


def claim_author(item: ExportItem) -> dict | None:
    """Who made the claim, for ClaimReview: a named speaker, else the outlet; never a pronoun."""
    speaker, outlet = item.claim.speaker.strip(), item.document.outlet.strip()
    if speaker and speaker.lower() not in PRONOUNS and speaker != outlet and is_person_like(speaker):
        return {"@type": "Person", "name": speaker}
    if outlet:
        return {"@type": "Organization", "name": outlet}
    return None


def _require_publisher(publisher: PublisherSettings) -> str:
    if not publisher.name.strip() or not safe_url(publisher.url):
        raise InputError(
            "a ClaimReview needs its publisher: set FACTCHECK_PUBLISHER__NAME and an http(s) "
            "FACTCHECK_PUBLISHER__URL (and optionally FACTCHECK_PUBLISHER__URL_TEMPLATE)"
        )
    return (safe_url(publisher.url) or "").rstrip("/")


def note_url(item: ExportItem, publisher: PublisherSettings) -> str:
    """Where this note is published, from FACTCHECK_PUBLISHER__URL_TEMPLATE; it must be an http(s) URL."""
    base = _require_publisher(publisher)
    try:
        url = publisher.url_template.format(base=base, note_id=item.note.id, claim_id=item.claim.id)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"FACTCHECK_PUBLISHER__URL_TEMPLATE cannot be filled ({exc}); use {{base}}, {{note_id}} "
            "and {claim_id}"
        ) from None
    if safe_url(url) is None:
        raise InputError(f"FACTCHECK_PUBLISHER__URL_TEMPLATE gives {url!r}, which is not an http(s) URL")
    return safe_url(url) or url


def _published(item: ExportItem) -> date:
    """A review is published on its note's first approval: re-exporting never re-dates it."""
    return item.first_approved or date.today()


def claim_review(item: ExportItem, publisher: PublisherSettings) -> dict:
    """One schema.org ClaimReview with the reviewer's short claim and public explanation (never the rationale).
    Evidence has no ClaimReview property: citations go in `citation` (CreativeWork)."""
    note, claim, document = item.note, item.claim, item.document
    value, label = RATINGS[note.verdict]
    _require_publisher(publisher)
    appearance: dict = {"@type": "CreativeWork", "headline": document.title or claim.sentence[:110]}
    if url := safe_url(document.url):
        appearance["url"] = url
    item_reviewed: dict = {"@type": "Claim", "appearance": appearance}
    if author := claim_author(item):
        item_reviewed["author"] = author
    if claim.claim_date:
        item_reviewed["datePublished"] = claim.claim_date.isoformat()
    citations = []
    for c in note.citations:
        work = {"@type": "CreativeWork", "name": c.document_title or c.document_id, "text": c.quote}
        if url := safe_url(c.document_url):
            work["url"] = url
        citations.append(work)
    if note.status != NoteStatus.approved:  # only with --include-unapproved: every such item says so
        label = f"{UNAPPROVED}: {label}"
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": note_url(item, publisher),
        "claimReviewed": short_claim(note, claim),
        "itemReviewed": item_reviewed,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": label,
        },
        "author": {"@type": "Organization", "name": publisher.name.strip(), "url": safe_url(publisher.url)},
        "datePublished": _published(item).isoformat(),
        "reviewBody": public_explanation(note),
        "citation": citations,
    }


def to_claimreview(items: list[ExportItem], publisher: PublisherSettings) -> str:
    """ClaimReview JSON-LD, safe to paste inside <script type="application/ld+json">."""
    return script_safe_json([claim_review(i, publisher) for i in items])


def markup_page(item: ExportItem, publisher: PublisherSettings) -> dict:
    """The ClaimReviewMarkupPage shape that Google's Fact Check Tools API accepts, one page per note."""
    review = claim_review(item, publisher)
    markup: dict = {
        "url": review["url"],
        "claimReviewed": review["claimReviewed"],
        "rating": {
            "textualRating": review["reviewRating"]["alternateName"],
            "ratingValue": review["reviewRating"]["ratingValue"],
            "worstRating": 1,
            "bestRating": 5,
        },
    }
    if item.claim.claim_date:
        markup["claimDate"] = item.claim.claim_date.isoformat()
    if author := claim_author(item):
        markup["claimAuthor"] = {"name": author["name"]}
    if appearance := review["itemReviewed"]["appearance"].get("url"):
        markup["claimAppearances"] = [appearance]
    return {
        "pageUrl": review["url"],
        "publishDate": review["datePublished"],
        "claimReviewAuthor": {"name": publisher.name.strip()},
        "claimReviewMarkups": [markup],
    }


def to_markup_pages(items: list[ExportItem], publisher: PublisherSettings) -> str:
    return script_safe_json([markup_page(i, publisher) for i in items])


CSV_COLUMNS = (
    "note",
    "claim",
    "claim words",
    "said by",
    "claim date",
    "article",
    "article url",
    "verdict",
    "rating",
    "explanation",
    "sources",
    "reviewer",
    "first approved",
    "status",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: article text starting with = + - @ would otherwise run as a formula
    (CSV injection), so it gets a leading apostrophe, as spreadsheets themselves write it."""
    text = " ".join(str(value if value is not None else "").split())
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(items: list[ExportItem], publisher: PublisherSettings) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        note, claim, document = item.note, item.claim, item.document
        sources = "; ".join(
            f"{c.document_title or c.document_id} <{safe_url(c.document_url) or ''}>".replace(" <>", "")
            for c in note.citations
        )
        row = (
            note.id,
            item.headline,
            claim.text,
            claim.speaker,
            claim.claim_date or "",
            document.title,
            safe_url(document.url) or "",
            note.verdict.value,
            RATINGS[note.verdict][1],
            item.explanation,
            sources,
            item.approved_by,
            item.first_approved or "",
            note.status.value,
        )
        writer.writerow([_spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


for _name, _suffix, _media_type, _description, _renderer in (
    (
        "md",
        "md",
        "text/markdown; charset=utf-8",
        "Markdown, one section per note",
        lambda i, p: to_markdown(i),
    ),
    (
        "html",
        "html",
        "text/html; charset=utf-8",
        "a standalone HTML report, claims marked in their articles",
        lambda i, p: to_html(i),
    ),
    (
        "json",
        "json",
        "application/json",
        "notes with claims, evidence and citations",
        lambda i, p: to_json(i),
    ),
    (
        "csv",
        "csv",
        "text/csv; charset=utf-8",
        "one row per note, the columns of a desk's spreadsheet",
        to_csv,
    ),
    ("claimreview", "json", "application/ld+json", "schema.org ClaimReview JSON-LD", to_claimreview),
    ("markup", "json", "application/json", "Google Fact Check Tools ClaimReviewMarkupPage", to_markup_pages),
):
    export_format(_name, _suffix, _media_type, _description)(_renderer)


def format_infos() -> list[ExportFormatInfo]:
    """Every export format, in the order the CLI and the desk list them."""
    return [
        ExportFormatInfo(name=f.name, suffix=f.suffix, media_type=f.media_type, description=f.description)
        for f in EXPORT_FORMATS.values()
    ]


PUBLISHING = ("claimreview", "markup")  # formats a fact-check site or Google publishes as they are
UNAPPROVED = "UNAPPROVED DRAFT"


def export_notes(
    db: ReviewStores,
    notes: list[Note],
    filters: QueueFilter,
    fmt: str,
    publisher: PublisherSettings,
    per_article: bool,
    stale: list[tuple[str, str]],
    include_unapproved: bool = False,
) -> Export:
    """Notes rendered for publishing; a note whose citation no longer resolves, and every stale note (id,
    reason), is left out with one line. The publishing formats carry approved notes only, unless
    `include_unapproved`, which marks every other one as an unapproved draft."""
    EXPORT_FORMATS.get(fmt)  # an unknown format says which there are, before anything else
    unapproved = [n.id for n in notes if n.status != NoteStatus.approved]
    if fmt in PUBLISHING and unapproved and not include_unapproved:
        raise InputError(
            f"{fmt} publishes approved notes only, and {len(unapproved)} of these are not approved (e.g. "
            f"{unapproved[0]}); export them with --status approved, or pass --include-unapproved to mark each "
            "as an unapproved draft"
        )
    items, withheld = gather(db, notes)
    withheld += [
        f"note {note_id} left out: it is stale ({reason}); re-check and approve it again in review"
        for note_id, reason in stale
    ]
    if not items:
        status = filters.status.value if filters.status else "matching"
        because = f" ({len(withheld)} left out: {withheld[0]})" if withheld else ""
        hint = (
            "approve some first (`factcheck review`) or pass --status all"
            if filters.status
            else "draft some first"
        )
        raise InputError(f"no {status} notes to export{because}; {hint}")
    files = render(items, fmt, publisher, per_article)
    return Export(files=files, notes=len(items), withheld=withheld, media_type=EXPORT_FORMATS[fmt].media_type)


def render(
    items: list[ExportItem], fmt: str, publisher: PublisherSettings, per_article: bool = False
) -> dict[str, str]:
    """File name -> content: one file named 'notes.<suffix>', or with `per_article` one Markdown file per
    article.
    """
    chosen = EXPORT_FORMATS.find(fmt)
    if chosen is None:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS.names())}")
    if per_article:
        if fmt != "md":
            raise InputError("--per-article is for --format md")
        return markdown_per_article(items)
    return {f"notes.{chosen.suffix}": chosen.render(items, publisher)}
