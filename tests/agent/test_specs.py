"""Every fact in every sample spec's ``expect:`` block holds in the planned manifest."""

from __future__ import annotations

from generator.manifest.model import (
    AuditEvent,
    Manifest,
    OfferingKind,
    PaymentProvider,
    Permission,
    PriceUnit,
    Role,
    RoleKind,
    Scope,
    SecondFactor,
    SignInMethod,
)
from tests.agent.conftest import planned

P = Permission


def names(manifest: Manifest) -> dict[str, RoleKind]:
    return {role.name: role.kind for role in manifest.roles}


def role(manifest: Manifest, name: str) -> Role:
    return next(role for role in manifest.roles if role.name == name)


def test_coworking_facts() -> None:
    """Three cities in their own zones, rooms by the hour, members' allowance, Stripe."""
    m = planned("coworking").manifest

    zones = {location.name: location.timezone for location in m.locations}
    assert zones == {
        "Austin": "America/Chicago",
        "Denver": "America/Denver",
        "Portland": "America/Los_Angeles",
    }
    for location in m.locations:
        assert location.opening_hours is not None
        assert location.opening_hours.opens.hour == 7
        assert location.opening_hours.closes.hour == 22

    rooms = [o for o in m.offerings if o.kind is OfferingKind.ROOM]
    assert sorted(o.capacity for o in rooms) == [4, 8, 12]
    for room in rooms:
        assert room.price_unit is PriceUnit.PER_HOUR
        assert room.price is not None
        assert (room.price.amount_minor, room.price.currency) == (2500, "USD")

    assert names(m) == {
        "Member": RoleKind.CUSTOMER,
        "Visitor": RoleKind.CUSTOMER,
        "Front Desk": RoleKind.STAFF,
        "Ops": RoleKind.ADMIN,
    }
    allowance = role(m, "Member").allowance
    assert allowance is not None and (allowance.hours, allowance.period) == (10, "month")
    assert role(m, "Visitor").allowance is None
    assert P.PAY in role(m, "Visitor").permissions

    desk = role(m, "Front Desk")
    assert {P.BOOK_ON_BEHALF, P.CHECK_IN} <= set(desk.permissions)
    assert desk.scope is Scope.LOCATION
    ops = role(m, "Ops")
    assert ops.scope is Scope.TENANT and P.MANAGE_PRICING in ops.permissions

    assert m.payments.provider is PaymentProvider.STRIPE
    assert m.payments.credentials_ref == "vault:payments/stripe"
    assert m.booking.hold_minutes == 5


def test_fitness_studio_facts() -> None:
    """Guests hold and pay, staff capped refunds at their gym, admins step up, audit trail."""
    m = planned("fitness-studio").manifest

    assert names(m) == {
        "Guest": RoleKind.CUSTOMER,
        "Staff": RoleKind.STAFF,
        "Admin": RoleKind.ADMIN,
    }
    assert {P.BROWSE, P.HOLD, P.PAY} <= set(role(m, "Guest").permissions)
    assert m.booking.hold_minutes == 10

    staff = role(m, "Staff")
    assert {P.CHECK_IN, P.RESCHEDULE, P.REFUND} <= set(staff.permissions)
    assert staff.refund_cap is not None
    assert (staff.refund_cap.amount_minor, staff.refund_cap.currency) == (5000, "USD")
    assert staff.sign_in == [SignInMethod.PASSKEY]
    assert staff.scope is Scope.LOCATION

    admin = role(m, "Admin")
    assert {P.MANAGE_PRICING, P.VIEW_REPORTS} <= set(admin.permissions)
    assert P.REFUND in admin.step_up_for and SecondFactor.TOTP in admin.second_factors

    assert m.payments.provider is PaymentProvider.STRIPE and m.currency == "USD"
    assert m.data_scope.tenant and m.data_scope.location
    assert {AuditEvent.BOOKING, AuditEvent.PAYMENT, AuditEvent.PERMISSION_CHANGE} <= set(
        m.audit.events
    )


def test_hair_salon_facts() -> None:
    """One site in Lyon, EUR, Adyen, deposit, stylists without refunds, owner refunds."""
    m = planned("hair-salon").manifest

    assert len(m.locations) == 1 and m.locations[0].timezone == "Europe/Paris"
    assert m.currency == "EUR" and m.payments.provider is PaymentProvider.ADYEN
    durations = {d for o in m.offerings for d in o.durations_minutes}
    assert {30, 90, 120} <= durations
    assert m.booking.deposit is not None and m.booking.deposit.percent == 20

    assert names(m) == {
        "Client": RoleKind.CUSTOMER,
        "Stylist": RoleKind.STAFF,
        "Owner": RoleKind.ADMIN,
    }
    stylist = role(m, "Stylist")
    assert {P.VIEW_BOOKINGS, P.MARK_NO_SHOW} <= set(stylist.permissions)
    assert stylist.scope is Scope.OWN
    assert [r.name for r in m.roles if P.REFUND in r.permissions] == ["Owner"]

    assert m.booking.cancellation is not None
    assert m.booking.cancellation.free_until_hours_before == 24


def test_physio_clinic_facts() -> None:
    """Sessions with five therapists, $80, reception capped, and no personal data anywhere."""
    outcome = planned("physio-clinic")
    m = outcome.manifest

    sessions = [o for o in m.offerings if o.staff_required]
    assert len(sessions) == 1
    session = sessions[0]
    assert session.durations_minutes == [45] and session.quantity == 5
    assert session.price is not None
    assert (session.price.amount_minor, session.price.currency) == (8000, "USD")

    assert names(m) == {
        "Patient": RoleKind.CUSTOMER,
        "Therapist": RoleKind.STAFF,
        "Reception": RoleKind.STAFF,
        "Director": RoleKind.ADMIN,
    }
    assert role(m, "Therapist").scope is Scope.OWN
    reception = role(m, "Reception")
    assert {P.RESCHEDULE, P.CANCEL, P.REFUND} <= set(reception.permissions)
    assert reception.refund_cap is not None and reception.refund_cap.amount_minor == 8000

    text = m.model_dump_json().lower() + str(outcome.questions).lower()
    for secret in ("dana", "whitfield", "example.org", "555", "4242", "cvc"):
        assert secret not in text


def test_tennis_club_facts() -> None:
    """Six single courts, per-role horizons, 60/90 minutes, coaches block, pay at the bar."""
    m = planned("tennis-club").manifest

    assert len(m.locations) == 1
    courts = [o for o in m.offerings if o.kind is OfferingKind.COURT]
    assert len(courts) == 1
    assert (courts[0].quantity, courts[0].capacity) == (6, 1)
    assert courts[0].durations_minutes == [60, 90]

    assert names(m) == {
        "Member": RoleKind.CUSTOMER,
        "Guest": RoleKind.CUSTOMER,
        "Coach": RoleKind.STAFF,
        "Manager": RoleKind.ADMIN,
    }
    assert role(m, "Member").booking_horizon_days == 7
    assert role(m, "Guest").booking_horizon_days == 2
    assert P.BLOCK_RESOURCES in role(m, "Coach").permissions
    assert m.payments.provider is PaymentProvider.NONE
    assert not any({P.PAY, P.REFUND} & set(r.permissions) for r in m.roles)


def test_yoga_corrections_facts() -> None:
    """The later turns win: 15-minute hold, no refunds for teachers, CAD."""
    m = planned("yoga-corrections").manifest

    assert m.booking.hold_minutes == 15
    classes = [o for o in m.offerings if o.kind is OfferingKind.CLASS]
    assert len(classes) == 1 and classes[0].capacity == 20 and classes[0].quantity == 2
    assert names(m) == {
        "Guest": RoleKind.CUSTOMER,
        "Teacher": RoleKind.STAFF,
        "Admin": RoleKind.ADMIN,
    }
    assert P.CHECK_IN in role(m, "Teacher").permissions
    assert [r.name for r in m.roles if P.REFUND in r.permissions] == ["Admin"]
    assert m.currency == "CAD"


def test_unstated_values_are_listed_as_assumptions() -> None:
    """Nothing is guessed silently: a spec without prices says so in its assumptions."""
    outcome = planned("tennis-club")
    fields = {assumption.field for assumption in outcome.manifest.assumptions}

    assert "offerings.court.price" in fields
    assert "booking.hold_minutes" in fields
    assert outcome.assumptions == list(outcome.manifest.assumptions)
    assert all(o.price is None for o in outcome.manifest.offerings)
