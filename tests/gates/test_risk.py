"""Risk classes come from what changed; anything no rule knows is high."""

from __future__ import annotations

from typing import Any

import pytest

from generator.gates import FieldChange, Risk, classify


@pytest.mark.parametrize(
    ("path", "old", "new", "risk"),
    [
        ("roles[staff].refund_cap.amount_minor", 5000, 8000, Risk.HIGH),
        ("roles[staff].refund_cap.amount_minor", 5000, 3000, Risk.LOW),
        ("roles[staff].refund_cap", {"amount_minor": 1, "currency": "USD"}, None, Risk.HIGH),
        ("roles[staff].permissions", ["check_in"], ["check_in", "refund"], Risk.HIGH),
        ("roles[staff].permissions", ["check_in", "refund"], ["check_in"], Risk.LOW),
        ("roles[staff].scope", "own", "tenant", Risk.HIGH),
        ("roles[staff].scope", "tenant", "own", Risk.LOW),
        ("roles[admin].sign_in", ["password"], ["passkey", "password"], Risk.HIGH),
        ("roles[admin].second_factors", ["totp"], [], Risk.HIGH),
        ("roles[admin].step_up_for", ["refund"], [], Risk.HIGH),
        ("payments.provider", "stripe", "adyen", Risk.HIGH),
        ("data_scope.location", True, False, Risk.HIGH),
        ("offerings[pilates]", None, {"id": "pilates"}, Risk.HIGH),
        ("locations[main_site]", {"id": "main_site"}, None, Risk.HIGH),
        ("audit.events", ["booking", "payment"], ["booking"], Risk.HIGH),
        ("audit.events", ["booking"], ["booking", "payment"], Risk.LOW),
        ("booking.hold_minutes", 10, 15, Risk.LOW),
        ("offerings[spin].price", None, {"amount_minor": 1500, "currency": "USD"}, Risk.LOW),
        ("offerings[spin].name", "Spin", "Spin Class", Risk.LOW),
        ("features[waitlist]", None, {"id": "waitlist", "enabled_in": []}, Risk.LOW),
        ("features[waitlist]", None, {"id": "waitlist", "enabled_in": ["prod"]}, Risk.HIGH),
        ("features[waitlist]", {"id": "waitlist"}, None, Risk.HIGH),
        ("features[waitlist].enabled_in", ["dev"], ["dev", "staging"], Risk.LOW),
        ("features[waitlist].enabled_in", ["staging"], ["prod", "staging"], Risk.HIGH),
        ("features[waitlist].enabled_in", ["prod"], [], Risk.LOW),
        ("features[waitlist].permissions", ["reschedule"], [], Risk.HIGH),
        ("features[waitlist].permissions", ["cancel"], ["cancel", "reschedule"], Risk.LOW),
        ("something.new", 1, 2, Risk.HIGH),
    ],
)
def test_each_change_gets_its_documented_risk(path: str, old: Any, new: Any, risk: Risk) -> None:
    """The table in generator.gates.risk, one row per case; unknown paths fail closed."""
    overall, findings = classify([FieldChange(path, old, new)])
    assert (overall, findings[0].risk) == (risk, risk)


def test_one_high_change_makes_the_change_set_high() -> None:
    """The change set's risk is the highest of its findings."""
    overall, _ = classify(
        [
            FieldChange("booking.hold_minutes", 10, 15),
            FieldChange("payments.provider", "stripe", "none"),
        ]
    )
    assert overall is Risk.HIGH
