"""Which language a document is in: claim detection's number, date and speaker rules are English-only, so
documents in another language are flagged, never run through them silently."""

from __future__ import annotations

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
MIN_PROBABILITY = 0.8
SAMPLE_CHARS = 4000


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
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= MIN_PROBABILITY else ""


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code or "unknown")
