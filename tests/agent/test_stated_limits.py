"""Limits the user states for a role survive: a cap is kept, clamped, and never widened away."""

from __future__ import annotations

from generator.agent import Conversation, PlanOutcome, plan
from generator.manifest.model import Permission, RoleKind, Scope

YOGA = (
    "We run a yoga studio in Berlin. Guests book and pay online with Stripe. "
    "Staff can refund up to {cap} euros. Classes cost 15 euros."
)
MUSIC = (
    "We are a music school in Manchester. We offer 30-minute piano lessons and guitar lessons "
    "with our teachers. A lesson costs £30. Students book and pay online. "
    "The office manager can refund up to £45."
)


def planned(*turns: str) -> PlanOutcome:
    return plan(Conversation.of(*turns))


def fields(outcome: PlanOutcome) -> set[str]:
    return {assumption.field for assumption in outcome.manifest.assumptions}


def test_capped_staff_stay_staff_and_an_owner_is_added() -> None:
    """With no admin named, staff keep their cap and a separate Owner administers the app."""
    outcome = planned(YOGA.format(cap=20))
    staff, owner = outcome.manifest.role("staff"), outcome.manifest.role("owner")

    assert (staff.kind, staff.scope) == (RoleKind.STAFF, Scope.LOCATION)
    assert Permission.REFUND in staff.permissions
    assert Permission.MANAGE_USERS not in staff.permissions
    assert (owner.kind, owner.scope) == (RoleKind.ADMIN, Scope.TENANT)
    assert Permission.REFUND in owner.step_up_for
    assert "roles.owner" in fields(outcome)
    assert "roles.staff.kind" not in fields(outcome)


def test_a_cap_above_the_highest_price_is_clamped_and_listed() -> None:
    """20 EUR may not be refunded on a 15 EUR class: the cap becomes 15 EUR, said as assumed."""
    outcome = planned(YOGA.format(cap=20))
    cap = outcome.manifest.role("staff").refund_cap

    assert cap is not None and (cap.amount_minor, cap.currency) == (1500, "EUR")
    assert "roles.staff.refund_cap" in fields(outcome)


def test_a_cap_within_the_prices_is_kept_as_stated() -> None:
    """A 10 EUR cap under a 15 EUR price is the user's own value, not an assumption."""
    outcome = planned(YOGA.format(cap=10))
    cap = outcome.manifest.role("staff").refund_cap

    assert cap is not None and cap.amount_minor == 1000
    assert "roles.staff.refund_cap" not in fields(outcome)


def test_a_capped_manager_is_staff_beside_a_separate_owner() -> None:
    """ "The office manager can refund up to £45": a stated cap means not the unbounded admin."""
    outcome = planned(MUSIC)
    manager = outcome.manifest.role("office_manager")
    admins = [role.name for role in outcome.manifest.roles if role.kind is RoleKind.ADMIN]

    assert manager.kind is RoleKind.STAFF
    assert manager.refund_cap is not None and manager.refund_cap.amount_minor == 3000
    assert admins == ["Owner"]
    assert {"roles.office_manager.kind", "roles.office_manager.refund_cap"} <= fields(outcome)


def test_an_uncapped_manager_is_still_the_admin() -> None:
    """Without a cap the manager is the admin as before, and no Owner is invented."""
    outcome = planned(MUSIC.replace(" can refund up to £45", " does everything"))
    admins = [role.name for role in outcome.manifest.roles if role.kind is RoleKind.ADMIN]

    assert admins == ["Office Manager"]
    assert "roles.owner" not in fields(outcome)
