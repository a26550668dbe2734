"""Normalising text before it is screened, so a disguise cannot hide a known attack.

Attackers split trigger words with invisible characters, reorder them with bidi controls, write
them in look-alike Cyrillic or Greek letters, or hide a whole sentence in Unicode tag
characters (invisible in every UI, readable by a model). Screening runs on the normalised text;
the original is never changed on its way to the model, only screened through this lens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Zero-width and formatting characters that render as nothing (Unicode "Cf", the common ones).
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
# Bidirectional embedding, override and isolate controls (Unicode TR9).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Unicode tag characters U+E0000-U+E007F mirror ASCII and are invisible (the "ASCII smuggling"
# trick); U+E0020-U+E007E decode to printable ASCII.
_TAG_FIRST, _TAG_LAST, _TAG_ASCII_OFFSET = 0xE0000, 0xE007F, 0xE0000

# Letters from other scripts that look like Latin ones (a subset of Unicode's confusables list,
# the letters that occur in words an attacker would disguise).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J",
        # Greek
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Normalized:
    """The screening view of a text.

    Attributes:
        text: NFKC text without invisible, bidi or tag characters, look-alikes folded to Latin.
        hidden: ASCII that was smuggled in tag characters (empty when there was none).
        removed: how many invisible, bidi or tag characters were dropped.
        folded: how many look-alike letters were replaced.
    """

    text: str
    hidden: str
    removed: int
    folded: int


def normalize(text: str) -> Normalized:
    """Return the screening view of ``text``: what a model would effectively read."""
    nfkc = unicodedata.normalize("NFKC", text)

    kept: list[str] = []
    hidden: list[str] = []
    removed = 0
    for char in nfkc:
        code = ord(char)
        if _TAG_FIRST <= code <= _TAG_LAST:
            removed += 1
            if 0x20 <= code - _TAG_ASCII_OFFSET <= 0x7E:
                hidden.append(chr(code - _TAG_ASCII_OFFSET))
        elif char in _INVISIBLE or char in _BIDI:
            removed += 1
        else:
            kept.append(char)

    plain = "".join(kept)
    folded_text = plain.translate(_CONFUSABLES)
    folded = sum(1 for before, after in zip(plain, folded_text, strict=True) if before != after)
    return Normalized(folded_text, "".join(hidden), removed, folded)


def mixed_script_words(text: str) -> list[str]:
    """Words that mix Latin letters with look-alikes from another script.

    A real word is written in one script; "аdmin" with a Cyrillic "а" exists only to look like
    "admin" to a person while differing for a program (a role check, a string comparison).
    """
    suspicious: list[str] = []
    for word in text.split():
        letters = [char for char in word if char.isalpha()]
        has_latin = any(char.isascii() for char in letters)
        if has_latin and any(char.translate(_CONFUSABLES) != char for char in letters):
            suspicious.append(word)
    return suspicious
