"""Posts from social media as claims: the words without links, '@' and '#' signs or the embed trailer.

An embedded tweet ends with "— Name (@handle) Month D, YYYY"; the name is kept (a post by "Morgan Eastwood"
is about the Eastwoods), the handle and date go. Hashtags keep their words: "#DefundTheCBC" is
"Defund The CBC"."""

from __future__ import annotations

import re

_LINK = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|\bwww\.\S+")
_TRAILER = re.compile(r"\s*[—–]+\s*([^(—–]*?)\s*\(@\w+\)\s*(?:[A-Z][a-z]+ \d{1,2}, \d{4})?\s*$")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HANDLE = re.compile(r"@(\w+)")
_SPACE = re.compile(r"\s+")


def clean_post(text: str) -> str:
    """The claim a post makes, as plain words, with its author's name (if the embed trailer gives one) last."""
    author = ""
    trailer = _TRAILER.search(text)
    if trailer:
        author, text = trailer.group(1), text[: trailer.start()]
    text = _LINK.sub(" ", text.replace('""', '"'))
    text = _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), text)
    text = _HANDLE.sub(r"\1", text)
    return _SPACE.sub(" ", f"{text} {author}").strip()
