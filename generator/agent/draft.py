"""The working draft a planning run edits through its tools.

The draft is deliberately looser than the manifest (it may be incomplete while the chat is
still being read) but every value in it got there through a validated tool call, and it
starts from safe values: a short hold, no online payments, no roles. Only when the model says
it is done is the draft turned into plain data and validated as a whole manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any

from generator.errors import ManifestInvalid, Problem
from generator.manifest.model import (
    AuditEvent,
    Manifest,
    OfferingKind,
    PaymentProvider,
    Permission,
    PriceUnit,
    RoleKind,
    Scope,
    SecondFactor,
    SignInMethod,
    Weekday,
    slugify,
)
from generator.manifest.money import to_minor

SAFE_HOLD_MINUTES = 10
"""Long enough to pay by card, short enough that nobody can sit on a slot."""

SAFE_HORIZON_DAYS = 30


@dataclass(frozen=True)
class ToolLogEntry:
    """One tool call the model made, and what became of it."""

    name: str
    args: dict[str, Any]
    accepted: bool
    reason: str = ""


@dataclass
class LocationDraft:
    """A site in the making."""

    name: str
    timezone: str
    opens: time | None = None
    closes: time | None = None
    days: list[Weekday] = field(default_factory=list)


@dataclass
class OfferingDraft:
    """A bookable thing in the making; the price is in major units of the app currency."""

    name: str
    kind: OfferingKind
    durations_minutes: list[int]
    capacity: int
    quantity: int = 1
    resource_name: str | None = None
    staff_required: bool = False
    price: Decimal | None = None
    price_unit: PriceUnit = PriceUnit.PER_BOOKING


@dataclass
class RoleDraft:
    """A role in the making; the refund cap is in major units of the app currency."""

    name: str
    kind: RoleKind
    scope: Scope
    permissions: set[Permission] = field(default_factory=set)
    refund_cap: Decimal | None = None
    step_up_for: set[Permission] = field(default_factory=set)
    sign_in: set[SignInMethod] = field(default_factory=lambda: {SignInMethod.PASSWORD})
    second_factors: set[SecondFactor] = field(default_factory=set)
    horizon_days: int | None = None
    allowance_hours: int | None = None
    allowance_period: str = "month"


@dataclass
class Draft:
    """Everything the tools have set so far, plus the log of every tool call."""

    tenant_name: str | None = None
    currency: str | None = None
    locations: dict[str, LocationDraft] = field(default_factory=dict)
    offerings: dict[str, OfferingDraft] = field(default_factory=dict)
    roles: dict[str, RoleDraft] = field(default_factory=dict)
    hold_minutes: int = SAFE_HOLD_MINUTES
    horizon_days: int = SAFE_HORIZON_DAYS
    cancellation_hours: int | None = None
    deposit_percent: int | None = None
    provider: PaymentProvider = PaymentProvider.NONE
    location_scoped: bool = False
    audit_events: set[AuditEvent] = field(default_factory=set)
    assumptions: list[dict[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    tool_log: list[ToolLogEntry] = field(default_factory=list)
    manifest: Manifest | None = None
    last_problems: list[str] = field(default_factory=list)

    def role_id_at(self, index: int) -> str | None:
        """The id of the role a manifest path like ``roles[2]`` points at."""
        ids = list(self.roles)
        return ids[index] if 0 <= index < len(ids) else None

    def to_data(self) -> dict[str, Any]:
        """The draft as plain manifest data; missing parts stay missing so validation names them."""
        data: dict[str, Any] = {"manifest_version": 1}
        if self.tenant_name is not None:
            data["tenant"] = {"id": slugify(self.tenant_name), "name": self.tenant_name}
        if self.currency is not None:
            data["currency"] = self.currency
        if self.locations:
            data["locations"] = [_location_data(key, loc) for key, loc in self.locations.items()]
        if self.offerings:
            data["offerings"] = [
                self._offering_data(key, offering) for key, offering in self.offerings.items()
            ]
        if self.roles:
            data["roles"] = [self._role_data(key, role) for key, role in self.roles.items()]

        data["booking"] = self._booking_data()
        data["payments"] = _payments_data(self.provider)
        data["data_scope"] = {"tenant": True, "location": self.location_scoped}
        data["audit"] = {"events": sorted(event.value for event in self.audit_events)}
        data["assumptions"] = list(self.assumptions)
        return data

    def _money(self, amount: Decimal, where: str) -> dict[str, Any]:
        currency = self.currency or "USD"
        try:
            minor = to_minor(amount, currency)
        except ValueError as error:
            raise ManifestInvalid([Problem(where, str(error), "round to the minor unit")]) from None
        return {"amount_minor": minor, "currency": currency}

    def _offering_data(self, key: str, offering: OfferingDraft) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": key,
            "name": offering.name,
            "kind": offering.kind.value,
            "durations_minutes": sorted(set(offering.durations_minutes)),
            "capacity": offering.capacity,
            "quantity": offering.quantity,
            "staff_required": offering.staff_required,
            "price_unit": offering.price_unit.value,
        }
        if offering.resource_name:
            data["resource_name"] = offering.resource_name
        if offering.price is not None:
            data["price"] = self._money(offering.price, f"offerings.{key}.price")
        return data

    def _role_data(self, key: str, role: RoleDraft) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": key,
            "name": role.name,
            "kind": role.kind.value,
            "permissions": sorted(permission.value for permission in role.permissions),
            "scope": role.scope.value,
            "step_up_for": sorted(permission.value for permission in role.step_up_for),
            "sign_in": sorted(method.value for method in role.sign_in),
            "second_factors": sorted(factor.value for factor in role.second_factors),
        }
        if role.refund_cap is not None:
            data["refund_cap"] = self._money(role.refund_cap, f"roles.{key}.refund_cap")
        if role.horizon_days is not None:
            data["booking_horizon_days"] = role.horizon_days
        if role.allowance_hours is not None:
            data["allowance"] = {"hours": role.allowance_hours, "period": role.allowance_period}
        return data

    def _booking_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "hold_minutes": self.hold_minutes,
            "default_horizon_days": self.horizon_days,
        }
        if self.cancellation_hours is not None:
            data["cancellation"] = {"free_until_hours_before": self.cancellation_hours}
        if self.deposit_percent is not None:
            data["deposit"] = {"percent": self.deposit_percent}
        return data


def _location_data(key: str, location: LocationDraft) -> dict[str, Any]:
    data: dict[str, Any] = {"id": key, "name": location.name, "timezone": location.timezone}
    if location.opens is not None and location.closes is not None:
        data["opening_hours"] = {
            "opens": location.opens.isoformat(timespec="minutes"),
            "closes": location.closes.isoformat(timespec="minutes"),
            "days": [day.value for day in (location.days or list(Weekday))],
        }
    return data


def _payments_data(provider: PaymentProvider) -> dict[str, Any]:
    """Credentials are only ever a vault reference derived from the provider, never typed in."""
    if provider is PaymentProvider.NONE:
        return {"provider": provider.value}
    return {"provider": provider.value, "credentials_ref": f"vault:payments/{provider.value}"}
