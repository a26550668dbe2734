"""Later turns correct earlier ones, and ordinary phrasing that sounds like an attack passes."""

from __future__ import annotations

from generator.agent import Conversation, PlanOutcome, plan
from generator.manifest.model import PaymentProvider, Permission, RoleKind, Scope
from tests.agent.test_hard_cases import case

STUDIO = "Spin studio in Denver. Riders book and pay for classes, coaches check riders in."


def planned(*turns: str) -> PlanOutcome:
    return plan(Conversation.of(*turns))


def test_the_later_hold_wins() -> None:
    """ "Forget what I said about 10 minutes" replaces the hold, in either order of wording."""
    first = planned(STUDIO + " Hold spots for 10 minutes. The manager does everything.")
    second = planned(
        STUDIO + " Hold spots for 10 minutes. The manager does everything.",
        case("ok-correction-1"),
    )

    assert first.manifest.booking.hold_minutes == 10
    assert second.manifest.booking.hold_minutes == 15


def test_ignoring_an_earlier_provider_switches_it() -> None:
    """ "Ignore my previous message about Adyen, we use Stripe": Stripe wins."""
    outcome = planned(
        STUDIO + " We take payments with Adyen. The manager does everything.",
        case("ok-correction-2"),
    )

    assert outcome.manifest.payments.provider is PaymentProvider.STRIPE


def test_a_denied_permission_is_taken_away_and_given_only_to_the_admin() -> None:
    """ "Coaches must NOT do refunds, only the manager" after coaches were allowed to."""
    outcome = planned(
        STUDIO + " Coaches can refund up to $10. The manager does everything. Stripe for payments.",
        "coaches must NOT do refunds, only the manager",
    )
    roles = {role.name: role for role in outcome.manifest.roles}

    assert Permission.REFUND not in roles["Coach"].permissions
    assert roles["Coach"].refund_cap is None
    assert [name for name, role in roles.items() if Permission.REFUND in role.permissions] == [
        "Manager"
    ]
    assert roles["Manager"].kind is RoleKind.ADMIN


def test_staff_named_by_a_group_word_and_their_site_scope() -> None:
    """ "Front desk people at each site" is a role called Front Desk, scoped to its location."""
    outcome = planned(
        STUDIO + " Front desk people at each site can check people in. The owner does everything."
    )
    desk = outcome.manifest.role("front_desk")

    assert desk.name == "Front Desk" and desk.scope is Scope.LOCATION
    assert outcome.manifest.data_scope.location


def test_an_owner_refunding_in_full_is_ordinary() -> None:
    """ "The owner can refund the full amount" is allowed: admins refund with step-up instead."""
    outcome = planned(STUDIO + " Stripe for payments. " + case("ok-refund-all"))
    owner = outcome.manifest.role("owner")

    assert owner.kind is RoleKind.ADMIN and Permission.REFUND in owner.permissions
    assert Permission.REFUND in owner.step_up_for


def test_a_retracted_hold_length_is_not_a_class_length() -> None:
    """ "Forget what I said about 10 minutes" takes the 10 back; it never becomes a duration."""
    outcome = planned(
        STUDIO + " Hold spots for 10 minutes. The manager does everything.",
        "actually, forget what I said about 10 minutes, make the hold 15 minutes",
    )
    fields = {assumption.field for assumption in outcome.manifest.assumptions}

    assert outcome.manifest.booking.hold_minutes == 15
    assert [o.durations_minutes for o in outcome.manifest.offerings] == [[60]]
    assert "offerings.class.durations_minutes" in fields


def test_a_hold_length_turned_down_in_the_same_sentence_is_dropped() -> None:
    """ "Make the hold 15 minutes, not 10 minutes": the 10 is neither the hold nor a length."""
    outcome = planned(
        STUDIO + " The manager does everything.",
        "Please make the hold 15 minutes, not 10 minutes. Classes are 45 minutes.",
    )

    assert outcome.manifest.booking.hold_minutes == 15
    assert [o.durations_minutes for o in outcome.manifest.offerings] == [[45]]
