"""Which language a document is in: claim detection's number, date and speaker rules are English-only, so
documents in another language are flagged, never run through them silently."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Languages the identifier may answer; limiting the set keeps short English texts from being called Pidgin.
LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "pl": "Polish",
    "cs": "Czech", "sk": "Slovak", "sl": "Slovenian", "hr": "Croatian", "ro": "Romanian", "hu": "Hungarian",
    "el": "Greek", "bg": "Bulgarian", "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic",
    "he": "Hebrew", "fa": "Persian", "hi": "Hindi", "id": "Indonesian", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "ca": "Catalan",
}  # fmt: skip
MIN_CHARS = 40  # below this a guess is noise
# Claims are looked for in articles of up to this many characters (about 30,000 words; a long feature is 60,000).
# Longer documents are indexed as evidence only: measured on 2 cores, detection costs about 40 s and 610 MB per
# 200,000 characters of dense figures, and a 10 MB file would take most of an hour (README, Claims).
MAX_ARTICLE_CHARS = 200_000
MIN_PROBABILITY = 0.8
SAMPLE_CHARS = 4000
# Words common in English and rare as whole words in the other languages above ("of", "is", "was", "to", "for",
# "at", "by" and "will" are left out: Dutch, German and the Nordic languages use them too). In the example
# articles and AVeriTeC's evidence the median text has 16% of its words from this set; a text with 10% is
# English without asking the identifier, which costs 0.5 to 1 ms a document next to the embedding model.
ENGLISH_MARKERS = frozenset(
    "the and that with said from this which their they were would have has been not it its his she are be".split()
)
ENGLISH_SHARE = 0.10
MIN_WORDS = 40
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(LANGUAGES))
    return identifier


def load_identifier() -> None:
    """Load the language identifier now (0.4 s, mostly decompressing its model), e.g. beside other start-up work."""
    _identifier()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or '' when the text is too short or the guess is unsure."""
    sample = text.strip()[:SAMPLE_CHARS]
    if len(sample) < MIN_CHARS:
        return ""
    if clearly_english(sample):
        return "en"
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= MIN_PROBABILITY else ""


def clearly_english(sample: str) -> bool:
    """At least MIN_WORDS words, and ENGLISH_SHARE of them English function words: the identifier's answer
    for such a text is English (checked on every text of the example and public corpora: README)."""
    words = _WORD.findall(sample.lower())
    return len(words) >= MIN_WORDS and sum(w in ENGLISH_MARKERS for w in words) >= ENGLISH_SHARE * len(words)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code or "unknown")
