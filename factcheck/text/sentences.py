"""Sentence splitting with exact character offsets, robust to glued sentences and run-in subheadings."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

# "Truss.Both" and "comedy".Security": a sentence end glued to the next sentence's capital letter.
_GLUED_END = re.compile(
    r"(?:(?<=[a-z0-9%)\]])|(?<=[a-z0-9%)\]][\"”’]))[.!?](?=[\"“]?[A-Z][a-z])|(?<=[a-z][.!?][\"”’])(?=[A-Z])"
)
# A short Title-Case heading run into the first word of the next sentence: "Security RowThe West".
_SENTENCE_STARTERS = (
    "The|A|An|In|On|At|It|Its|This|That|These|Those|He|She|They|We|I|As|But|And|For|After|Before|"
    "While|When|According|Meanwhile|However|Last|Over|During|With|Since|Despite|Earlier|Later|Also|Both"
)
_RUN_IN_HEADING = re.compile(
    rf"((?:[A-Z][\w'’-]*\s+){{0,5}}[A-Z][a-z'’-]*[a-z])(?=(?:{_SENTENCE_STARTERS})\b\s)"
)
_TERMINAL = re.compile(r"[.!?…][\"”’)\]]*$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    kind: str = "sentence"  # "sentence" or "heading"


class _PatternCache:
    """`re` as pysbd sees it: the same functions over a cache of compiled patterns of its own.

    pysbd's English rules build about 4,000 distinct patterns (one per abbreviation and rule) through `re`'s
    module functions, whose cache keeps 512: every sentence compiled them again, a third of claim detection's
    time on debate transcripts. Enlarging `re`'s own cache would change it for the whole process; this keeps
    the compiled patterns for pysbd's modules alone."""

    def __getattr__(self, name: str) -> object:  # constants (IGNORECASE), escape, error, Pattern ...
        return getattr(re, name)

    @staticmethod
    @lru_cache(maxsize=8192)
    def compile(pattern: str | re.Pattern, flags: int = 0) -> re.Pattern:
        return re.compile(pattern, flags)

    def sub(self, pattern, repl, string, count=0, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).sub(repl, string, count)

    def search(self, pattern, string, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).search(string)

    def match(self, pattern, string, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).match(string)

    def findall(self, pattern, string, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).findall(string)

    def finditer(self, pattern, string, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).finditer(string)

    def split(self, pattern, string, maxsplit=0, flags=0):  # noqa: ANN001, ANN201
        return self.compile(pattern, flags).split(string, maxsplit)


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    cache = _PatternCache()
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "pysbd" and getattr(module, "re", None) is re:
            module.re = cache  # type: ignore[attr-defined]
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink (start, end) past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# No sentence end before the last character: pysbd returns such a line whole (checked on 18,888 lines of debate
# transcripts, AVeriTeC and the examples), so it is not asked. Most lines of a transcript are one sentence.
_ONE_SENTENCE = re.compile(r"[^.!?…]*[.!?…]?")


def _pysbd_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] by pysbd, re-anchored onto the original offsets."""
    chunk = text[start:end]
    if _ONE_SENTENCE.fullmatch(chunk):
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        sent = piece.sent.strip()
        if not sent:
            continue
        found = chunk.find(sent, cursor)
        if found < 0:  # pysbd never rewrites with clean=False, but stay safe
            continue
        spans.append((start + found, start + found + len(sent)))
        cursor = found + len(sent)
    return spans or [(start, end)]


def _glue_splits(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    for match in _GLUED_END.finditer(text, start, end):
        cuts.append(match.end())
    cuts.append(end)
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Split text[start:end] into sentences and headings; every span is exact and trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    for block in re.finditer(r"[^\n]+", text[start:end]):
        b_start, b_end = trim_span(text, start + block.start(), start + block.end())
        if b_start >= b_end:
            continue
        block_text = text[b_start:b_end]
        if not _TERMINAL.search(block_text) and len(block_text.split()) <= 12:
            sentences.append(Sentence(b_start, b_end, block_text, "heading"))
            continue
        for g_start, g_end in _glue_splits(text, b_start, b_end):
            for p_start, p_end in _linear_pieces(text, *trim_span(text, g_start, g_end)):
                spans = (
                    [(p_start, p_end)] if p_end - p_start > LONG_TEXT else _pysbd_spans(text, p_start, p_end)
                )
                for s_start, s_end in spans:
                    sentences.extend(_split_run_in_heading(text, s_start, s_end))
    return sentences


LONG_TEXT = 3000  # pysbd's time grows with the square of a line's length: longer lines are cut first


def _linear_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A long line cut into sentences by the linear splitter, so pysbd only ever sees short pieces."""
    if end - start <= LONG_TEXT:
        return [(start, end)]
    return [(start + a, start + b) for a, b in sentence_spans(text[start:end])]


def _split_run_in_heading(text: str, start: int, end: int) -> list[Sentence]:
    match = _RUN_IN_HEADING.match(text, start, end)
    if match and match.end() - start < end - start:
        head_end = match.end(1)
        return [
            Sentence(start, head_end, text[start:head_end], "heading"),
            Sentence(head_end, end, text[head_end:end]),
        ]
    return [Sentence(start, end, text[start:end])]


# A sentence end for evidence passages: terminal punctuation (and closing quotes) before space and a capital,
# digit or opening quote; a glued end ("Truss.Both"); or a line break. Abbreviations and initials do not end one.
_EVIDENCE_END = re.compile(r"[.!?…][\"”’)\]]*(?=\s+[\"“‘(]?[A-Z0-9])|[.!?][\"”’]?(?=[\"“]?[A-Z][a-z])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Col|Lt|Sgt|Gov|Sen|Rep|No|vs|etc|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|est|Fig)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a short text (an evidence passage) in linear time, without pysbd: cut after terminal
    punctuation followed by a capital, at glued sentence ends and at line breaks. Spans are trimmed."""
    spans, start = [], 0
    for match in _EVIDENCE_END.finditer(text):
        end = match.end()
        if match.group(0).startswith(".") and _ABBREVIATION.search(text, max(0, start), match.start() + 1):
            continue
        a, b = trim_span(text, start, end)
        if b > a:
            spans.append((a, b))
        start = end
    a, b = trim_span(text, start, len(text))
    if b > a:
        spans.append((a, b))
    return spans
