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

# Cyrillic and Greek letters that look like Latin ones (a subset of Unicode's confusables
# list: the letters of words an attacker would disguise), each mapped to its Latin twin.
_LOOKALIKES = (
    "\u0430\u0432\u0435\u0451\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443"
    "\u0445\u0455\u0456\u0457\u0458\u0501\u051b\u051d\u04bb\u0261\u0410\u0412"
    "\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0405\u0406"
    "\u0408"
    "\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba\u03c4\u03c5\u0391\u0392\u0395\u0396"
    "\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7"
)
_LATIN_TWINS = "abeekmhopctyxsiijdqwhgABEKMHOPCTYXSIJaopviktuABEZHIKMNOPTYX"
_CONFUSABLES = str.maketrans(_LOOKALIKES, _LATIN_TWINS)


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

    A real word is written in one script; "admin" spelled with a Cyrillic "a" (U+0430) exists
    only to look like "admin" to a person while differing for a program (a role check, a
    string comparison).
    """
    suspicious: list[str] = []
    for word in text.split():
        letters = [char for char in word if char.isalpha()]
        has_latin = any(char.isascii() for char in letters)
        if has_latin and any(char.translate(_CONFUSABLES) != char for char in letters):
            suspicious.append(word)
    return suspicious
