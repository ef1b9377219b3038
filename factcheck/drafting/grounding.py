"""The citation rule, in one place: a citation names a stored passage, and its quote is verbatim in that
passage at the stored offsets. Drafting, the LLM validator, review and export all call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from factcheck.models import Citation, Passage
from factcheck.text.terms import content_words

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS)).strip().lower()


def locate_quote(quote: str, passage_text: str) -> tuple[int, int] | None:
    """Where the quote sits in the passage: exactly, or after normalising whitespace, quote marks and case
    (then the passage's own characters are cited, so a stored quote is always verbatim)."""
    if quote and (position := passage_text.find(quote)) >= 0:
        return position, position + len(quote)
    target = _normalise(quote)
    if not target:
        return None
    # Map each normalised character back to the passage offset it came from.
    chars, offsets, previous_space = [], [], True
    for index, char in enumerate(passage_text):
        char = _normalise(char) or " "
        if char == " ":
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        chars.append(char)
        offsets.append(index)
    found = "".join(chars).find(target)
    if found < 0:
        return None
    return offsets[found], offsets[found + len(target) - 1] + 1


def carries_content(quote: str) -> bool:
    """A quote must say something: a content word (four letters or more, not a stop word) or a figure of two
    digits or more. 'e', 'the' or 'Yes.' cannot ground a verdict."""
    return bool(content_words(quote)) or bool(re.search(r"\d\d", quote))


def cite(passage: Passage, start: int, end: int, title: str = "", url: str = "") -> Citation:
    """A citation of passage.text[start:end] (offsets into the passage), stored with document offsets."""
    return Citation(
        passage_id=passage.id,
        document_id=passage.document_id,
        document_title=title,
        document_url=url,
        quote=passage.text[start:end],
        start=passage.start + start,
        end=passage.start + end,
    )


def resolve_quote(passage: Passage, quote: str, title: str = "", url: str = "") -> Citation | None:
    """The citation of `quote` in `passage`, repaired to the passage's own characters; None if absent."""
    span = locate_quote(quote, passage.text)
    return cite(passage, *span, title=title, url=url) if span and carries_content(quote) else None


def ungrounded(citations: Iterable[Citation], passages: Mapping[str, Passage]) -> list[str]:
    """What is wrong with each citation that does not resolve to a stored passage with its quote verbatim
    at its offsets; an empty list means every citation is grounded."""
    problems = []
    for citation in citations:
        passage = passages.get(citation.passage_id)
        if not carries_content(citation.quote):
            problems.append(f"quote {citation.quote[:40]!r} carries no content (a word or a figure)")
        elif passage is None:
            problems.append(f"{citation.passage_id} is not a stored passage")
        elif (
            not (passage.start <= citation.start < citation.end <= passage.end)
            or passage.text[citation.start - passage.start : citation.end - passage.start] != citation.quote
        ):
            problems.append(f"quote {citation.quote[:40]!r} is not verbatim in {citation.passage_id}")
    return problems
