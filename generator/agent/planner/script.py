"""From an :class:`Understanding` to the tool calls a careful model would make.

This is where defaults are chosen, and every default is announced with ``note_assumption``
(and, where only the user can know, ``ask_question``), so nothing is guessed silently. Values
the user asked for are passed on as asked, even when a tool will refuse them: the refusal is
the tool's job, and the planner reacts to it like any model would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import chain, count
from typing import Any

from generator.agent.planner.currency import currency_of_country
from generator.agent.planner.lexicon import ALL, DEFAULT_CAPACITY, DEFAULT_DURATION, permission_for
from generator.agent.planner.places import country_timezone, resolve_cities
from generator.agent.planner.understanding import OfferingIdea, RoleIdea, Understanding
from generator.manifest.model import (
    AuditEvent,
    OfferingKind,
    PaymentProvider,
    Permission,
    RoleKind,
    Scope,
    slugify,
)

DEFAULT_CURRENCY = "USD"
DEFAULT_TIMEZONE = "UTC"
MAX_REPEATS = 5_000
"""More separate items than any budget allows; the run's limits stop long before this."""

_ADMIN_BASELINE = {
    Permission.VIEW_BOOKINGS, Permission.MANAGE_OFFERINGS, Permission.MANAGE_USERS,
    Permission.VIEW_REPORTS,
}  # fmt: skip
_CUSTOMER_BASELINE = {Permission.BROWSE, Permission.HOLD, Permission.VIEW_BOOKINGS}
"""Customers always see their own bookings (their scope is always `own`)."""
_MONEY = {Permission.PAY, Permission.REFUND}
_DEFAULT_AUDIT = [
    AuditEvent.BOOKING, AuditEvent.PAYMENT, AuditEvent.REFUND, AuditEvent.PERMISSION_CHANGE,
    AuditEvent.PRICE_CHANGE,
]  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One tool call the planner intends to make."""

    tool: str
    args: dict[str, Any]


def note(field: str, value: object, reason: str) -> Call:
    """An assumption call; values are our own words and numbers, never the user's text."""
    return Call("note_assumption", {"field": field, "value": str(value), "reason": reason})


def ask(question: str) -> Call:
    """A question only the user can answer."""
    return Call("ask_question", {"question": question})


def script(seen: Understanding) -> list[Call]:
    """All tool calls for what was understood, in the order they can be applied."""
    calls: list[Call] = []
    calls += _business(seen)
    currency = _currency(seen, calls)
    calls += _locations(seen)
    calls += _opening(seen)
    calls += _offerings(seen)
    provider = _provider(seen, calls)
    calls += _roles(seen, provider)
    calls += _booking_rules(seen, provider)
    calls += _audit(seen)
    calls += list(_repeats(seen, currency))
    return calls


def _business(seen: Understanding) -> list[Call]:
    if seen.business:
        return [Call("set_business", {"name": seen.business})]
    return [
        Call("set_business", {"name": "My Business"}),
        note("tenant.name", "My Business", "the conversation did not name the business"),
        ask("What is the name of your business, as customers should see it?"),
    ]


def _currency(seen: Understanding, calls: list[Call]) -> str:
    country = _country(seen)
    local = currency_of_country(country) if country else None
    if seen.currency and not seen.unknown_currency:
        calls.append(Call("set_currency", {"code": seen.currency}))
        return seen.currency

    code = local or DEFAULT_CURRENCY
    calls.append(Call("set_currency", {"code": code}))
    if seen.unknown_currency:
        reason = "the currency named is not an ISO 4217 currency"
        calls.append(ask("Which real currency (ISO 4217, e.g. USD or EUR) do you charge in?"))
    else:
        reason = "no currency was named" + ("; this is the local one" if local else "")
    calls.append(note("currency", code, reason))
    return code


def _country(seen: Understanding) -> str | None:
    if seen.countries:
        return seen.countries[-1]
    places = resolve_cities(seen.cities)
    return places[0].country if places else None


def _locations(seen: Understanding) -> list[Call]:
    places = resolve_cities(seen.cities, seen.countries[-1] if seen.countries else None)
    if places:
        return [Call("add_location", {"name": p.name, "timezone": p.timezone}) for p in places]

    country = seen.countries[-1] if seen.countries else None
    zone = (country_timezone(country) if country else None) or DEFAULT_TIMEZONE
    calls = [
        Call("add_location", {"name": "Main Site", "timezone": zone}),
        note("locations[0]", f"Main Site ({zone})", "no city was named for the site"),
    ]
    if seen.many_sites:
        calls.append(ask("Which cities or sites should the app list? Each gets its own time zone."))
    else:
        calls.append(ask("Which city is the site in, so bookings use the right time zone?"))
    return calls


def _opening(seen: Understanding) -> list[Call]:
    if seen.opening is None:
        return []
    opens, closes = seen.opening
    return [Call("set_opening_hours", {"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"})]


def _offerings(seen: Understanding) -> list[Call]:
    calls: list[Call] = []
    ideas = list(seen.offerings.values())
    if not ideas:
        ideas = [OfferingIdea("Booking", OfferingKind.RESOURCE, items=seen.loose_items)]
        if seen.loose_items:
            reason = "the items listed were never called classes, appointments or spaces"
            calls.append(note("offerings[0].kind", "resource", reason))
        else:
            reason = "the conversation named nothing bookable"
            calls.append(note("offerings[0]", "Booking", reason))
        calls.append(ask("What do your customers book: classes, appointments, rooms, courts?"))

    primary = ideas[0]
    primary.durations = primary.durations or seen.loose_durations
    primary.capacities = primary.capacities or seen.loose_capacities
    used: set[str] = set()
    for idea in ideas:
        if idea.price is None and seen.loose_prices:
            idea.price, per_hour = seen.loose_prices[-1]
            idea.per_hour = idea.per_hour or per_hour
        for one in _listed(idea):
            calls += _offering(one, used)
    return calls


def _listed(idea: OfferingIdea) -> list[OfferingIdea]:
    """One offering per item the user listed, each inheriting what it does not say itself."""
    if not idea.items:
        return [idea]
    return [
        replace(
            idea,
            name=item.name,
            durations=item.durations or idea.durations,
            price=item.price if item.price is not None else idea.price,
            per_hour=idea.per_hour or item.per_hour,
            quantity=item.quantity or idea.quantity,
            items=[],
        )
        for item in idea.items
    ]


def _unique(name: str, kind: OfferingKind, used: set[str]) -> str:
    """A name whose id no earlier offering has ("Yoga" the class beside "Yoga" the room)."""
    label = f"{name} {kind.value.title()}"
    candidates = chain([name, label], (f"{label} {number}" for number in count(2)))
    chosen = next(c for c in candidates if slugify(c) not in used)
    used.add(slugify(chosen))
    return chosen


def _offering(idea: OfferingIdea, used: set[str]) -> list[Call]:
    capacities = sorted(set(idea.capacities)) or [DEFAULT_CAPACITY[idea.kind]]
    names = [
        _unique(idea.name if len(capacities) == 1 else f"{idea.name} for {c}", idea.kind, used)
        for c in capacities
    ]
    key = slugify(names[0] if len(names) == 1 else idea.name)
    calls: list[Call] = []
    durations = sorted(set(idea.durations))
    if not durations:
        durations = [DEFAULT_DURATION[idea.kind]]
        if idea.per_hour:
            durations = [60, 120, 180, 240]
        calls.append(note(f"offerings.{key}.durations_minutes", durations, "no length was given"))
    capacities = sorted(set(idea.capacities))
    if not capacities:
        capacities = [DEFAULT_CAPACITY[idea.kind]]
        if idea.kind is OfferingKind.CLASS:
            calls.append(note(f"offerings.{key}.capacity", capacities[0], "no class size given"))
    if idea.price is None:
        calls.append(note(f"offerings.{key}.price", "none", "no price was given; set one later"))
    if idea.staff_required and idea.quantity is None:
        calls.append(note(f"offerings.{key}.quantity", 1, "the number of staff was not given"))

    for name, capacity in zip(names, capacities, strict=True):
        args: dict[str, Any] = {
            "name": name,
            "kind": idea.kind.value,
            "durations_minutes": durations,
            "capacity": capacity,
            "quantity": idea.quantity or 1,
            "staff_required": idea.staff_required,
            "price_unit": "per_hour" if idea.per_hour else "per_booking",
        }
        if idea.resource_name:
            args["resource_name"] = idea.resource_name
        if idea.price is not None:
            args["price"] = str(idea.price)
        calls.append(Call("add_offering", args))
    return calls


def _provider(seen: Understanding, calls: list[Call]) -> PaymentProvider:
    if seen.provider:
        provider = PaymentProvider(seen.provider)
    else:
        wants_money = seen.someone_pays or seen.deposit_percent or seen.highest_price()
        refunds = any(role.concepts.get("refund") for role in seen.roles.values())
        provider = PaymentProvider.STRIPE if wants_money or refunds else PaymentProvider.NONE
        reason = (
            "people pay online but no provider was named"
            if provider.value != "none"
            else ("nobody pays online in the conversation")
        )
        calls.append(note("payments.provider", provider.value, reason))
        calls.append(ask("Which payment provider do you use (Stripe, Adyen, or none)?"))
    calls.append(Call("set_payment_provider", {"provider": provider.value}))
    return provider


def _roles(seen: Understanding, provider: PaymentProvider) -> list[Call]:
    calls: list[Call] = []
    roles = dict(seen.roles)
    if not roles:
        roles = {
            "customer": RoleIdea("Customer", RoleKind.CUSTOMER, {"book": True}),
            "admin": RoleIdea("Admin", RoleKind.ADMIN, {ALL: True}),
        }
        calls.append(note("roles", "Customer, Admin", "the conversation named no roles"))
        calls.append(ask("Who uses the app: which kinds of customers, staff and managers?"))
    calls += _capped_are_staff(roles)
    calls += _ensure_admin(roles)
    calls += _ensure_customer(roles)
    for idea in roles.values():
        calls += _role(idea, provider, seen.highest_price())
    return calls


def _capped_are_staff(roles: dict[str, RoleIdea]) -> list[Call]:
    """A role given a refund cap is not the unbounded admin, whatever its title says.

    "The office manager can refund up to £45": admins refund without a cap (behind step-up),
    so keeping the stated cap means the role is staff; an admin is added separately if needed.
    """
    calls = []
    for key, idea in roles.items():
        if idea.kind is RoleKind.ADMIN and idea.refund_cap is not None:
            idea.kind = RoleKind.STAFF
            reason = "a refund cap was stated for this role, so it is staff, not an admin"
            calls.append(note(f"roles.{key}.kind", "staff", reason))
    return calls


def _ensure_admin(roles: dict[str, RoleIdea]) -> list[Call]:
    """The invariant wants an admin: add one rather than widen a role the user described.

    Promoting staff would silently drop their stated limits (a refund cap, a site scope), so
    the owner of the business is added as its own admin role and listed as an assumption.
    Only a role already described as reaching everything ("our ops team can see everything")
    and limited in nothing is taken as the admin, and that is listed too.
    """
    if any(idea.kind is RoleKind.ADMIN for idea in roles.values()):
        return []
    unlimited = [idea for idea in roles.values() if _reaches_everything(idea)]
    if len(unlimited) == 1:
        unlimited[0].kind = RoleKind.ADMIN
        reason = "no role was called an administrator; this one has the widest powers"
        return [note(f"roles.{slugify(unlimited[0].name)}.kind", "admin", reason)]
    name = next(n for n in ("Owner", "Admin", "Account Owner") if slugify(n) not in roles)
    roles[slugify(name)] = RoleIdea(name, RoleKind.ADMIN, {ALL: True}, scope=Scope.TENANT)
    reason = "no role was named as an admin or owner; someone must administer the app"
    return [note(f"roles.{slugify(name)}", name, reason)]


def _reaches_everything(idea: RoleIdea) -> bool:
    """Staff said to see the whole tenant, with no cap and nothing denied."""
    return (
        idea.kind is RoleKind.STAFF
        and idea.scope is Scope.TENANT
        and idea.refund_cap is None
        and all(idea.concepts.values())
    )


def _ensure_customer(roles: dict[str, RoleIdea]) -> list[Call]:
    """A booking app needs someone who books; add a customer role when none was named."""
    if any(idea.kind is RoleKind.CUSTOMER for idea in roles.values()):
        return []
    roles["customer"] = RoleIdea("Customer", RoleKind.CUSTOMER, {"book": True})
    return [note("roles.customer", "Customer", "no role books for themselves; one was added")]


def _role(idea: RoleIdea, provider: PaymentProvider, top_price: Decimal | None) -> list[Call]:
    key = slugify(idea.name)
    scope = _scope(idea)
    calls = [Call("add_role", {"name": idea.name, "kind": idea.kind.value, "scope": scope.value})]
    granted = _permissions(idea, provider, calls)
    if granted:
        values = sorted(permission.value for permission in granted)
        calls.append(Call("grant_permissions", {"role": key, "permissions": values}))

    if Permission.REFUND in granted and idea.kind is not RoleKind.ADMIN and idea.refund_cap:
        calls += _refund_cap(key, idea.refund_cap, top_price)
    calls += _step_up(idea, key, granted)
    if idea.sign_in:
        calls.append(Call("set_sign_in", {"role": key, "methods": idea.sign_in}))
    if idea.horizon_days is not None:
        calls.append(Call("set_booking_horizon", {"role": key, "days": idea.horizon_days}))
    if idea.allowance is not None:
        hours, period = idea.allowance
        calls.append(Call("set_allowance", {"role": key, "hours": hours, "period": period}))
    return calls


def _refund_cap(key: str, cap: Decimal, top_price: Decimal | None) -> list[Call]:
    """The stated cap, clamped to the highest price: no refund can be worth more than it."""
    if top_price is None or cap <= top_price:
        return [Call("set_refund_cap", {"role": key, "amount": str(cap)})]
    reason = "the cap stated is above the highest price, and no refund can exceed a price"
    return [
        Call("set_refund_cap", {"role": key, "amount": str(top_price)}),
        note(f"roles.{key}.refund_cap", str(top_price), reason),
    ]


def _scope(idea: RoleIdea) -> Scope:
    if idea.kind is RoleKind.ADMIN:
        return Scope.TENANT
    if idea.kind is RoleKind.CUSTOMER:
        return Scope.OWN
    return idea.scope or Scope.LOCATION


def _permissions(idea: RoleIdea, provider: PaymentProvider, calls: list[Call]) -> set[Permission]:
    asked = {name for name, granted in idea.concepts.items() if granted}
    denied = {permission_for(name) for name, granted in idea.concepts.items() if not granted}
    granted = {p for name in asked if (p := permission_for(name)) is not None}

    if idea.kind is RoleKind.CUSTOMER:
        granted |= _CUSTOMER_BASELINE | {Permission.PAY}
        granted &= {Permission.BROWSE, Permission.HOLD, Permission.PAY, Permission.CANCEL,
                    Permission.RESCHEDULE, Permission.VIEW_BOOKINGS}  # fmt: skip
    elif "book" in asked:
        granted.add(Permission.BOOK_ON_BEHALF)
    if idea.kind is RoleKind.ADMIN:
        granted |= _ADMIN_BASELINE
        if ALL in asked:
            granted |= set(Permission) - {Permission.PAY}
    elif idea.kind is RoleKind.STAFF:
        granted.add(Permission.VIEW_BOOKINGS)

    granted -= {permission for permission in denied if permission is not None}
    if provider is PaymentProvider.NONE and granted & _MONEY:
        granted -= _MONEY
        if idea.kind is not RoleKind.CUSTOMER or "pay" in asked:
            reason = "there are no online payments, so nobody pays or refunds in the app"
            calls.append(note(f"roles.{slugify(idea.name)}.permissions", "no pay/refund", reason))
    return granted


def _step_up(idea: RoleIdea, key: str, granted: set[Permission]) -> list[Call]:
    wanted = {p for name in idea.step_up if (p := permission_for(name)) in granted}
    calls = []
    if idea.kind is RoleKind.ADMIN and Permission.REFUND in granted:
        if Permission.REFUND not in wanted:
            reason = "admin refunds always need a fresh second factor"
            calls.append(note(f"roles.{key}.step_up_for", "refund", reason))
        wanted.add(Permission.REFUND)
    if wanted or idea.step_up:
        values = sorted(permission.value for permission in wanted)
        calls.append(Call("require_step_up", {"role": key, "permissions": values}))
    return calls


def _booking_rules(seen: Understanding, provider: PaymentProvider) -> list[Call]:
    calls: list[Call] = []
    if seen.hold_minutes is not None:
        calls.append(Call("set_hold_minutes", {"minutes": seen.hold_minutes}))
    else:
        calls.append(note("booking.hold_minutes", 10, "no hold time was given"))
    if seen.cancellation_hours is not None:
        hours = seen.cancellation_hours
        calls.append(Call("set_cancellation", {"free_until_hours_before": hours}))
    if seen.deposit_percent is not None and provider is not PaymentProvider.NONE:
        calls.append(Call("set_deposit", {"percent": seen.deposit_percent}))
    if seen.location_scoped:
        calls.append(Call("set_data_scope", {"location": True}))
    return calls


def _audit(seen: Understanding) -> list[Call]:
    if seen.audit:
        asked = set(seen.audit)
        added = sorted({event.value for event in _DEFAULT_AUDIT} - asked)
        calls = [Call("set_audit_events", {"events": sorted(asked | set(added))})]
        if added:
            reason = "money and permission changes are always audited"
            calls.append(note("audit.events", "also " + ", ".join(added), reason))
        return calls
    events = [event.value for event in _DEFAULT_AUDIT]
    return [
        Call("set_audit_events", {"events": events}),
        note("audit.events", ", ".join(events), "money and permission changes are always audited"),
    ]


def _repeats(seen: Understanding, currency: str) -> Iterator[Call]:
    """Separate offerings asked for one by one; the run's budget decides how far this gets."""
    if seen.repeat is None:
        return
    count, kind = seen.repeat
    for number in range(1, min(count, MAX_REPEATS) + 1):
        yield Call(
            "add_offering",
            {
                "name": f"{kind.value.title()} {number}",
                "kind": kind.value,
                "durations_minutes": [DEFAULT_DURATION[kind]],
                "capacity": DEFAULT_CAPACITY[kind],
            },
        )


__all__ = ["Call", "Decimal", "ask", "note", "script"]
