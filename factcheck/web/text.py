"""Text as the desk shows it: article and evidence text cut into pieces around highlights (rendered one by one
and escaped, so a highlight never needs raw HTML), bidi isolation, messages in the desk's own words, and
numbers read from forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.errors import InputError
from factcheck.models import EvidenceItem


@dataclass
class Piece:
    text: str
    mark: str = ""  # "", "claim", "best", "sentence", "cited"
    number: int = 0  # a sentence's number within its passage
    link: str = ""  # a note page, for claims on the article page
    status: str = ""


def paragraph_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (newline to newline) holding text[start:end]."""
    begin = text.rfind("\n", 0, start) + 1
    stop = text.find("\n", end)
    return begin, len(text) if stop == -1 else stop


def marked(text: str, offset: int, spans: list[tuple[int, int, Piece]]) -> list[Piece]:
    """`text` (which starts at document offset `offset`) cut around non-overlapping spans (document offsets)."""
    pieces, cursor = [], 0
    for start, end, piece in sorted(spans, key=lambda s: s[0]):
        a, b = max(start - offset, 0), min(end - offset, len(text))
        if a < cursor or a >= b:
            continue  # overlaps the previous span, or lies outside the text
        if a > cursor:
            pieces.append(Piece(text[cursor:a]))
        piece.text = text[a:b]
        pieces.append(piece)
        cursor = b
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def evidence_pieces(item: EvidenceItem) -> list[Piece]:
    spans = [
        (s.start, s.end, Piece("", "best" if s.number in item.best else "sentence", s.number))
        for s in item.sentences
    ]
    return marked(item.text, item.start, spans)


# Advice written for the terminal, and what it means on the desk.
_DESK_WORDS = (
    (
        re.compile(r"\(`c` in review, or edit the note\)"),
        "(cite a sentence of the evidence, or edit the note)",
    ),
    (re.compile(r"approve some first \(`factcheck review`\) or pass --status all"), "approve some first"),
    (re.compile(r"pass --reviewer NAME or set FACTCHECK_REVIEWER"), "tell the desk your name (top right)"),
    (re.compile(r"run `factcheck notes list` to see note ids"), "go back to the queue"),
    (re.compile(r"\(c\) or edit the note, then approve"), "or edit the note, then approve"),
    (re.compile(r"`factcheck draft --redo`"), "drafting it again"),
    (re.compile(r"copy an id from `factcheck search`"), "search for the passage on this page"),
)
_GENERIC = (  # whatever advice is left that only a terminal could follow
    (re.compile(r"; reload it and try again: nothing was saved"), lambda m: "; nothing was saved"),
    (
        re.compile(r"'([^']{0,40})' is not a valid (\w+)"),
        lambda m: f"'{m.group(1)}' is not one the desk knows",
    ),
    (re.compile(r"\s*\((?:pass|use|set|run) [^()]*(?:--|FACTCHECK_|`factcheck)[^()]*\)"), lambda m: ""),
    (re.compile(r"[;,]?\s*(?:pass|use|set|run) [^;.]*(?:--[a-z]|FACTCHECK_|`factcheck)[^;.]*"), lambda m: ""),
    (re.compile(r"`factcheck [^`]*`"), lambda m: "the desk"),
    (re.compile(r"FACTCHECK_[A-Z_]+"), lambda m: "the desk's settings"),
    (re.compile(r"(?<!\w)--[a-z][a-z-]+"), lambda m: "an option"),
)
_SERVER_PATH = re.compile(r"(?<![\w:/])(?:/[\w.\-]+){2,}/?")


def desk_words(message: str) -> str:
    """An error in the desk's own words: terminal advice replaced, and no server path shown (a path on the
    server becomes its last part)."""
    for pattern, words in _DESK_WORDS:
        message = pattern.sub(words, message)
    for generic, replace in _GENERIC:
        message = generic.sub(replace, message)
    return _SERVER_PATH.sub(lambda m: m.group().rstrip("/").rsplit("/", 1)[-1], message)


def whole_number(value: str | None, name: str, default: int | None = None) -> int | None:
    """A form or query parameter that must be a small whole number; anything else is a 400 that says so."""
    text = (value or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise InputError(f"{name} must be a whole number, not {text[:20]!r}; go back and reload the page")
    return int(text)
