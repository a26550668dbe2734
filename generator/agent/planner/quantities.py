"""Numbers, durations, money, clock times and percentages in parsed sentences.

Money is parsed by price-parser over spaCy's spans. Durations are read from spaCy tokens with
a small unit table rather than quantulum3, which reads "90 minutes" as minutes of arc and
"60 or 90 minutes" as a bare 60. A list like "4, 8 or 12 people" shares the unit of its last
number, and every quantity keeps its token position so callers can tell which clause it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from generator.agent.planner.lexicon import MINUTES_PER, WORD_NUMBERS

_CLOCK = re.compile(r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>[ap]\.?m\.?)?", re.I)
TIME_UNITS = {
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year",
}  # fmt: skip


@dataclass(frozen=True)
class Duration:
    """A span of time in the text: its value in minutes and the unit it was given in."""

    minutes: int
    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class Amount:
    """Money in the text, in major units, with the currency sign or word it carried."""

    value: Decimal
    sign: str
    start: int
    end: int


def number(token: Any) -> int | None:
    """The integer a token spells ("6", "six", "1,000"), or None."""
    text = token.text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return WORD_NUMBERS.get(text) if text not in {"a", "an"} else None


def durations(sent: Any) -> list[Duration]:
    """Every duration in a sentence, with number lists sharing their unit."""
    found = []
    for token in sent:
        unit = TIME_UNITS.get(token.lower_)
        if unit is None:
            continue
        for value_token in _numbers_before(token):
            value = number(value_token)
            if value is not None:
                found.append(Duration(value * MINUTES_PER[unit], unit, value_token.i, token.i))
    return sorted(found, key=lambda item: item.start)


def counted(sent: Any, words: frozenset[str]) -> list[tuple[int, int]]:
    """Numbers counting one of ``words`` ("4, 8 or 12 people"), as (value, token index)."""
    found = []
    for token in sent:
        if token.lemma_.lower() in words or token.lower_ in words:
            found += [
                (value, item.i)
                for item in _numbers_before(token)
                if (value := number(item)) is not None
            ]
    return found


def _numbers_before(unit: Any) -> list[Any]:
    """The number right before a unit, plus any numbers listed before it with , / or / and."""
    doc = unit.doc
    index = unit.i - 1
    while index >= unit.sent.start and doc[index].text in {"-", "max", "maximum", "up", "to"}:
        index -= 1
    if index < unit.sent.start or number(doc[index]) is None:
        return []

    numbers = [doc[index]]
    index -= 1
    while index - 1 >= unit.sent.start and doc[index].lower_ in {",", "or", "and"}:
        if doc[index].lower_ in {"or", "and"} and doc[index - 1].text == ",":
            index -= 1
        if number(doc[index - 1]) is None:
            break
        numbers.append(doc[index - 1])
        index -= 2
    return numbers


def amounts(sent: Any) -> list[Amount]:
    """Money in a sentence: MONEY spans and currency-signed numbers, parsed by price-parser."""
    from price_parser import Price

    spans = [_with_sign(ent) for ent in sent.ents if ent.label_ == "MONEY"]
    covered = {token.i for span in spans for token in span}
    for token in sent:
        if token.i in covered or not token.like_num:
            continue
        before = token.nbor(-1) if token.i > sent.start else None
        after = token.nbor(1) if token.i + 1 < sent.end else None
        signed_before = before is not None and (before.is_currency or _is_code(before))
        if signed_before or (after is not None and (after.is_currency or _is_currency_word(after))):
            start = before.i if before is not None and signed_before else token.i
            signed_after = after is not None and (after.is_currency or _is_currency_word(after))
            end = token.i + 2 if signed_after else token.i + 1
            spans.append(sent.doc[start:end])

    found = []
    for span in spans:
        price = Price.fromstring(span.text)
        if price.amount is not None:
            found.append(Amount(Decimal(price.amount), price.currency or "", span.start, span.end))
    return sorted(found, key=lambda amount: amount.start)


def _with_sign(span: Any) -> Any:
    """spaCy sometimes leaves the "$" outside the MONEY span, or takes in a duration before it.

    In "massage 60 min €70" the span is "60 min €70"; the money starts after the time unit.
    """
    units = [token.i for token in span[:-1] if token.lower_ in TIME_UNITS]
    if units:
        span = span.doc[units[-1] + 1 : span.end]
    if span.start > span.sent.start and span.doc[span.start - 1].is_currency:
        return span.doc[span.start - 1 : span.end]
    return span


def _is_code(token: Any) -> bool:
    """An ISO code written before the number ("AUD 40"); words ("dollars") only follow it."""
    return token.text.isupper() and len(token.text) == 3 and _is_currency_word(token)


def _is_currency_word(token: Any) -> bool:
    from generator.agent.planner.currency import currency_of_word

    return currency_of_word(token.text) is not None


def clock_times(sent: Any) -> list[tuple[time, int]]:
    """Clock times ("7am", "10 pm", "07:00") from spaCy TIME spans, with their token index."""
    found = []
    for ent in sent.ents:
        if ent.label_ != "TIME":
            continue
        for match in _CLOCK.finditer(ent.text):
            parsed = _clock(match)
            if parsed is not None:
                found.append((parsed, ent.start))
    return found


def _clock(match: re.Match[str]) -> time | None:
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half = (match.group("half") or "").lower().replace(".", "")
    if not half and match.group("minute") is None:
        return None
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def percents(sent: Any) -> list[tuple[int, int]]:
    """Whole percentages ("20%", "20 percent"), with their token index."""
    found = []
    for token in sent:
        if token.text in {"%", "percent", "per cent"} and token.i > sent.start:
            value = number(token.nbor(-1))
            if value is not None:
                found.append((value, token.i))
    return found
