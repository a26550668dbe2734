"""Risk classes for change sets: which manifest changes need two approvers for prod.

The rule is fail-closed: a change is low risk only when a rule below says so; any path no rule
knows is high risk. High: widening a role (permissions, scope, kind), raising or removing a
refund cap, any sign-in, second-factor or step-up change, payments and deposits, data scope,
allowances, currency and tenant, audit events removed, and adding or removing offerings,
locations or roles (they change the app's schema). Low: hold length, horizons, cancellation
window, prices, capacities, durations, opening hours, names and wording, assumptions,
narrowing a role, lowering or adding a refund cap, and audit events added. Feature flags: on in
prod, ungated or removed is high; dark, on before prod, off, or gating more is low. A template
upgrade (``templates``) is high: no manifest field shows what the new generated code does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.gates.changeset import FieldChange


class Risk(StrEnum):
    """How many approvers prod needs: one for low, two different ones for high."""

    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True)
class RiskFinding:
    """Why one changed field has the risk it has."""

    path: str
    risk: Risk
    reason: str

    def to_json(self) -> dict[str, Any]:
        """Plain data for the log."""
        return {"path": self.path, "risk": self.risk.value, "reason": self.reason}


_SCOPE_ORDER = {"own": 0, "location": 1, "tenant": 2}
_LOW_PATHS = [
    (r"^booking\.hold_minutes$", "hold length"),
    (r"^booking\.default_horizon_days$", "booking horizon"),
    (r"^booking\.cancellation(\..*)?$", "cancellation window"),
    (r"^offerings\[\w+\]\.price(\..*)?$", "price"),
    (r"^offerings\[\w+\]\.price_unit$", "price unit"),
    (r"^offerings\[\w+\]\.(capacity|quantity|durations_minutes)$", "offering size"),
    (r"^offerings\[\w+\]\.(kind|resource_name|staff_required)$", "offering details"),
    (r"^locations\[\w+\]\.(timezone|opening_hours)(\..*)?$", "location hours"),
    (r"^roles\[\w+\]\.booking_horizon_days$", "role horizon"),
    (r"^(tenant|offerings\[\w+\]|locations\[\w+\]|roles\[\w+\])\.name$", "wording"),
    (r"^assumptions$", "assumptions shown to the user"),
]
_HIGH_PATHS = [
    (r"^roles\[\w+\]\.(sign_in|second_factors|step_up_for)$", "sign-in, MFA or step-up"),
    (r"^payments(\..*)?$", "payment settings"),
    (r"^booking\.deposit(\..*)?$", "deposit (payment settings)"),
    (r"^data_scope(\..*)?$", "data scope"),
    (r"^(offerings|locations|roles)\[\w+\]$", "schema: offering, location or role added/removed"),
    (r"^roles\[\w+\]\.kind$", "role kind"),
    (r"^roles\[\w+\]\.allowance(\..*)?$", "free allowance (money)"),
    (r"^(currency|tenant\.id|manifest_version)$", "currency or tenant identity"),
    (r"^templates$", "template upgrade: the generated code changes"),
]


def classify(changes: list[FieldChange]) -> tuple[Risk, list[RiskFinding]]:
    """The change set's risk (the highest of its findings) and one finding per change."""
    findings = [_finding(change.path, change.old, change.new) for change in changes]
    risk = Risk.HIGH if any(f.risk is Risk.HIGH for f in findings) else Risk.LOW
    return risk, findings


def _finding(path: str, old: Any, new: Any) -> RiskFinding:
    special = (
        _role_rule(path, old, new) or _audit_rule(path, old, new) or _feature_rule(path, old, new)
    )
    if special is not None:
        return special
    for pattern, reason in _HIGH_PATHS:
        if re.match(pattern, path):
            return RiskFinding(path, Risk.HIGH, reason)
    for pattern, reason in _LOW_PATHS:
        if re.match(pattern, path):
            return RiskFinding(path, Risk.LOW, reason)
    return RiskFinding(path, Risk.HIGH, "no rule knows this field; unknown means high")


def _role_rule(path: str, old: Any, new: Any) -> RiskFinding | None:
    if re.match(r"^roles\[\w+\]\.permissions$", path):
        added = sorted(set(new or []) - set(old or []))
        if added:
            return RiskFinding(path, Risk.HIGH, f"widens permissions: +{', '.join(added)}")
        return RiskFinding(path, Risk.LOW, "narrows permissions")
    if re.match(r"^roles\[\w+\]\.scope$", path):
        wider = _SCOPE_ORDER.get(str(new), 9) > _SCOPE_ORDER.get(str(old), 9)
        if wider:
            return RiskFinding(path, Risk.HIGH, f"widens scope {old} -> {new}")
        return RiskFinding(path, Risk.LOW, f"narrows scope {old} -> {new}")
    if re.match(r"^roles\[\w+\]\.refund_cap(\.amount_minor)?$", path):
        return _refund_cap(path, old, new)
    return None


def _refund_cap(path: str, old: Any, new: Any) -> RiskFinding:
    old_amount = old.get("amount_minor") if isinstance(old, dict) else old
    new_amount = new.get("amount_minor") if isinstance(new, dict) else new
    if new_amount is None and old_amount is not None:
        return RiskFinding(path, Risk.HIGH, "removes the refund cap")
    if old_amount is not None and new_amount is not None and new_amount > old_amount:
        return RiskFinding(path, Risk.HIGH, f"raises the refund cap {old_amount} -> {new_amount}")
    return RiskFinding(path, Risk.LOW, "lowers or adds a refund cap")


def _feature_rule(path: str, old: Any, new: Any) -> RiskFinding | None:
    """Turning a feature on in prod, or ungating it, is high; shipping dark or narrowing is low."""
    match = re.match(r"^features\[\w+\](\.(?P<field>\w+))?$", path)
    if match is None:
        return None
    high: str | None
    field = match.group("field")
    if field is None:
        high = _flag_presence(old, new)
        low = "adds a flag that ships dark in prod"
    elif field == "enabled_in":
        high = "turns a feature on in prod" if "prod" in set(new or []) - set(old or []) else None
        low = "turns a feature on before prod, or off"
    elif field == "permissions":
        ungated = sorted(set(old or []) - set(new or []))
        high = f"stops gating: {', '.join(ungated)}" if ungated else None
        low = "gates more permissions"
    else:
        high, low = None, "wording"
    return RiskFinding(path, Risk.HIGH, high) if high else RiskFinding(path, Risk.LOW, low)


def _flag_presence(old: Any, new: Any) -> str | None:
    if new is None:
        return "removes a flag: its permissions turn on everywhere"
    if "prod" in (new.get("enabled_in") or []):
        return "adds a flag that is on in prod"
    return None


def _audit_rule(path: str, old: Any, new: Any) -> RiskFinding | None:
    if path != "audit.events":
        return None
    removed = sorted(set(old or []) - set(new or []))
    if removed:
        return RiskFinding(path, Risk.HIGH, f"stops auditing: {', '.join(removed)}")
    return RiskFinding(path, Risk.LOW, "audits more events")
