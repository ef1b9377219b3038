"""Untrusted text on its way out: article titles, outlets, URLs and quotes come from sources an attacker may
have written. Links are kept only for http(s); Markdown gets no raw HTML or link syntax; JSON is safe to
paste inside a <script> block."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlsplit

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL with a host (spaces and quotes encoded), else None."""
    if not url:
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c in candidate for c in "\r\n\t")
    ):
        return None
    return quote(candidate, safe=":/?#[]@!$&'()*+,;=%-._~")


def markdown_text(text: str) -> str:
    """Plain text for Markdown: HTML is escaped and link or emphasis syntax is taken literally."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(_MARKDOWN_SPECIAL.sub(r"\\\1", escaped).split())


def markdown_link(label: str, url: str | None) -> str:
    """A Markdown link for an http(s) URL; for anything else, the label alone."""
    target = safe_url(url)
    return f"[{markdown_text(label)}](<{target}>)" if target else markdown_text(label)


def script_safe_json(data: object, indent: int | None = 2) -> str:
    """JSON that stays inert inside <script type="application/ld+json">: <, > and & are escaped."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
