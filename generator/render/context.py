"""The values templates see, computed once from a validated manifest.

Templates stay simple: every decision that needs more than an ``if`` (which routes exist, which
role plays which part in the app's own tests, which local time a test slot starts at) is made
here, in typed Python, and handed to the templates as plain data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from generator.manifest.model import (
    Manifest,
    Offering,
    OfferingKind,
    PaymentProvider,
    Permission,
    PriceUnit,
    Role,
    RoleKind,
    Scope,
    SecondFactor,
    SignInMethod,
    Weekday,
)
from generator.manifest.money import format_minor, minor_digits

API_PREFIX = "/api/v1"
PUBLIC = "public"
AUTHENTICATED = "authenticated"
PROVISIONING = "provisioning"
"""The identity provider's SCIM client (a provisioning token, not a role)."""
SCIM_PREFIX = "/scim/v2"
SCIM_ROUTES = (
    ("GET", "/Users"),
    ("POST", "/Users"),
    ("GET", "/Users/{user_id}"),
    ("PATCH", "/Users/{user_id}"),
    ("PUT", "/Users/{user_id}"),
    ("DELETE", "/Users/{user_id}"),
    ("GET", "/Groups"),
    ("POST", "/Groups"),
    ("GET", "/Groups/{group_id}"),
    ("PATCH", "/Groups/{group_id}"),
)
"""SCIM 2.0 lives at its conventional root, outside the versioned API."""

SEAT = "seat"
UNIT = "unit"
STAFF = "staff"

TEST_WEEK_MONDAY = date(2030, 1, 7)
"""Test slots are placed in this week, far from any daylight-saving change in most zones."""


@dataclass(frozen=True)
class RouteSpec:
    """One route of the generated API and what the caller must hold to use it."""

    method: str
    path: str
    permission: str


def booking_mode(offering: Offering) -> str:
    """How one booking uses an offering.

    ``staff``: the customer books a named staff member (or seeded unit), who cannot be in two
    bookings at once. ``seat``: a class, where a booking is one of ``capacity`` seats. ``unit``:
    everything else (courts, rooms, appointments), where a booking takes one of ``quantity``
    units for itself.
    """
    if offering.staff_required:
        return STAFF
    if offering.kind is OfferingKind.CLASS:
        return SEAT
    return UNIT


def routes_for(manifest: Manifest) -> list[RouteSpec]:
    """Every API route the app gets; the single source of the route->permission map."""
    payments = manifest.payments.provider is not PaymentProvider.NONE
    payouts = manifest.payments.provider is PaymentProvider.STRIPE  # Adyen settles on its own
    modes = {booking_mode(offering) for offering in manifest.offerings}
    passkeys = _uses_passkeys(manifest)
    table: list[tuple[str, str, str, bool]] = [
        ("GET", "/health", PUBLIC, True),
        ("GET", "/health/features", PUBLIC, True),
        ("POST", "/auth/login", PUBLIC, True),
        ("POST", "/auth/register", PUBLIC, _customer_role(manifest) is not None),
        ("POST", "/auth/refresh", PUBLIC, True),
        ("POST", "/auth/logout", AUTHENTICATED, True),
        ("POST", "/auth/step-up", AUTHENTICATED, _has_step_up(manifest)),
        ("POST", "/auth/password", AUTHENTICATED, True),
        ("POST", "/auth/totp", AUTHENTICATED, _uses_totp(manifest)),
        ("POST", "/auth/totp/confirm", AUTHENTICATED, _uses_totp(manifest)),
        ("POST", "/auth/passkeys/register/options", AUTHENTICATED, passkeys),
        ("POST", "/auth/passkeys/invite/options", PUBLIC, passkeys),
        ("POST", "/auth/passkeys/register", PUBLIC, passkeys),
        ("POST", "/auth/passkeys/login/options", PUBLIC, passkeys),
        ("POST", "/auth/passkeys/login", PUBLIC, passkeys),
        ("POST", "/users/{user_id}/passkey-invite", Permission.MANAGE_USERS, passkeys),
        ("GET", "/auth/oidc/login", PUBLIC, _uses_oidc(manifest)),
        ("GET", "/auth/oidc/callback", PUBLIC, _uses_oidc(manifest)),
        ("GET", "/metrics", Permission.VIEW_REPORTS, True),
        ("GET", "/users/me", AUTHENTICATED, True),
        ("GET", "/users", Permission.MANAGE_USERS, True),
        ("POST", "/users", Permission.MANAGE_USERS, True),
        ("PATCH", "/users/{user_id}/role", Permission.MANAGE_USERS, True),
        ("POST", "/users/{user_id}/unlock", Permission.MANAGE_USERS, True),
        ("GET", "/locations", Permission.BROWSE, True),
        ("GET", "/offerings", Permission.BROWSE, True),
        ("PUT", "/offerings/{offering_id}/price", Permission.MANAGE_PRICING, True),
        ("GET", "/slots", Permission.BROWSE, True),
        ("POST", "/slots", Permission.MANAGE_OFFERINGS, True),
        ("GET", "/bookings", Permission.VIEW_BOOKINGS, True),
        ("POST", "/bookings", Permission.HOLD, True),
        ("POST", "/bookings/on-behalf", Permission.BOOK_ON_BEHALF, True),
        ("POST", "/bookings/{booking_id}/no-show", Permission.MARK_NO_SHOW, True),
        ("GET", "/resources", Permission.BROWSE, bool(modes - {SEAT})),
        ("GET", "/staff", Permission.BROWSE, STAFF in modes),
        ("GET", "/bookings/{booking_id}", Permission.VIEW_BOOKINGS, True),
        ("POST", "/bookings/{booking_id}/pay", Permission.PAY, payments),
        ("POST", "/bookings/{booking_id}/check-in", Permission.CHECK_IN, True),
        ("POST", "/bookings/{booking_id}/reschedule", Permission.RESCHEDULE, True),
        ("POST", "/bookings/{booking_id}/cancel", Permission.CANCEL, True),
        ("POST", "/bookings/{booking_id}/refunds", Permission.REFUND, payments),
        ("POST", "/webhooks/payments", PUBLIC, payments),
        ("GET", "/reports/payments/metrics", Permission.VIEW_REPORTS, payments),
        # Payouts move money out like refunds do; the route also needs an admin role.
        ("POST", "/payouts", Permission.REFUND, payouts),
        ("GET", "/reports/bookings", Permission.VIEW_REPORTS, True),
        ("GET", "/reports/dormant-accounts", Permission.MANAGE_USERS, True),
        ("GET", "/blocks", Permission.BLOCK_RESOURCES, True),
        ("POST", "/blocks", Permission.BLOCK_RESOURCES, True),
    ]
    routes = [
        RouteSpec(method, API_PREFIX + path, str(permission))
        for method, path, permission, enabled in table
        if enabled
    ]
    routes += [RouteSpec(method, SCIM_PREFIX + path, PROVISIONING) for method, path in SCIM_ROUTES]
    return sorted(routes, key=lambda route: (route.path, route.method))


def _catalog_routes(manifest: Manifest) -> dict[str, bool]:
    """Which optional catalogue routes exist: units to pick from, staff to choose."""
    paths = {route.path for route in routes_for(manifest)}
    return {
        "resources": API_PREFIX + "/resources" in paths,
        "staff": API_PREFIX + "/staff" in paths,
    }


def _customer_role(manifest: Manifest) -> Role | None:
    """The role self-registered accounts get: the first customer role that may hold a seat.

    Roles with a free allowance come last: anyone can register, so a self-made account that
    got free hours could be repeated for free hours without end.
    """
    customers = [role for role in manifest.roles if role.kind is RoleKind.CUSTOMER]
    holders = [role for role in customers if Permission.HOLD in role.permissions]
    ranked = sorted(holders or customers, key=lambda role: role.allowance is not None)
    return ranked[0] if ranked else None


def _has_step_up(manifest: Manifest) -> bool:
    return any(role.step_up_for for role in manifest.roles)


def _uses_totp(manifest: Manifest) -> bool:
    """Whether any role may enrol a TOTP authenticator (the manifest's ``second_factors``)."""
    return any(SecondFactor.TOTP in role.second_factors for role in manifest.roles)


def _uses_passkeys(manifest: Manifest) -> bool:
    """Whether any role signs in (or steps up) with a passkey."""
    return any(
        SignInMethod.PASSKEY in role.sign_in or SecondFactor.PASSKEY in role.second_factors
        for role in manifest.roles
    )


def _uses_oidc(manifest: Manifest) -> bool:
    """Whether any role signs in through the identity provider (single sign-on)."""
    return any(SignInMethod.OIDC in role.sign_in for role in manifest.roles)


def build_context(manifest: Manifest, manifest_sha256: str) -> dict[str, Any]:
    """Everything the templates may use, as plain, sorted data."""
    customer = _customer_role(manifest)
    return {
        "manifest": manifest,
        "manifest_sha256": manifest_sha256,
        "minor_digits": minor_digits(manifest.currency),
        "api_prefix": API_PREFIX,
        "payments_enabled": manifest.payments.provider is not PaymentProvider.NONE,
        "provider": manifest.payments.provider.value,
        "customer_role": customer.id if customer else None,
        "has_step_up": _has_step_up(manifest),
        "uses_totp": _uses_totp(manifest),
        "uses_passkeys": _uses_passkeys(manifest),
        "uses_oidc": _uses_oidc(manifest),
        "routes": [asdict(route) for route in routes_for(manifest)],
        "catalog": _catalog_routes(manifest),
        "seed": _seed(manifest),
        "roles": [_role_data(role) for role in manifest.roles],
        "audit_events": [event.value for event in manifest.audit.events],
        "features": [flag.model_dump(mode="json") for flag in manifest.features],
        "plan": _test_plan(manifest),
    }


def _seed(manifest: Manifest) -> dict[str, Any]:
    """The rows the app creates on first start, as plain literals."""
    return {
        "tenant": {"key": manifest.tenant.id, "name": manifest.tenant.name},
        "currency": manifest.currency,
        "locations": [
            {
                "key": location.id,
                "name": location.name,
                "timezone": location.timezone,
                "opens": _hhmm(location.opening_hours.opens) if location.opening_hours else None,
                "closes": _hhmm(location.opening_hours.closes) if location.opening_hours else None,
                "days": [day.value for day in location.opening_hours.days]
                if location.opening_hours
                else [day.value for day in Weekday],
            }
            for location in manifest.locations
        ],
        "offerings": [_offering_data(item, manifest.currency) for item in manifest.offerings],
        "booking": {
            "hold_minutes": manifest.booking.hold_minutes,
            "default_horizon_days": manifest.booking.default_horizon_days,
            "free_cancellation_hours": manifest.booking.cancellation.free_until_hours_before
            if manifest.booking.cancellation
            else None,
            "deposit_percent": manifest.booking.deposit.percent
            if manifest.booking.deposit
            else None,
        },
        "location_scoping": manifest.data_scope.location,
    }


def _hhmm(value: Any) -> str:
    return str(value.strftime("%H:%M"))


def _offering_data(offering: Offering, currency: str) -> dict[str, Any]:
    return {
        "key": offering.id,
        "name": offering.name,
        "kind": offering.kind.value,
        "durations_minutes": list(offering.durations_minutes),
        "capacity": offering.capacity,
        "quantity": offering.quantity,
        "resource_name": offering.resource_name,
        "staff_required": offering.staff_required,
        "mode": booking_mode(offering),
        "price_minor": offering.price.amount_minor if offering.price else None,
        "currency": offering.price.currency if offering.price else currency,
        "price_unit": offering.price_unit.value,
    }


def _role_data(role: Role) -> dict[str, Any]:
    return {
        "id": role.id,
        "name": role.name,
        "kind": role.kind.value,
        "permissions": [permission.value for permission in role.permissions],
        "scope": role.scope.value,
        "refund_cap_minor": role.refund_cap.amount_minor if role.refund_cap else None,
        "step_up_for": [permission.value for permission in role.step_up_for],
        "sign_in": [method.value for method in role.sign_in],
        "second_factors": [factor.value for factor in role.second_factors],
        "booking_horizon_days": role.booking_horizon_days,
        "allowance": {"hours": role.allowance.hours, "period": role.allowance.period}
        if role.allowance
        else None,
    }


def _test_plan(manifest: Manifest) -> dict[str, Any]:
    """Which role plays which part in the app's own tests, and where the test slot sits.

    Tests are rendered only for what the manifest allows: no refund-cap test without a capped
    role, no payment test without a provider. ``None`` means "render no test for this".
    """
    payments = manifest.payments.provider is not PaymentProvider.NONE
    admin = next(role for role in manifest.roles if role.kind is RoleKind.ADMIN)
    customer = _customer_role(manifest)
    offering = _test_offering(manifest)
    location = manifest.locations[0]
    start = _test_start(manifest, offering)
    capped = next(
        (
            role
            for role in manifest.roles
            if role.refund_cap is not None and Permission.REFUND in role.permissions
        ),
        None,
    )
    location_staff = next(
        (
            role
            for role in manifest.roles
            if role.kind is RoleKind.STAFF
            and role.scope is Scope.LOCATION
            and Permission.VIEW_BOOKINGS in role.permissions
        ),
        None,
    )
    return {
        "admin": admin.id,
        "admin_step_up_refund": payments and Permission.REFUND in admin.step_up_for,
        "customer": customer.id if customer else None,
        "customer_can_view": bool(customer and Permission.VIEW_BOOKINGS in customer.permissions),
        "booker_can_view": _booker_can_view(manifest, customer),
        "opening_hours": location.opening_hours is not None,
        "customer_can_pay": bool(payments and customer and Permission.PAY in customer.permissions),
        "actor": {perm.value: _actor(manifest, perm) for perm in Permission},
        "capped_refund": {"role": capped.id, "cap_minor": capped.refund_cap.amount_minor}
        if capped and capped.refund_cap and payments
        else None,
        "capped_refund_text": format_minor(capped.refund_cap.amount_minor, manifest.currency)
        if capped and capped.refund_cap
        else "",
        "location_staff": location_staff.id
        if location_staff and manifest.data_scope.location
        else None,
        "second_location": manifest.locations[1].id if len(manifest.locations) > 1 else None,
        "offering": offering.id,
        "offering_capacity": offering.capacity,
        "offering_price_minor": _charge_minor(manifest, offering) if offering.price else None,
        "location": location.id,
        "timezone": location.timezone,
        "duration": offering.durations_minutes[0],
        "start": [start.year, start.month, start.day, start.hour, start.minute],
        "now": [start.year, start.month, start.day - 1, start.hour, start.minute],
        "hold_minutes": manifest.booking.hold_minutes,
        "payments": payments,
        "staff": _staff_plan(manifest),
        "units": _unit_plan(manifest),
        "allowance": _allowance_plan(manifest, customer) if payments else None,
        "on_behalf": _on_behalf_plan(manifest, customer),
        "no_show": _no_show_plan(manifest, customer),
        "feature_probe": _feature_probe(manifest),
        "identity": _identity_plan(manifest),
    }


def _identity_plan(manifest: Manifest) -> dict[str, Any]:
    """Which roles the sign-in tests use: one with TOTP (admins first), one without MFA."""
    order = {RoleKind.ADMIN: 0, RoleKind.STAFF: 1, RoleKind.CUSTOMER: 2}
    ranked = sorted(manifest.roles, key=lambda role: (order[role.kind], role.id))
    totp = next((role for role in ranked if SecondFactor.TOTP in role.second_factors), None)
    return {
        "totp_role": totp.id if totp else None,
        "step_up_role": totp.id if totp and Permission.REFUND in totp.step_up_for else None,
        "no_totp_role": next(
            (role.id for role in ranked if SecondFactor.TOTP not in role.second_factors), None
        ),
        "oidc_role": next((role.id for role in ranked if SignInMethod.OIDC in role.sign_in), None),
        "passkey_role": next(
            (role.id for role in ranked if SignInMethod.PASSKEY in role.sign_in), None
        ),
        "users_manager": next(
            (role.id for role in ranked if Permission.MANAGE_USERS in role.permissions), None
        ),
    }


def _feature_probe(manifest: Manifest) -> dict[str, str] | None:
    """A plain GET route and a role that may call it, to show a flag hiding a feature."""
    for route in routes_for(manifest):
        if (
            route.method != "GET"
            or "{" in route.path
            or route.permission in (PUBLIC, AUTHENTICATED)
        ):
            continue
        role = _actor(manifest, Permission(route.permission))
        if role is not None:
            return {"path": route.path, "permission": route.permission, "role": role}
    return None


def _staff_plan(manifest: Manifest) -> dict[str, Any] | None:
    """The offering where a hold names a staff member, and the staff role that works it."""
    offering = next((item for item in manifest.offerings if booking_mode(item) == STAFF), None)
    if offering is None:
        return None
    staff = [role for role in manifest.roles if role.kind is RoleKind.STAFF]
    staff.sort(key=lambda role: (role.scope is not Scope.OWN, role.id))
    role = staff[0] if staff else None
    return {
        "offering": offering.id,
        "duration": offering.durations_minutes[0],
        "quantity": offering.quantity,
        "role": role.id if role else None,
        "own_viewer": bool(
            role and role.scope is Scope.OWN and Permission.VIEW_BOOKINGS in role.permissions
        ),
    }


def _unit_plan(manifest: Manifest) -> dict[str, Any] | None:
    """An offering with several units (six courts), to fill every unit of one time."""
    offering = next(
        (item for item in manifest.offerings if booking_mode(item) == UNIT and item.quantity > 1),
        None,
    )
    if offering is None:
        return None
    return {
        "offering": offering.id,
        "quantity": offering.quantity,
        "duration": offering.durations_minutes[0],
    }


def _allowance_plan(manifest: Manifest, customer: Role | None) -> dict[str, Any] | None:
    """A role with free hours, an hourly offering they may book, and a role that always pays."""
    role = next(
        (
            item
            for item in manifest.roles
            if item.allowance
            and Permission.HOLD in item.permissions
            and Permission.PAY in item.permissions
        ),
        None,
    )
    hourly = [
        item
        for item in manifest.offerings
        if item.price_unit is PriceUnit.PER_HOUR and item.price and item.price.amount_minor
    ]
    if role is None or role.allowance is None or not hourly:
        return None
    offering = hourly[0]
    assert offering.price is not None
    payer = customer if customer and customer.allowance is None else None
    return {
        "role": role.id,
        "hours": role.allowance.hours,
        "period": role.allowance.period,
        "offering": offering.id,
        "hourly_minor": offering.price.amount_minor,
        "duration": max(offering.durations_minutes),
        "payer": payer.id if payer and Permission.PAY in payer.permissions else None,
    }


def _on_behalf_plan(manifest: Manifest, customer: Role | None) -> dict[str, Any] | None:
    """Who books for whom in the book-on-behalf test."""
    actor = _actor(manifest, Permission.BOOK_ON_BEHALF)
    if actor is None or customer is None:
        return None
    role = manifest.role(actor)
    bound = manifest.data_scope.location and role.scope is Scope.LOCATION
    return {"actor": actor, "customer": customer.id, "location_bound": bound}


def _no_show_plan(manifest: Manifest, customer: Role | None) -> dict[str, Any] | None:
    """Who marks a no-show, and whether only their own bookings (``own`` scope) are theirs."""
    actor = _actor(manifest, Permission.MARK_NO_SHOW)
    booker = customer.id if customer else _actor(manifest, Permission.HOLD)
    if actor is None or booker is None:
        return None
    role = manifest.role(actor)
    staffed = [item for item in manifest.offerings if booking_mode(item) == STAFF]
    offering = staffed[0] if staffed and role.kind is RoleKind.STAFF else None
    return {
        "actor": actor,
        "own": role.scope is Scope.OWN,
        "booker": booker,
        "staff_offering": offering.id if offering else None,
        "duration": offering.durations_minutes[0] if offering else None,
    }


def _booker_can_view(manifest: Manifest, customer: Role | None) -> bool:
    """Whether the role that books in tests may read bookings (else it gets 403, not 404)."""
    booker = customer.id if customer else _actor(manifest, Permission.HOLD)
    return booker is not None and Permission.VIEW_BOOKINGS in manifest.role(booker).permissions


def _charge_minor(manifest: Manifest, offering: Offering) -> int:
    """What one hold of the test slot charges: hourly prices by duration, then any deposit."""
    price = offering.price.amount_minor if offering.price else 0
    if offering.price_unit is PriceUnit.PER_HOUR:
        price = -(-price * offering.durations_minutes[0] // 60)
    deposit = manifest.booking.deposit
    return -(-price * deposit.percent // 100) if deposit else price


def _actor(manifest: Manifest, permission: Permission) -> str | None:
    """The role that performs ``permission`` in tests: staff first, then admin, then customer."""
    order = {RoleKind.STAFF: 0, RoleKind.ADMIN: 1, RoleKind.CUSTOMER: 2}
    holders = [role for role in manifest.roles if permission in role.permissions]
    holders.sort(key=lambda role: order[role.kind])
    return holders[0].id if holders else None


def _test_offering(manifest: Manifest) -> Offering:
    """The priciest offering, so a refund test can exceed any role's cap by one minor unit."""
    ranked = sorted(
        manifest.offerings,
        key=lambda offering: -(offering.price.amount_minor if offering.price else -1),
    )
    return ranked[0]


def _test_start(manifest: Manifest, offering: Offering) -> datetime:
    """A local start time inside the first location's opening hours, in the test week.

    The day before it (the test clock's "now") is in the same week, so Tuesday or later.
    """
    hours = manifest.locations[0].opening_hours
    days = [day for day in (hours.days if hours else list(Weekday)) if day is not Weekday.MON]
    day_index = list(Weekday).index(days[0]) if days else 1
    opens = hours.opens if hours else datetime(2030, 1, 1, 9).time()
    start = datetime.combine(TEST_WEEK_MONDAY + timedelta(days=day_index), opens)
    later = start + timedelta(hours=1)
    end = later + timedelta(minutes=offering.durations_minutes[0])
    if hours is None or end.time() <= hours.closes:
        return later
    return start
