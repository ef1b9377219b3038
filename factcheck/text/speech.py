"""Quotes, reporting verbs, speakers and channels: who said what, and where."""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORTING_VERBS = (
    "said|says|say|told|tells|wrote|writes|stated|states|added|adds|continued|quipped|criticized|criticised|stressed|"
    "noted|argued|claimed|claims|asserted|asserts|insisted|insists|explained|outlined|warned|announced|declared|tweeted|"
    "posted|underlined|emphasized|emphasised|accused|accuse|branded|described|denied|admitted|confirmed|reported|"
    "regretted|addressed|alleged|acknowledged|revealed|promised|vowed|suggested|blamed|called|urged|demanded|"
    "remarked|pointed out|maintained|reiterated|recalled|estimated|predicted|saying|insist|insisted|"
    "rule out|ruled out|"
    "warned|warning|stressing"
)
_CAP = r"[A-Z][\w'’.&-]*"
_ROLE = (
    r"(?:spokes(?:man|woman|person)|minister|president|secretary|official|officials|ambassador|chief|head|leader|"
    r"counterpart|foreign|prime|deputy|representative|envoy|general|commander|analysts?|experts?|lawmakers?|senator|"
    r"governor|mayor|ministry|government|authorities|police|army|military|sources?)"
)
_NP = (
    rf"(?:(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir)\s+)?(?:{_CAP}|{_ROLE})"
    rf"(?:\s+(?:{_CAP}|{_ROLE}|of|for|and(?:\s+the)?))*"
)
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey)"
_FILLER = (
    r"(?:\s+(?:did\s+not|does\s+not|also|further|has|have|had|repeatedly|reportedly|later|earlier|then|"
    r"again|previously|continues\s+to|continue\s+to|however,?|was|were|is|been|quoted\s+as))*"
)
_PAREN = r"(?:,\s[^,\"“”]{1,30},)?"
_VERB = rf"(?P<verb>{REPORTING_VERBS})"
SUBJECT_VERB = re.compile(rf"(?<![\w'’])(?P<speaker>{_NP}|{_PRONOUN}){_PAREN}{_FILLER}\s+{_VERB}\b")
VERB_SUBJECT = re.compile(rf"(?:^|[,\"”]\s*){_VERB}\s+(?P<speaker>{_NP})\s*(?:[,.]|$)")
PASSIVE_BY = re.compile(rf"\b(?:was|were|is|are)\s+(?:\w+ly\s+)?(?P<verb>\w+ed)\s+by\s+(?P<speaker>{_NP})")
_CHANNEL = re.compile(
    r"\b(?:on|via)\s+(?P<platform>Twitter|X|Facebook|Telegram|Instagram|TikTok|YouTube|Truth Social|"
    r"LinkedIn|Weibo)\b"
    r"|\b(?:by|to|told)\s+(?P<agency>(?:the\s+)?(?:[A-Z]{2,}|[A-Z][a-z]+\s+(?:News|Agency|Times|Post|Press|Journal))\b)"
    r"|\bin\s+(?:a|an|the)\s+(?P<venue>(?:press\s+)?(?:statement|interview|press conference|briefing|speech|"
    r"post|op-ed|letter))"
)
_NON_SPEAKERS = {"it", "this", "that", "there", "which", "who", "i", "we", "you", "report", "reports"}
_TITLE_WORDS = {"the", "his", "her", "their"}


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # inside the quotation marks
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    speaker: str
    verb: str
    channel: str
    pronoun: bool
    start: int  # where the speaker phrase starts


def find_quotes(text: str, start: int, end: int, min_words: int = 1) -> list[QuoteSpan]:
    """Quoted passages in text[start:end] (straight or curly quotes), trimmed of closing punctuation."""
    quotes = []
    for match in re.finditer(r"\"([^\"]+)\"|“([^”]+)”", text[start:end]):
        inner_start = start + match.start() + 1
        inner_end = start + match.end() - 1
        inner = text[inner_start:inner_end]
        stripped = inner.rstrip(" ,")
        inner_end -= len(inner) - len(stripped)
        if len(stripped.split()) >= min_words:
            quotes.append(QuoteSpan(inner_start, inner_end, text[inner_start:inner_end]))
    return quotes


def clean_speaker(phrase: str) -> str:
    """'The UK's Liz Truss' -> 'Liz Truss'; 'the Kremlin' -> 'Kremlin'."""
    phrase = re.split(r"['’]s\s+", phrase)[-1].strip(" .,;:")
    words = phrase.split()
    while words and words[0].lower() in _TITLE_WORDS:
        words = words[1:]
    while words and words[-1].lower() in ("of", "for", "and", "the"):
        words = words[:-1]
    return " ".join(words)


def channel_in(text: str) -> str:
    match = _CHANNEL.search(text)
    if not match:
        return ""
    return clean_speaker(match["platform"] or match["agency"] or match["venue"] or "")


def _accept(match: re.Match | None) -> Attribution | None:
    if match is None:
        return None
    speaker = match["speaker"]
    if speaker.lower() in _NON_SPEAKERS or speaker.split()[0].lower() in _NON_SPEAKERS:
        return None
    pronoun = bool(re.fullmatch(_PRONOUN, speaker))
    return Attribution(
        speaker=speaker if pronoun else clean_speaker(speaker),
        verb=match["verb"],
        channel="",
        pronoun=pronoun,
        start=match.start("speaker"),
    )


def find_attribution(text: str, start: int, end: int, quotes: list[QuoteSpan]) -> Attribution | None:
    """Who the sentence attributes its content to, looking outside quotation marks only."""
    outside = list(text[start:end])
    for quote in quotes:
        for position in range(max(quote.start - 1, start), min(quote.end + 1, end)):
            outside[position - start] = " "
    plain = "".join(outside)
    candidates = []
    for pattern in (SUBJECT_VERB, VERB_SUBJECT, PASSIVE_BY):
        for match in pattern.finditer(plain):
            if attribution := _accept(match):
                candidates.append(attribution)
                break
    if not candidates:
        return None
    best = min(candidates, key=lambda a: (a.pronoun, a.start))
    tail = plain[best.start :]
    return Attribution(best.speaker, best.verb, channel_in(tail), best.pronoun, start + best.start)


def is_person_like(speaker: str) -> bool:
    """A named speaker a later 'he' or 'she' can refer to: a capitalised word that is not a role."""
    return any(word[0].isupper() and not re.fullmatch(_ROLE, word.lower()) for word in speaker.split())
