"""A small valid manifest as plain data, for tests that break one rule at a time."""

from __future__ import annotations

import copy
from typing import Any

import pytest

BASE: dict[str, Any] = {
    "tenant": {"id": "studio", "name": "Studio"},
    "currency": "USD",
    "locations": [{"id": "main", "name": "Main", "timezone": "America/New_York"}],
    "offerings": [
        {
            "id": "spin",
            "name": "Spin",
            "kind": "class",
            "durations_minutes": [45],
            "capacity": 20,
            "price": {"amount_minor": 8000, "currency": "USD"},
        }
    ],
    "roles": [
        {
            "id": "guest",
            "name": "Guest",
            "kind": "customer",
            "scope": "own",
            "permissions": ["browse", "hold", "pay"],
        },
        {
            "id": "staff",
            "name": "Staff",
            "kind": "staff",
            "scope": "location",
            "permissions": ["check_in", "refund"],
            "refund_cap": {"amount_minor": 5000, "currency": "USD"},
        },
        {
            "id": "admin",
            "name": "Admin",
            "kind": "admin",
            "scope": "tenant",
            "permissions": ["refund", "view_reports"],
            "step_up_for": ["refund"],
            "second_factors": ["totp"],
        },
    ],
    "booking": {"hold_minutes": 10},
    "payments": {"provider": "stripe", "credentials_ref": "vault:payments/stripe"},
    "audit": {"events": ["booking", "payment", "refund", "permission_change"]},
}


@pytest.fixture
def data() -> dict[str, Any]:
    """A fresh deep copy of the valid base manifest, free to break."""
    return copy.deepcopy(BASE)
