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


# Terminal control sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes, and the
# 8-bit C1 forms. A title that carries them could clear the screen, recolour text, set the clipboard (OSC 52)
# or hide a link (OSC 8).
_CONTROL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b.?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x9c]*[\x07\x9c]?"  # 8-bit CSI and OSC
)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that reorder the text around them: "Invoice \u202eexe.fdp" shows as "Invoice pdf.exe".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def has_bidi_controls(text: str) -> bool:
    return bool(_BIDI.search(text))


def _visible(match: re.Match) -> str:
    character = match.group()
    if character == "\x1b":
        return "␛"
    return "" if character in "\x07\x00" else f"[U+{ord(character):04X}]"


def terminal_text(text: str) -> str:
    """Stored text made safe to print, with nothing hidden: every control character is shown as a visible
    marker (ESC as ␛, a C1 control such as U+009B as [U+009B]; tabs and newlines kept, BEL and NUL dropped), so
    no sequence is live and no text after one disappears; each bidi control is shown as [U+202E] instead of
    reordering the line."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", _CONTROL_CHARACTERS.sub(_visible, text))


MAX_PUBLIC_TEXT = 2_000  # characters of a public explanation or a comment


def public_text(text: str) -> str:
    """Text as it may be published: control sequences, control characters and bidi controls removed, whitespace
    collapsed to single spaces. Every way into public text (an edit, a drafted quote) goes through it."""
    cleaned = _CONTROL_CHARACTERS.sub("", _CONTROL_SEQUENCE.sub("", text))
    return " ".join(_BIDI.sub("", cleaned).split())


def one_line(text: str, limit: int | None = None) -> str:
    """One printable line: runs of whitespace (newlines included) become one space, characters that are not
    printable (controls, bidi and other format characters) are dropped, and the result is cut at `limit`."""
    line = "".join(c for c in " ".join(str(text).split()) if c.isprintable())
    return line[:limit].rstrip() if limit is not None else line


# Everything between the scheme and the last "@" before the path: a password may hold a raw "@", "#" or "?".
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s]*@")
# A query parameter whose name says it holds a secret: token, key (api-key, x-api-key), code, password, secret,
# sig(nature), auth, credential.
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&;#][\w.\-]*(?:token|key|code|password|passwd|pwd|secret|sig|signature|auth|credential)[\w.\-]*=)"
    r"[^&#\s;]+"
)


def mask_credentials(text: str) -> str:
    """`text` with the credentials of every URL in it masked: the user and password part
    (http://user:sk-...@host becomes http://***@host) and secret-looking query parameters (?api_key=***)."""
    return _SECRET_PARAMETER.sub(r"\1***", _URL_USERINFO.sub(r"\1***@", text))


def source_url(url: str) -> str:
    """A URL as it may be stored and published as a source: without its user and password (a disguise such as
    https://trusted.example@evil.example/ shows its real host) and with secret-looking parameters masked."""
    return _SECRET_PARAMETER.sub(r"\1***", _URL_USERINFO.sub(r"\1", url.strip()))


def masked_settings(data: object) -> object:
    """A settings dump (from `model_dump(mode="json")`) with the credentials of every URL in it masked."""
    if isinstance(data, dict):
        return {key: masked_settings(value) for key, value in data.items()}
    if isinstance(data, list):
        return [masked_settings(value) for value in data]
    return mask_credentials(data) if isinstance(data, str) else data


def word_cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis: never in the middle of a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


# Letters of other alphabets that read as Latin ones in most fonts ("аnn" with a Cyrillic а reads "ann").
_LOOK_ALIKES = str.maketrans(
    "аеорсухіјѕԁһӏвкмнтгαεορτυνκιχвᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘʀsᴛᴜᴠᴡʏᴢ",
    "aeopcyxijsdhlbkmhtraeoptuvkixbabcdeghijklmnoprstuvwyz",
)


def person_key(name: str) -> str:
    """What identifies a person behind a typed name: NFKC-normalised ("ａｎｎ" is "ann"), case folded ("ANN"),
    spaces collapsed, and look-alike letters of other alphabets read as the Latin ones they resemble."""
    import unicodedata

    folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return folded.translate(_LOOK_ALIKES)
