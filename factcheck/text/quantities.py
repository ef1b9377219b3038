"""Find quantities in text: digits and number words, hedges ("about", "more than") and counted nouns."""

from __future__ import annotations

import re

from text_to_num import text2num

from factcheck.models import Quantity

APPROXIMATORS = (
    "more than",
    "fewer than",
    "less than",
    "at least",
    "at most",
    "up to",
    "as many as",
    "as much as",
    "as few as",
    "upwards of",
    "close to",
    "nearly",
    "almost",
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "over",
    "under",
    "just over",
    "just under",
    "well over",
    "an estimated",
    "estimated",
    "no more than",
    "no fewer than",
)
_NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion"
)
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "k": 1e3,
}
_CURRENCIES = {"$": "dollars", "£": "pounds", "€": "euros", "¥": "yen"}
_VAGUE = {
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
    "millions": 2e6,
    "billions": 2e9,
    "tens of thousands": 20000,
    "hundreds of thousands": 200000,
}

_APPROX = "|".join(sorted((re.escape(a) for a in APPROXIMATORS), key=len, reverse=True))
_WORD_NUMBER = rf"(?:(?:{_NUMBER_WORDS}|one|a)(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORDS}|one))*)"
_QUANTITY = re.compile(
    rf"(?:\b(?P<approx>{_APPROX})\s+)?"
    rf"(?:(?P<currency>[$£€¥])\s?)?"
    rf"(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)|\b(?P<vague>tens of thousands|"
    rf"hundreds of thousands|dozens|hundreds|thousands|millions|billions)\s+of|\b(?P<words>{_WORD_NUMBER})\b)"
    rf"(?:\s?(?P<scale>thousand|million|mln|billion|bn|trillion)\b)?"
    rf"(?P<percent>\s?(?:%|per\s?cent\b|percent\b))?",
    re.I,
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_STOP = {
    "on",
    "in",
    "at",
    "of",
    "to",
    "from",
    "for",
    "with",
    "by",
    "near",
    "along",
    "across",
    "into",
    "and",
    "or",
    "but",
    "that",
    "which",
    "who",
    "were",
    "was",
    "are",
    "is",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "the",
    "a",
    "an",
    "than",
    "as",
    "since",
    "after",
    "before",
    "during",
    "while",
    "per",
    "each",
    "this",
    "these",
    "those",
}
_REFERENCE_DETERMINERS = re.compile(r"\b(?:the|these|those|its|their|his|her|our|both|all|every)\s+$", re.I)
_EXTENDABLE_PREPOSITIONS = ("on", "near", "along", "at", "in", "inside", "across", "around")
_PLURALS = {
    "people",
    "children",
    "men",
    "women",
    "police",
    "personnel",
    "staff",
    "military",
    "percent",
    "cent",
    "feet",
}
_PLACE_PHRASE_END = re.compile(
    r"\s+(?:and|but|or|while|which|who|that|as|after|before|because|since|when|is|are|was|were|has|have|had|will|"
    r"would|went|could|said|says|according)\b|\s+\S*\d"
)


def _value(match: re.Match) -> float | None:
    if match["digits"]:
        value = float(match["digits"].replace(",", ""))
    elif match["vague"]:
        value = float(_VAGUE[match["vague"].lower()])
    else:
        words = re.sub(r"^a\s+", "one ", match["words"].lower()).replace(" and ", " ")
        try:
            value = float(text2num(words.replace("-", " ") if " " in words else words, "en"))
        except ValueError:
            return None
    if match["scale"]:
        value *= _SCALES[match["scale"].lower()]
    return value


def _is_date_or_year(text: str, match: re.Match) -> bool:
    before, after = text[max(0, match.start() - 12) : match.start()], text[match.end() : match.end() + 12]
    digits = match["digits"] or ""
    if re.search(rf"{_MONTH}\s*$", before) or re.match(rf"\s*{_MONTH}", after):
        return True
    if (
        re.fullmatch(r"(1[6-9]|20)\d\d", digits)
        and not match["scale"]
        and not match["percent"]
        and not match["currency"]
    ):
        return True
    if re.match(r"[./:]\d", after) or re.search(r"\d[./:]$", before):  # 10.02.2022, 12:30
        return True
    return bool(re.match(r"(?:st|nd|rd|th)\b", after))


def _counted_noun(text: str, start: int, limit: int) -> tuple[str, int]:
    """The unit or counted noun after a number, and where its phrase ends ('Moscow troops' -> 'troops')."""
    words = list(re.finditer(r"[A-Za-z][\w'’-]*", text[start:limit]))
    head, end = "", start
    for position, word in enumerate(words[:4]):
        gap = text[start + (words[position - 1].end() if position else 0) : start + word.start()]
        lowered = word.group(0).lower()
        if re.search(r"[,;:.!?()\"“”]", gap) or lowered in _STOP:
            break
        if head and lowered.endswith(("ed", "ing")):
            break  # a verb: "two hundred people died"
        head, end = word.group(0), start + word.end()
        if (lowered.endswith("s") and not head[0].isupper()) or lowered in _PLURALS:
            break
    return head, end


def _extend_with_place(text: str, end: int, limit: int) -> int:
    """Extend 'troops' with a locative phrase: '... troops on the border of the two countries'."""
    match = re.match(rf"\s+(?:{'|'.join(_EXTENDABLE_PREPOSITIONS)})\s+[^,;:.!?\"“”()]+", text[end:limit])
    if not match:
        return end
    phrase = match.group(0)
    cut = _PLACE_PHRASE_END.search(phrase, 1)
    phrase = phrase[: cut.start()] if cut else phrase.rstrip()
    if len(phrase.split()) > 10 or len(phrase.split()) < 2:
        return end
    return end + len(phrase)


def _is_part_of_a_name(text: str, match: re.Match) -> bool:
    """'COVID-19', 'MH17', 'F-35', 'G7': digits glued to a word are a name, not an amount."""
    if not match["digits"] or match["approx"] or match["currency"]:
        return False
    before = text[max(0, match.start() - 2) : match.start()]
    return bool(re.search(r"[A-Za-z]-?$", before))


def is_vague(quantity: Quantity) -> bool:
    """'thousands of dollars', 'dozens of people': an amount too vague to agree or disagree with a figure."""
    return not re.search(r"\d", quantity.text) and bool(
        re.search(r"\b(?:dozens|hundreds|thousands|millions|billions)\b", quantity.text, re.I)
    )


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Quantities in text[start:end] with exact offsets; years, dates, ordinals and references are ignored."""
    end = len(text) if end is None else end
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text, start, end):
        if not (match["digits"] or match["vague"] or match["words"]):
            continue
        if match["words"] and match["words"].lower() in ("a", "one") and not match["scale"]:
            continue
        if _is_date_or_year(text, match) or _is_part_of_a_name(text, match):
            continue
        value = _value(match)
        if value is None:
            continue
        if (
            not match["approx"]
            and value < 20
            and _REFERENCE_DETERMINERS.search(text[max(start, match.start() - 12) : match.start()])
        ):
            continue  # "the two countries" refers, it does not count
        unit = "percent" if match["percent"] else ""
        noun, noun_end = _counted_noun(text, match.end(), end)
        if not unit:
            unit = noun or _CURRENCIES.get(match["currency"] or "", "")
        q_end = noun_end if noun else match.end()
        found.append(
            Quantity(
                text=text[match.start() : q_end],
                value=value,
                approximation=(match["approx"] or ("more than" if match["vague"] else "")).lower(),
                unit=_CURRENCIES.get(match["currency"] or "", unit)
                if match["currency"] and not noun
                else unit,
                start=match.start(),
                end=q_end,
            )
        )
    return found


def quantity_claim_span(text: str, quantity: Quantity, limit: int) -> tuple[int, int]:
    """The checkable core around a quantity: the quantity and the place it is counted at."""
    return quantity.start, _extend_with_place(text, quantity.end, limit)
