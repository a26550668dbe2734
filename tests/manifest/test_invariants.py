"""Every policy invariant refuses a manifest that breaks it, naming the field and the fix."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from generator.errors import ManifestInvalid
from generator.manifest.io import validate_data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ManifestInvalid) as caught:
        validate_data(data)
    return [str(problem) for problem in caught.value.problems]


def test_base_manifest_is_valid(data: dict[str, Any]) -> None:
    manifest = validate_data(data)

    assert manifest.role("staff").refund_cap is not None
    assert manifest.role("staff").refund_cap.amount_minor == 5000


def test_wildcard_permission_is_refused_with_a_reason(data: dict[str, Any]) -> None:
    data["roles"][1]["permissions"] = ["*"]

    [problem] = problems_of(data)

    assert problem.startswith("roles[1].permissions[0]:")
    assert "deny by default" in problem


def test_unknown_permission_is_refused(data: dict[str, Any]) -> None:
    data["roles"][0]["permissions"] = ["browse", "delete_all_bookings"]

    assert any("roles[0].permissions[1]" in p for p in problems_of(data))


def test_non_admin_refund_needs_a_finite_cap(data: dict[str, Any]) -> None:
    del data["roles"][1]["refund_cap"]

    [problem] = problems_of(data)

    assert problem.startswith("roles[1].refund_cap:")
    assert "finite" in problem


def test_refund_cap_above_the_highest_price_is_refused(data: dict[str, Any]) -> None:
    data["roles"][1]["refund_cap"]["amount_minor"] = 8001

    [problem] = problems_of(data)

    assert "roles[1].refund_cap.amount_minor" in problem
    assert "80.01 USD" in problem and "80.00 USD" in problem


def test_refund_cap_equal_to_the_price_is_allowed(data: dict[str, Any]) -> None:
    data["roles"][1]["refund_cap"]["amount_minor"] = 8000

    assert validate_data(data).role("staff").refund_cap is not None


def test_admin_refund_needs_step_up(data: dict[str, Any]) -> None:
    data["roles"][2]["step_up_for"] = []

    assert any(p.startswith("roles[2].step_up_for:") for p in problems_of(data))


@pytest.mark.parametrize("field", ["sign_in", "second_factors"])
def test_admin_may_not_use_sms_codes(data: dict[str, Any], field: str) -> None:
    data["roles"][2][field] = ["sms_otp"]

    assert any("SMS" in p and p.startswith("roles[2]") for p in problems_of(data))


def test_customer_may_use_sms_codes(data: dict[str, Any]) -> None:
    data["roles"][0]["sign_in"] = ["sms_otp"]

    assert validate_data(data).role("guest").sign_in[0].value == "sms_otp"


@pytest.mark.parametrize("minutes", [0, 61, 100000])
def test_hold_length_is_bounded(data: dict[str, Any], minutes: int) -> None:
    data["booking"]["hold_minutes"] = minutes

    assert any(p.startswith("booking.hold_minutes") for p in problems_of(data))


def test_unknown_currency_is_refused(data: dict[str, Any]) -> None:
    data["currency"] = "ZZZ"

    assert any("ZZZ" in p and "ISO 4217" in p for p in problems_of(data))


def test_unknown_key_is_refused(data: dict[str, Any]) -> None:
    data["roles"][0]["superpowers"] = True

    assert any("roles[0]" in p and "superpowers" in p for p in problems_of(data))


def test_homoglyph_role_id_is_refused(data: dict[str, Any]) -> None:
    data["roles"][2]["id"] = "\u0430dmin"  # Cyrillic a

    assert any(p.startswith("roles[2].id") for p in problems_of(data))


def test_paying_needs_a_payment_provider(data: dict[str, Any]) -> None:
    data["payments"] = {"provider": "none"}

    problems = problems_of(data)

    assert any(p.startswith("roles[0].permissions") for p in problems)
    assert any(p.startswith("roles[1].permissions") for p in problems)


def test_payment_provider_needs_a_vault_reference(data: dict[str, Any]) -> None:
    data["payments"] = {"provider": "stripe"}

    assert any(p.startswith("payments.credentials_ref") for p in problems_of(data))


def test_literal_secret_as_credentials_is_refused(data: dict[str, Any]) -> None:
    data["payments"]["credentials_ref"] = "sk_live_51Habcdefghijklmnop"

    assert any(p.startswith("payments.credentials_ref") for p in problems_of(data))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Spin sk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe key"),
        ("Spin 4242 4242 4242 4242", "payment card number"),
        ("Spin with dana.whitfield@example.org", "e-mail address"),
        ("Call +1 415 555 0134", "phone number"),
        ("password: hunter2", "password phrase"),
    ],
)
def test_no_secret_or_personal_data_in_any_string(
    data: dict[str, Any], text: str, kind: str
) -> None:
    data["offerings"][0]["name"] = text

    [problem] = problems_of(data)

    assert problem.startswith("offerings[0].name:")
    assert kind in problem


def test_every_problem_is_reported_at_once(data: dict[str, Any]) -> None:
    del data["roles"][1]["refund_cap"]
    data["roles"][2]["step_up_for"] = []
    data["roles"][2]["sign_in"] = ["sms_otp"]

    assert len(problems_of(data)) == 3


def test_policy_check_makes_no_network_connection(
    data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """guardrails-ai sends telemetry by default; ours must stay on this machine."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    del data["roles"][1]["refund_cap"]

    problems_of(data)

    assert attempts == []


@pytest.mark.parametrize("permission", ["manage_users", "view_reports", "refund", "check_in"])
def test_customers_hold_only_customer_permissions(data: dict[str, Any], permission: str) -> None:
    """A self-registered guest holding staff powers would let anyone sign up as staff."""
    data["roles"][0]["permissions"].append(permission)

    assert any(
        p.startswith("roles[0].permissions") and "customer role" in p for p in problems_of(data)
    )


def test_customers_see_only_their_own_bookings(data: dict[str, Any]) -> None:
    data["roles"][0]["scope"] = "tenant"

    assert any(p.startswith("roles[0].scope") for p in problems_of(data))


def test_only_admins_manage_users(data: dict[str, Any]) -> None:
    data["roles"][1]["permissions"].append("manage_users")

    [problem] = problems_of(data)

    assert problem.startswith("roles[1].permissions") and "admin-only" in problem


def test_sms_as_a_second_factor_names_that_field(data: dict[str, Any]) -> None:
    data["roles"][2]["second_factors"] = ["totp", "sms_otp"]

    [problem] = problems_of(data)

    assert problem.startswith("roles[2].second_factors")


@pytest.mark.parametrize("event", ["permission_change", "payment", "refund"])
def test_money_and_permission_changes_are_always_audited(data: dict[str, Any], event: str) -> None:
    data["audit"]["events"].remove(event)

    [problem] = problems_of(data)

    assert problem.startswith("audit.events") and event in problem


def test_a_cap_in_another_currency_is_not_compared_with_prices(data: dict[str, Any]) -> None:
    data["roles"][1]["refund_cap"] = {"amount_minor": 9000, "currency": "EUR"}

    problems = problems_of(data)

    assert any("differs from the app currency" in p for p in problems)
    assert not any("highest price" in p for p in problems)


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\U000e0041", "\x07"])
def test_names_refuse_invisible_and_control_characters(data: dict[str, Any], char: str) -> None:
    """Text that reads differently from what it holds (CVE-2021-42574) has no place in names."""
    data["offerings"][0]["name"] = f"Spin{char}Class"

    assert any(p.startswith("offerings[0].name") for p in problems_of(data))


def test_names_keep_ordinary_unicode(data: dict[str, Any]) -> None:
    data["offerings"][0]["name"] = "Café Yoga 🧘‍♀️ Zürich"

    assert validate_data(data).offerings[0].name == "Café Yoga 🧘‍♀️ Zürich"


def test_a_price_in_another_currency_names_its_field(data: dict[str, Any]) -> None:
    data["offerings"][0]["price"]["currency"] = "EUR"

    problems = problems_of(data)

    assert any(
        p.startswith("offerings[0].price.currency") and "price every offering in USD" in p
        for p in problems
    )


def test_a_feature_flag_ships_dark_by_default(data: dict[str, Any]) -> None:
    data["features"] = [
        {"id": "self_refunds", "description": "Refunds by staff", "permissions": ["refund"]}
    ]

    manifest = validate_data(data)

    assert manifest.features[0].enabled_in == []


def test_a_flag_must_gate_a_permission_some_role_holds(data: dict[str, Any]) -> None:
    data["features"] = [
        {"id": "waitlist", "description": "Waitlist", "permissions": ["block_resources"]}
    ]

    [problem] = problems_of(data)

    assert problem.startswith("features[0].permissions:")
    assert "'block_resources', which no role holds" in problem


def test_a_permission_is_gated_by_one_flag_at_most(data: dict[str, Any]) -> None:
    data["features"] = [
        {"id": "one", "description": "One", "permissions": ["refund"]},
        {"id": "two", "description": "Two", "permissions": ["refund"], "enabled_in": ["dev"]},
    ]

    [problem] = problems_of(data)

    assert problem.startswith("features[1].permissions:") and "both 'one' and 'two'" in problem


def test_a_flag_names_only_known_environments(data: dict[str, Any]) -> None:
    data["features"] = [
        {"id": "one", "description": "One", "permissions": ["refund"], "enabled_in": ["qa"]}
    ]

    [problem] = problems_of(data)

    assert problem.startswith("features[0].enabled_in[0]:")
