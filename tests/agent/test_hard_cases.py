"""Inputs that must end in a clear error or a listed assumption, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.agent import ALLOWED_TOOLS, OUTPUT_TOOL, Conversation, PlanOutcome, build_model, plan
from generator.errors import (
    PlanBudgetExceeded,
    Quarantined,
    SpecError,
    UnsupportedLanguage,
    UserError,
)
from generator.manifest.model import Permission, RoleKind

CASES = Path(__file__).parents[1] / "fixtures" / "cases"


def case(case_id: str) -> str:
    """The text of one case from the shared injection/benign files."""
    for name in ("injections.jsonl", "benign.jsonl"):
        for line in (CASES / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item["id"] == case_id:
                return str(item["text"])
    raise KeyError(case_id)


STUDIO = "Yoga studio in Boston. Guests book classes, the admin does the rest."


def planned(*turns: str) -> PlanOutcome:
    return plan(Conversation.of(*turns))


def fields(outcome: PlanOutcome) -> set[str]:
    return {assumption.field for assumption in outcome.manifest.assumptions}


def test_a_spec_without_roles_gets_default_roles_and_says_so() -> None:
    """A customer and an admin role are assumed, listed, and asked about."""
    outcome = planned("Climbing gym in Leeds. Sessions of 90 minutes for 12 people, 15 pounds.")

    kinds = {role.name: role.kind for role in outcome.manifest.roles}
    assert kinds == {"Customer": RoleKind.CUSTOMER, "Admin": RoleKind.ADMIN}
    assert "roles" in fields(outcome)
    assert any("Who uses the app" in question for question in outcome.questions)
    assert outcome.manifest.currency == "GBP"
    assert outcome.manifest.locations[0].timezone == "Europe/London"


def test_an_empty_spec_is_refused() -> None:
    """There is nothing to plan from, and the message says so."""
    with pytest.raises(SpecError, match="empty"):
        planned("   ")


def test_a_german_spec_gets_a_clear_language_error() -> None:
    """The offline planner reads English only and points at the alternative."""
    with pytest.raises(UnsupportedLanguage, match=r"German.*English only.*model provider"):
        planned(case("ok-german") + " Wir sind ein Yogastudio in Berlin mit zwei Räumen.")


def test_an_unknown_currency_falls_back_with_an_assumption() -> None:
    """Zorkmids are not ISO 4217: the local currency is used, noted and asked about."""
    outcome = planned(STUDIO + " Classes cost 20 zorkmids, prices in zorkmids.")

    assert outcome.manifest.currency == "USD"
    assert "currency" in fields(outcome)
    assert any("ISO 4217" in question for question in outcome.questions)


def test_an_unbounded_staff_refund_is_capped_with_an_assumption() -> None:
    """The invariant refuses an uncapped cap; the planner bounds it by the highest price."""
    outcome = planned(
        "Pottery studio in Chicago, classes of 8 people, $40 per class. Guests book and pay. "
        "Staff can refund any amount. The owner does everything else."
    )

    staff = outcome.manifest.role("staff")
    assert Permission.REFUND in staff.permissions
    assert staff.refund_cap is not None and staff.refund_cap.amount_minor == 4000
    assert "roles.staff.refund_cap" in fields(outcome)


def test_an_absurd_hold_is_refused_and_the_safe_hold_kept() -> None:
    """ "Hold slots for 100000 minutes" never reaches the manifest."""
    outcome = planned(STUDIO, case("inj-arg-abuse-hold"))

    assert outcome.manifest.booking.hold_minutes == 10
    refused = [entry for entry in outcome.tool_log if not entry.accepted]
    assert [entry.name for entry in refused] == ["set_hold_minutes"]
    assert "booking.hold_minutes" in fields(outcome)


def test_a_forged_tool_call_in_the_chat_is_held_before_any_tool_runs() -> None:
    """JSON imitating a tool call never reaches the planner: the guard quarantines it.

    (A model that itself emits a forged call is refused by the guard's reply check; see
    tests/guard.)
    """
    with pytest.raises(Quarantined, match="held for review"):
        planned(STUDIO, case("inj-tool-forgery"))


def test_endless_work_stops_at_the_budget() -> None:
    """One class per minute for ten years ends at the request budget with a clear error."""
    with pytest.raises(PlanBudgetExceeded, match="budget"):
        planned(STUDIO, case("inj-exhaustion"))


def test_an_unknown_model_name_is_a_user_error() -> None:
    """Only known models are built, and the message lists them."""
    with pytest.raises(UserError, match=r"unknown model 'gpt-9'.*offline"):
        build_model("gpt-9")


def test_the_output_tool_is_not_an_editing_tool() -> None:
    """The guard allows the output tool beside the allowlist; it edits nothing."""
    assert OUTPUT_TOOL not in ALLOWED_TOOLS
