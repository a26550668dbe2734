"""The offline planner reads businesses it was never shown, not just the sample specs."""

from __future__ import annotations

from generator.agent import Conversation, plan
from generator.manifest.model import OfferingKind, Permission, RoleKind, Scope


def test_a_grooming_shop_in_melbourne() -> None:
    """Local dollars, a staffed appointment named by the user's noun, own-scoped groomers."""
    outcome = plan(
        Conversation.of(
            "We run a dog grooming shop in Melbourne. Customers book a 60-minute groom with one "
            "of our 3 groomers, $70 each. Groomers see their own appointments. "
            "The owner can do everything. Payments via Stripe."
        )
    )
    m = outcome.manifest

    assert m.currency == "AUD" and m.locations[0].timezone == "Australia/Melbourne"
    [groom] = m.offerings
    assert groom.kind is OfferingKind.APPOINTMENT and groom.staff_required
    assert (groom.quantity, groom.resource_name, groom.durations_minutes) == (3, "Groomer", [60])
    assert groom.price is not None and groom.price.amount_minor == 7000
    assert m.role("groomer").scope is Scope.OWN
    assert m.role("owner").kind is RoleKind.ADMIN


def test_a_bowling_alley_priced_per_hour() -> None:
    """Lanes by the hour in pounds, staff refunds capped, an explicit hold."""
    m = plan(
        Conversation.of(
            "Bowling alley in Manchester with 12 lanes. Players book a lane for 1 or 2 hours, "
            "£30 per hour. Staff check players in and can refund up to £30. Managers set prices "
            "and look at reports. Hold a lane for 8 minutes while people pay."
        )
    ).manifest

    [lane] = m.offerings
    assert (lane.quantity, lane.durations_minutes) == (12, [60, 120])
    assert lane.price is not None and (lane.price.amount_minor, lane.price.currency) == (
        3000,
        "GBP",
    )
    staff = m.role("staff")
    assert staff.refund_cap is not None and staff.refund_cap.amount_minor == 3000
    assert Permission.MANAGE_PRICING in m.role("manager").permissions
    assert m.booking.hold_minutes == 8


def test_a_spec_without_customers_gets_one_with_an_assumption() -> None:
    """Someone has to book: a Customer role is added and listed."""
    outcome = plan(Conversation.of("Yoga studio in Boston. Teachers check people in."))

    kinds = {role.name: role.kind for role in outcome.manifest.roles}
    assert kinds["Customer"] is RoleKind.CUSTOMER
    assert "roles.customer" in {a.field for a in outcome.assumptions}


def test_customers_can_always_see_their_own_bookings() -> None:
    """A customer who booked must be able to list that booking, whatever the spec said."""
    outcome = plan(
        Conversation(
            (
                "Escape rooms in Leeds: 3 rooms, 6 players each, 60 minutes, GBP 90 per room. "
                "Players book and pay online with Stripe. Hosts check players in. "
                "The owner sees reports.",
            )
        )
    )

    customers = [role for role in outcome.manifest.roles if role.kind is RoleKind.CUSTOMER]
    assert customers
    assert all(Permission.VIEW_BOOKINGS in role.permissions for role in customers)
    assert all(role.scope is Scope.OWN for role in customers)
