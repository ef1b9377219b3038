"""Key terms of a text: the named things and numbers that make two statements about the same thing.

Countries are normalised across their names, demonyms and capitals ("Moscow troops" and "Russian troops"
are about the same army; "US troops" are not)."""

from __future__ import annotations

import re

_COUNTRIES = {
    "russia": "russia russian russians moscow kremlin",
    "us": "us u.s. usa america american americans washington pentagon",
    "uk": "uk u.k. britain british england english london whitehall",
    "ukraine": "ukraine ukrainian ukrainians kyiv kiev",
    "china": "china chinese beijing",
    "france": "france french paris",
    "germany": "germany german germans berlin",
    "nato": "nato",
    "eu": "eu european brussels",
    "belarus": "belarus belarusian minsk",
    "india": "india indian indians delhi",
    "nigeria": "nigeria nigerian nigerians abuja lagos",
    "israel": "israel israeli israelis jerusalem",
    "iran": "iran iranian iranians tehran",
    "japan": "japan japanese tokyo",
    "canada": "canada canadian canadians ottawa",
    "australia": "australia australian australians canberra",
    "brazil": "brazil brazilian brazilians",
    "mexico": "mexico mexican mexicans",
    "turkey": "turkey turkish ankara",
    "poland": "poland polish warsaw",
    "italy": "italy italian italians rome",
    "spain": "spain spanish madrid",
    "pakistan": "pakistan pakistani pakistanis islamabad",
    "south africa": "south-africa pretoria",
    "kenya": "kenya kenyan kenyans nairobi",
    "ghana": "ghana ghanaian accra",
    "syria": "syria syrian syrians damascus",
}
COUNTRY_OF = {word: country for country, words in _COUNTRIES.items() for word in words.split()}
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
    or other our out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with would
    you your said says say told according per cent percent""".split()
)
_TOKEN = re.compile(r"[A-Za-z][\w.’'-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*")
_CAPITALISED = re.compile(r"[A-Z]")


def _normal(word: str) -> str:
    lowered = word.lower().rstrip(".").removesuffix("'s").removesuffix("’s")
    return COUNTRY_OF.get(lowered, lowered)


def key_terms(text: str) -> set[str]:
    """Named things (capitalised words, countries normalised) and numbers; stop words never count."""
    terms = set()
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            terms.add(token.rstrip(".,").replace(",", ""))
        elif _CAPITALISED.match(token):  # "us" the pronoun is not "US" the country
            word = _normal(token)
            if word not in STOPWORDS and len(word) > 1:
                terms.add(word)
    return terms


def content_words(text: str) -> set[str]:
    """Lower-cased words of four letters or more that are not stop words (countries normalised)."""
    return {_normal(t) for t in _TOKEN.findall(text) if len(t) >= 4 and t.lower() not in STOPWORDS}


def countries(text: str) -> set[str]:
    """Countries a text names by name, demonym or capital (capitalised, so 'us' the pronoun is no country)."""
    return {COUNTRY_OF[t.lower()] for t in _TOKEN.findall(text) if t[0].isupper() and t.lower() in COUNTRY_OF}
