"""Tool arguments are strict: out of bounds, unknown keys and look-alike ids are refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from generator.agent.tools import ALLOWED_TOOLS, argument_model


def test_the_allowlist_is_exactly_the_editing_tools() -> None:
    """Nothing like a policy back door is on the list."""
    assert "admin_set_policy" not in ALLOWED_TOOLS
    assert {"set_hold_minutes", "add_role", "grant_permissions", "note_assumption"} <= ALLOWED_TOOLS
    assert all(name.isascii() and name.islower() for name in ALLOWED_TOOLS)


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("set_hold_minutes", {"minutes": 100000}),
        ("set_hold_minutes", {"minutes": 0}),
        ("set_hold_minutes", {"minutes": 10, "extra": 1}),
        ("add_role", {"name": "Admin", "kind": "superuser", "scope": "tenant"}),
        ("add_role", {"name": "\u0410dmin", "kind": "admin", "scope": "tenant"}),
        ("grant_permissions", {"role": "\u0430dmin", "permissions": ["refund"]}),
        ("grant_permissions", {"role": "staff", "permissions": ["*"]}),
        ("set_refund_cap", {"role": "staff", "amount": "-5"}),
        ("set_refund_cap", {"role": "staff", "amount": "1e12"}),
        ("set_currency", {"code": "zorkmid"}),
        ("set_payment_provider", {"provider": "paypal"}),
        (
            "add_offering",
            {"name": "Spin", "kind": "class", "durations_minutes": [1], "capacity": 10},
        ),
        ("note_assumption", {"field": "x", "value": "y", "reason": "z" * 301}),
    ],
)
def test_out_of_bounds_arguments_are_refused(tool: str, args: dict[str, Any]) -> None:
    """Each case breaks exactly one bound of a valid call."""
    with pytest.raises(ValidationError):
        argument_model(tool).model_validate(args)


def test_valid_arguments_pass() -> None:
    """The bounds leave room for real businesses."""
    argument_model("set_hold_minutes").model_validate({"minutes": 60})
    argument_model("add_role").model_validate(
        {"name": "Front Desk", "kind": "staff", "scope": "location"}
    )
    argument_model("set_refund_cap").model_validate({"role": "staff", "amount": "50.00"})
