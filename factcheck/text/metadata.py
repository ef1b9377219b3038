"""Title, date, URL and outlet from messy plain text. What cannot be found stays empty."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlparse

from factcheck.text.sentences import trim_span

_DATE_URL_LINE = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\s*(?P<url>https?://\S+)?\s*$", re.I)
_FIELD_LINE = re.compile(
    r"^\s*(?P<key>title|date|published|url|link|source|outlet|publisher)\s*:\s*(?P<value>.+?)\s*$", re.I
)
_TEASER_TAIL = re.compile(r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4}),\s*(?P<outlet>[A-Z][\w .&'-]{1,60})\s*$")
_URL = re.compile(r"https?://[^\s\"'<>]+")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH = rf"(?:{_MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DATELINE_DATE = "|".join(
    (
        rf"\d{{1,2}}\s+{_MONTH}\s+\d{{4}}",
        rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}",
        r"\d{4}-\d{2}-\d{2}",
        r"\d{1,2}\.\d{1,2}\.\d{4}",
    )
)
# "London, 24 January 2022." / "WASHINGTON, Jan. 24, 2022 (Reuters) -" / "Kyiv, Ukraine, 2022-01-24:": a place
# (optional), a date, an optional agency in brackets, then the end of the line or a dash, colon or full stop.
_DATELINE = re.compile(
    rf"(?:[A-Z][\w'’.\- ]{{1,40}},\s*(?:[A-Z][\w'’.\- ]{{1,30}},\s*)?)?(?P<date>{_DATELINE_DATE})"
    r"(?:\s*\([^()\n]{1,40}\))?\s*(?P<end>$|[-–—:.]\s*)",
    re.I,
)

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
)


def parse_date(value: object) -> date | None:
    """Parse the date formats seen in news metadata; None when it is not clearly a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    if re.fullmatch(
        rf"[\d ,.]*{_MONTH}[\d ,.]*", text, re.I
    ):  # "Jan. 24, 2022", "Sept 24 2022", "24 May, 2022"
        text = re.sub(
            r"\bsept\b", "Sep", " ".join(text.replace(",", " ").replace(".", " ").split()), flags=re.I
        )
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def outlet_from_url(url: str) -> str:
    """The site's host name without 'www.', e.g. 'sputniknews.com'."""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


@dataclass
class TextMetadata:
    title: str = ""
    url: str = ""
    outlet: str = ""
    published: date | None = None
    body_start: int = 0


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line, trimmed."""
    spans = (trim_span(text, m.start(), m.end()) for m in re.finditer(r"[^\n]+", text))
    return [(start, end) for start, end in spans if end > start]


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 30 and len(line) <= 250 and not re.search(r"[.!?][\"”’]?$", line)


def _field_lines(text: str, lines: list[tuple[int, int]], position: int, meta: TextMetadata) -> int:
    """Read metadata lines from `position` on ("date 2022-02-10 https://...", "Title: ...", "URL: ..."); returns
    the position of the first line that is not one."""
    while position < len(lines):
        start, end = lines[position]
        line = text[start:end]
        if match := _DATE_URL_LINE.match(line):
            meta.published = parse_date(match["date"])
            meta.url = match["url"] or meta.url
        elif match := _FIELD_LINE.match(line):
            key, value = match["key"].lower(), match["value"]
            if key == "title":
                meta.title = value
            elif key in ("date", "published"):
                meta.published = parse_date(value) or meta.published
            elif key in ("url", "link"):
                meta.url = value
            else:
                meta.outlet = value
        else:
            break
        meta.body_start = end
        position += 1
    return position


def _dateline(text: str, lines: list[tuple[int, int]], position: int, meta: TextMetadata) -> int:
    """The date of a dateline opening the body ("London, 24 January 2022."); a line that is only a dateline
    belongs to the header."""
    if meta.published or position >= len(lines):
        return position
    start, end = lines[position]
    match = _DATELINE.match(text, start, end)
    if not match or (published := parse_date(match["date"])) is None:
        return position
    meta.published = published
    if match.end() >= end and position + 1 < len(lines):
        meta.body_start = end
        return position + 1
    return position


def metadata_from_text(text: str) -> TextMetadata:
    """Read the header of a plain-text article: dateline/URL line, field lines, title, teaser."""
    meta = TextMetadata()
    lines = _lines(text)
    position = _field_lines(text, lines, 0, meta)
    if position < len(lines) and not meta.title and len(lines) - position > 1:
        start, end = lines[position]
        if _looks_like_title(text[start:end]):
            meta.title = text[start:end].lstrip("#").strip()  # a Markdown "# Heading" too
            meta.body_start = end
            position = _field_lines(text, lines, position + 1, meta)  # a "date 2022-01-24" line under it
    position = _dateline(text, lines, position, meta)
    # A teaser that ends in "10.02.2022, Sputnik International" belongs to the header, not the body.
    if position + 1 < len(lines):  # never the last paragraph: a body must follow the teaser
        start, end = lines[position]
        if match := _TEASER_TAIL.search(text, start, end):
            meta.published = meta.published or parse_date(match["date"])
            meta.outlet = meta.outlet or match["outlet"].strip()
            meta.body_start = end
    if meta.url and not meta.outlet:
        meta.outlet = outlet_from_url(meta.url)
    if not meta.url:
        header = text[: meta.body_start]
        if match := _URL.search(header):
            meta.url = match.group(0)
    return meta
