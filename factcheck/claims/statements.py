"""Rule-based standalone statements. An LLM pass may rewrite them later; spans never change."""

from __future__ import annotations

import re

from factcheck.models import Claim, ClaimType

_PLATFORMS = {
    "Twitter",
    "X",
    "Facebook",
    "Telegram",
    "Instagram",
    "TikTok",
    "YouTube",
    "Truth Social",
    "LinkedIn",
    "Weibo",
}
_VENUES = ("statement", "interview", "press conference", "briefing", "speech", "post", "op-ed", "letter")
_LEADING_PRONOUN = re.compile(r"^(?P<lead>(?:[^,]{0,40},\s+)?)(?P<pronoun>[Hh]e|[Ss]he)\b")


def _said(channel: str) -> str:
    if not channel:
        return "said"
    if channel in _PLATFORMS:
        return f"wrote on {channel}"
    if channel.endswith(_VENUES):
        return f"said in a {channel}"
    return f"said, as quoted by {channel},"


def _when(claim: Claim) -> str:
    return f"{claim.claim_date.day} {claim.claim_date:%B %Y}" if claim.claim_date else ""


def statement_for(claim: Claim, core_sentence: str, speaker: str) -> str:
    """A statement a fact-checker can check without the article: who, what, and when where known."""
    when = _when(claim)
    if claim.type == ClaimType.quote:
        said = _said(claim.channel)
        suffix = f" (reported on {when})" if when else ""
        who = speaker or claim.speaker or "An unnamed speaker"
        return f'{who} {said.rstrip(",")}{"," if said.endswith(",") else ""}: "{claim.text}"{suffix}'.replace(
            ",:", ":"
        )
    sentence = core_sentence
    if speaker and (match := _LEADING_PRONOUN.match(sentence)):
        sentence = f"{match['lead']}{speaker}{sentence[match.end() :]}"
    sentence = sentence[:1].upper() + sentence[1:]
    if not when:
        return sentence + "."
    if claim.type == ClaimType.quantity:
        lead = sentence if _starts_with_name(sentence) else sentence[:1].lower() + sentence[1:]
        return f"As of {when}, {lead}."
    return f"{sentence} (reported on {when})."


_DATE = r"\d{1,2} [A-Z][a-z]+ \d{4}"
_DATED = re.compile(rf"^As of {_DATE}, | \(reported on {_DATE}\)(?=\.?$)")


def without_date(statement: str) -> str:
    """The statement without the date `statement_for` adds ("As of 10 February 2022, ...", "... (reported on
    10 February 2022)."): what the claim says, for reading against evidence. When it was said is compared by the
    date checks, and a date the evidence does not repeat would read as something it does not state."""
    undated = _DATED.sub("", statement)
    return undated[:1].upper() + undated[1:] if undated != statement else statement


def _starts_with_name(sentence: str) -> bool:
    first = sentence.split(" ", 1)[0]
    return (
        first not in ("The", "A", "An", "It", "This", "That", "These", "Those", "There")
        and first[:1].isupper()
    )
