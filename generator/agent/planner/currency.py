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

    symbols = {}
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
    by_word = currency_of_word(sign)
    if by_word:
        return by_word
    code = _symbols().get(sign)
    if code and country and sign in PLAIN_SIGNS:
        local = currency_of_country(country)
        if local and _symbols().get(sign) != local and sign in _local_signs(local):
            return local
    return code


def _local_signs(code: str) -> set[str]:
    from babel.numbers import get_currency_symbol

    return {get_currency_symbol(code, locale="en"), get_currency_symbol(code, locale="en_CA")}


def currency_of_country(alpha2: str) -> str | None:
    """The currency a country uses today, from CLDR."""
    from babel.numbers import get_territory_currencies

    codes = get_territory_currencies(alpha2)
    return codes[0] if codes else None
