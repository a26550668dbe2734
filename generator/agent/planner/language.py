"""Refuse specs the offline planner cannot read, instead of planning from misread words."""

from __future__ import annotations

from functools import cache
from typing import Any

from generator.errors import UnsupportedLanguage

MIN_LETTERS = 12
"""Below this the detector guesses; short English fragments must not be refused."""


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
        Language.ITALIAN, Language.DUTCH, Language.PORTUGUESE, Language.POLISH,
        Language.SWEDISH, Language.DANISH, Language.TURKISH, Language.RUSSIAN,
    ]  # fmt: skip
    return LanguageDetectorBuilder.from_languages(*languages).build()


def ensure_english(text: str) -> None:
    """Raise :class:`UnsupportedLanguage` when ``text`` is clearly not English."""
    from lingua import Language

    if sum(char.isalpha() for char in text) < MIN_LETTERS:
        return
    detected = _detector().detect_language_of(text)
    if detected is None or detected == Language.ENGLISH:
        return
    name = detected.name.title()
    raise UnsupportedLanguage(
        f"the spec looks like {name}; the offline planner understands English only. "
        "Write the spec in English, or plan with a language model provider (--model)."
    )
