"""Currency codes from what people write: "euros", "$", "CAD", or the country they are in.

Names and symbols come from CLDR through babel and codes from ISO 4217 through pycountry,
so every currency the world uses is understood without a hand-written table.
"""

from __future__ import annotations

from functools import cache

from generator.manifest.money import is_iso_currency

PLAIN_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
"""What a bare sign means when nothing else says which dollar or yen it is."""


@cache
def _names() -> dict[str, str]:
    """Lowercase English currency names and plurals ("euro", "euros", "swiss francs") to codes."""
    from babel.numbers import get_currency_name, list_currencies

    names: dict[str, str] = {}
    for code in sorted(list_currencies()):
        if not is_iso_currency(code):
            continue
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en").lower()
            names.setdefault(name, code)
    # A bare "dollar" or "pound" is the most traded one, not the alphabetically first.
    names.update({"dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP"})
    return names


@cache
def _symbols() -> dict[str, str]:
    from babel.numbers import get_currency_symbol, list_currencies

    symbols: dict[str, str] = {}
    for code in sorted(list_currencies()):
        if is_iso_currency(code):
            symbol = get_currency_symbol(code, locale="en")
            if symbol != code:
                symbols.setdefault(symbol, code)
    symbols.update(PLAIN_SIGNS)
    return symbols


def currency_of_word(word: str) -> str | None:
    """The ISO code a word names: a code ("CAD"), a name ("euros") or None."""
    if len(word) == 3 and word.isupper() and is_iso_currency(word):
        return word
    return _names().get(word.lower())


def currency_of_sign(sign: str, country: str | None = None) -> str | None:
    """The ISO code of a sign such as "$" or "CA$", read in the light of the country."""
    sign = sign.strip()
    if not sign:
        return None
    code = currency_of_word(sign) or _symbols().get(sign)
    if sign in PLAIN_SIGNS or sign.lower() in _BARE_WORDS:
        return _local_reading(sign, country) or code
    return code


_BARE_WORDS = frozenset({"dollar", "dollars"})


def _local_reading(sign: str, country: str | None) -> str | None:
    """A bare "$" or "dollars" in Canada is CAD: the sign the country writes for its money."""
    from babel.core import UnknownLocaleError
    from babel.numbers import get_currency_name, get_currency_symbol

    local = currency_of_country(country) if country else None
    if local is None:
        return None
    if sign.lower() in _BARE_WORDS:
        return local if get_currency_name(local, locale="en").lower().endswith("dollar") else None
    try:
        local_sign = get_currency_symbol(local, locale=f"en_{country}")
    except (UnknownLocaleError, ValueError):
        return None
    return local if local_sign == sign else None


def currency_of_country(alpha2: str) -> str | None:
    """The currency a country uses today, from CLDR."""
    from babel.numbers import get_territory_currencies

    codes = get_territory_currencies(alpha2)
    return codes[0] if codes else None
