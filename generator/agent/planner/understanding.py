"""What the offline planner understood from a conversation, before it becomes tool calls.

Reading fills one :class:`Understanding` sentence by sentence, oldest turn first, so a later
sentence simply overwrites an earlier value: that is how "actually make the hold 15 minutes"
wins over the first answer without any special casing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from generator.manifest.model import OfferingKind, RoleKind, Scope, slugify


@dataclass
class RoleIdea:
    """A role as the text describes it: concepts map to granted (True) or denied (False)."""

    name: str
    kind: RoleKind
    concepts: dict[str, bool] = field(default_factory=dict)
    scope: Scope | None = None
    refund_cap: Decimal | None = None
    step_up: set[str] = field(default_factory=set)
    sign_in: list[str] = field(default_factory=list)
    horizon_days: int | None = None
    allowance: tuple[int, str] | None = None


@dataclass
class ItemIdea:
    """One of several offerings listed under a kind ("spin, yoga, HIIT"), with its own numbers."""

    name: str
    durations: list[int] = field(default_factory=list)
    price: Decimal | None = None
    per_hour: bool = False
    quantity: int | None = None


@dataclass
class OfferingIdea:
    """Something bookable as the text describes it; empty lists mean "not said"."""

    name: str
    kind: OfferingKind
    durations: list[int] = field(default_factory=list)
    capacities: list[int] = field(default_factory=list)
    quantity: int | None = None
    resource_name: str | None = None
    staff_required: bool = False
    price: Decimal | None = None
    per_hour: bool = False
    booked: bool = False
    taught: bool = False
    """Only ever called lessons, never a group or a class: taught one to one if a teacher is."""
    items: list[ItemIdea] = field(default_factory=list)
    """Separate offerings of this kind the user listed; each inherits what it does not say."""

    def add_item(self, item: ItemIdea) -> None:
        """Add a listed offering, or fill in the one already listed under the same id."""
        for known in self.items:
            if slugify(known.name) == slugify(item.name):
                known.durations += item.durations
                known.price = item.price if item.price is not None else known.price
                known.per_hour = known.per_hour or item.per_hour
                return
        self.items.append(item)


@dataclass
class Understanding:
    """Everything read from the conversation; None means the user did not say."""

    business: str | None = None
    currency: str | None = None
    unknown_currency: bool = False
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    opening: tuple[time, time] | None = None
    offerings: dict[str, OfferingIdea] = field(default_factory=dict)
    roles: dict[str, RoleIdea] = field(default_factory=dict)
    speaker: str | None = None
    hold_minutes: int | None = None
    cancellation_hours: int | None = None
    deposit_percent: int | None = None
    provider: str | None = None
    location_scoped: bool = False
    many_sites: bool = False
    audit: set[str] | None = None
    loose_durations: list[int] = field(default_factory=list)
    loose_prices: list[tuple[Decimal, bool]] = field(default_factory=list)
    loose_capacities: list[int] = field(default_factory=list)
    loose_items: list[ItemIdea] = field(default_factory=list)
    repeat: tuple[int, OfferingKind] | None = None
    one_at_a_time: bool = False
    someone_pays: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    """How many of a thing there are ("6 doubles"), by the slug of its singular name."""
    teachers: list[str] = field(default_factory=list)
    """Staff words named anywhere ("our teachers"), even where they are not an acting role."""

    def highest_price(self) -> Decimal | None:
        """The highest price named for any offering, which no refund may exceed."""
        prices = [idea.price for idea in self.offerings.values() if idea.price is not None]
        prices += [
            item.price
            for idea in self.offerings.values()
            for item in idea.items
            if item.price is not None
        ]
        prices += [price for price, _ in self.loose_prices]
        return max(prices) if prices else None
