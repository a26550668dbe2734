"""Currencies and minor units, from ISO 4217 data (pycountry) and CLDR (babel)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pycountry
from babel.numbers import get_currency_precision


@cache
def is_iso_currency(code: str) -> bool:
    """True for an active ISO 4217 alphabetic code such as ``USD``."""
    return pycountry.currencies.get(alpha_3=code) is not None


def minor_digits(code: str) -> int:
    """How many decimals the currency's minor unit has (2 for USD, 0 for JPY)."""
    return int(get_currency_precision(code))


def to_minor(amount: Decimal, code: str) -> int:
    """Major units to integer minor units; refuses amounts finer than the minor unit."""
    scaled = amount.scaleb(minor_digits(code))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {code} has more decimals than {code} allows")
    return int(scaled)


def format_minor(amount_minor: int, code: str) -> str:
    """A plain ``50.00 USD`` rendering, for messages and summaries."""
    digits = minor_digits(code)
    major = Decimal(amount_minor).scaleb(-digits)
    return f"{major:.{digits}f} {code}"
