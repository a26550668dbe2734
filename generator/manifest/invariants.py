"""Security invariants that span several manifest fields.

Field bounds live on the model; what is here needs the whole manifest: refund caps against
prices and roles, step-up for admin refunds, sign-in methods by role kind, payments that exist
when someone may pay, and no secret or personal data in any string. Each rule returns
:class:`~generator.errors.Problem` values naming the field, the rule and the fix, so the agent
can retry on them and a person can act on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from generator.errors import Problem
from generator.manifest.money import format_minor
from generator.manifest.sensitive import find_sensitive

if TYPE_CHECKING:
    from generator.manifest.model import Manifest, Role


def check_invariants(manifest: Manifest) -> list[Problem]:
    """All broken invariants of ``manifest``, in a stable order; empty when it is sound."""
    problems: list[Problem] = []
    problems += _unique_ids(manifest)
    problems += _admin_exists(manifest)
    problems += _currencies_agree(manifest)
    for index, role in enumerate(manifest.roles):
        problems += _role_rules(manifest, index, role)
    problems += _payments_rules(manifest)
    problems += _audit_rules(manifest)
    problems += _feature_rules(manifest)
    problems += _no_sensitive_strings(manifest)
    return problems


def _unique_ids(manifest: Manifest) -> list[Problem]:
    problems = []
    for name, items in (
        ("locations", manifest.locations),
        ("offerings", manifest.offerings),
        ("roles", manifest.roles),
        ("features", manifest.features),
    ):
        counts = Counter(item.id for item in items)
        problems += [
            Problem(
                f"{name}[].id", f"id {item_id!r} is used {count} times", "give each a unique id"
            )
            for item_id, count in sorted(counts.items())
            if count > 1
        ]
    return problems


def _admin_exists(manifest: Manifest) -> list[Problem]:
    from generator.manifest.model import RoleKind

    if any(role.kind is RoleKind.ADMIN for role in manifest.roles):
        return []
    return [Problem("roles", "no role has kind 'admin'", "mark the business owner's role as admin")]


def _currencies_agree(manifest: Manifest) -> list[Problem]:
    """Every amount is in the app currency, so caps and prices can be compared at all."""
    amounts = [
        (f"offerings[{index}].price", offering.price, "price every offering")
        for index, offering in enumerate(manifest.offerings)
    ] + [
        (f"roles[{index}].refund_cap", role.refund_cap, "express the cap")
        for index, role in enumerate(manifest.roles)
    ]
    return [
        Problem(
            f"{path}.currency",
            f"{money.currency} differs from the app currency {manifest.currency}",
            f"{fix} in {manifest.currency}",
        )
        for path, money, fix in amounts
        if money is not None and money.currency != manifest.currency
    ]


def _role_rules(manifest: Manifest, index: int, role: Role) -> list[Problem]:
    where = f"roles[{index}]"
    return (
        _refund_cap_rules(manifest, where, role)
        + _step_up_rules(where, role)
        + _sign_in_rules(where, role)
        + _kind_rules(where, role)
    )


def _refund_cap_rules(manifest: Manifest, where: str, role: Role) -> list[Problem]:
    """Non-admin refunds are capped and finite; no cap is ever above the highest price."""
    from generator.manifest.model import MAX_REFUND_CAP_MINOR, Permission, RoleKind

    can_refund = Permission.REFUND in role.permissions
    cap = role.refund_cap
    problems: list[Problem] = []

    if can_refund and role.kind is not RoleKind.ADMIN and cap is None:
        problems.append(
            Problem(
                f"{where}.refund_cap",
                f"role {role.id!r} may refund but has no cap; non-admin refund caps must be finite",
                "set refund_cap to the most one refund may return",
            )
        )

    if cap is not None and not can_refund:
        problems.append(
            Problem(
                f"{where}.refund_cap",
                f"role {role.id!r} has a refund cap but no 'refund' permission",
                "remove the cap or grant 'refund'",
            )
        )

    if cap is not None and not 0 < cap.amount_minor <= MAX_REFUND_CAP_MINOR:
        limit = format_minor(MAX_REFUND_CAP_MINOR, manifest.currency)
        problems.append(
            Problem(
                f"{where}.refund_cap.amount_minor",
                f"cap {cap.amount_minor} is outside 1..{MAX_REFUND_CAP_MINOR} minor units",
                f"choose a cap above zero and at most {limit}",
            )
        )

    top_price = _highest_price(manifest)
    same_currency = cap is not None and cap.currency == manifest.currency
    if cap is not None and top_price is not None and same_currency and cap.amount_minor > top_price:
        problems.append(
            Problem(
                f"{where}.refund_cap.amount_minor",
                f"cap {format_minor(cap.amount_minor, manifest.currency)} is above the highest "
                f"price {format_minor(top_price, manifest.currency)}; refunds are never above "
                "the price",
                "lower the cap to at most the highest price",
            )
        )
    return problems


def _step_up_rules(where: str, role: Role) -> list[Problem]:
    """Admin refunds need step-up, and step-up needs a factor to step up with."""
    from generator.manifest.model import Permission, RoleKind

    problems: list[Problem] = []
    if (
        role.kind is RoleKind.ADMIN
        and Permission.REFUND in role.permissions
        and (Permission.REFUND not in role.step_up_for)
    ):
        problems.append(
            Problem(
                f"{where}.step_up_for",
                f"admin role {role.id!r} may refund without step-up MFA",
                "add 'refund' to step_up_for",
            )
        )

    extra = sorted(set(role.step_up_for) - set(role.permissions))
    if extra:
        problems.append(
            Problem(
                f"{where}.step_up_for",
                f"step-up asked for {', '.join(extra)} which the role may not do",
                "list only permissions the role holds",
            )
        )

    if role.step_up_for and not role.second_factors:
        problems.append(
            Problem(
                f"{where}.second_factors",
                f"role {role.id!r} needs step-up but has no second factor to step up with",
                "add 'totp' or 'passkey' to second_factors",
            )
        )
    return problems


def _sign_in_rules(where: str, role: Role) -> list[Problem]:
    """SMS codes can be intercepted or SIM-swapped: never for admins (NIST SP 800-63B)."""
    from generator.manifest.model import RoleKind, SecondFactor, SignInMethod

    if role.kind is not RoleKind.ADMIN:
        return []
    fields = {
        "sign_in": SignInMethod.SMS_OTP in role.sign_in,
        "second_factors": SecondFactor.SMS_OTP in role.second_factors,
    }
    return [
        Problem(
            f"{where}.{field}",
            f"admin role {role.id!r} uses SMS one-time codes, which can be intercepted",
            "use passkeys or TOTP for admin roles",
        )
        for field, uses_sms in fields.items()
        if uses_sms
    ]


CUSTOMER_PERMISSIONS = frozenset({"browse", "hold", "pay", "cancel", "reschedule", "view_bookings"})
"""What a customer may do, always to their own bookings; anything more is staff work."""

ADMIN_ONLY_PERMISSIONS = frozenset({"manage_users"})
"""Granting roles is how every other limit could be bypassed, so only admins may do it."""


def _kind_rules(where: str, role: Role) -> list[Problem]:
    """A role's powers fit its kind: customers act on their own bookings, only admins grant."""
    from generator.manifest.model import RoleKind, Scope

    problems: list[Problem] = []
    if role.kind is RoleKind.CUSTOMER:
        extra = sorted(p.value for p in role.permissions if p.value not in CUSTOMER_PERMISSIONS)
        if extra:
            problems.append(
                Problem(
                    f"{where}.permissions",
                    f"customer role {role.id!r} holds staff permissions: {', '.join(extra)}",
                    "remove them, or make the role kind 'staff' or 'admin'",
                )
            )
        if role.scope is not Scope.OWN:
            problems.append(
                Problem(
                    f"{where}.scope",
                    f"customer role {role.id!r} sees {role.scope.value!r} bookings",
                    "customers see only their own bookings: set scope to 'own'",
                )
            )
    if role.kind is not RoleKind.ADMIN:
        granted = sorted(p.value for p in role.permissions if p.value in ADMIN_ONLY_PERMISSIONS)
        if granted:
            problems.append(
                Problem(
                    f"{where}.permissions",
                    f"{role.kind.value} role {role.id!r} holds admin-only {', '.join(granted)}",
                    "only admin roles may manage users and their roles",
                )
            )
    return problems


def _highest_price(manifest: Manifest) -> int | None:
    prices = [
        offering.price.amount_minor
        for offering in manifest.offerings
        if offering.price and offering.price.currency == manifest.currency
    ]
    return max(prices) if prices else None


def _payments_rules(manifest: Manifest) -> list[Problem]:
    from generator.manifest.model import PaymentProvider, Permission

    problems = []
    online = manifest.payments.provider is not PaymentProvider.NONE

    if online and manifest.payments.credentials_ref is None:
        problems.append(
            Problem(
                "payments.credentials_ref",
                f"{manifest.payments.provider.value} needs credentials",
                f"set it to a vault reference such as 'vault:payments/"
                f"{manifest.payments.provider.value}'",
            )
        )

    if not online:
        for index, role in enumerate(manifest.roles):
            if Permission.PAY in role.permissions or Permission.REFUND in role.permissions:
                problems.append(
                    Problem(
                        f"roles[{index}].permissions",
                        f"role {role.id!r} may pay or refund online but payments.provider is none",
                        "choose a payment provider or remove 'pay' and 'refund'",
                    )
                )
        if manifest.booking.deposit is not None:
            problems.append(
                Problem(
                    "booking.deposit",
                    "a deposit needs online payments but payments.provider is none",
                    "choose a payment provider or remove the deposit",
                )
            )
    return problems


def _audit_rules(manifest: Manifest) -> list[Problem]:
    """Permission changes are always audited; money movements whenever money moves online."""
    from generator.manifest.model import AuditEvent, PaymentProvider

    required = {AuditEvent.PERMISSION_CHANGE}
    if manifest.payments.provider is not PaymentProvider.NONE:
        required |= {AuditEvent.PAYMENT, AuditEvent.REFUND}
    missing = sorted(event.value for event in required - set(manifest.audit.events))
    if not missing:
        return []
    return [
        Problem(
            "audit.events",
            f"{', '.join(missing)} must be audited",
            "add them to audit.events",
        )
    ]


def _feature_rules(manifest: Manifest) -> list[Problem]:
    """A flag gates permissions some role holds, and each permission has one flag at most."""
    problems = []
    held = {permission for role in manifest.roles for permission in role.permissions}
    owner: dict[str, str] = {}
    for index, flag in enumerate(manifest.features):
        where = f"features[{index}].permissions"
        for permission in flag.permissions:
            if permission not in held:
                problems.append(
                    Problem(
                        where,
                        f"flag {flag.id!r} gates {permission.value!r}, which no role holds",
                        "gate a permission a role has, or drop it from the flag",
                    )
                )
            if permission.value in owner:
                problems.append(
                    Problem(
                        where,
                        f"{permission.value!r} is gated by both {owner[permission.value]!r} "
                        f"and {flag.id!r}",
                        "gate each permission by one flag",
                    )
                )
            owner.setdefault(permission.value, flag.id)
    return problems


def _no_sensitive_strings(manifest: Manifest) -> list[Problem]:
    problems = []
    for path, text in _strings(manifest.model_dump(mode="json")):
        kinds = sorted({finding.kind for finding in find_sensitive(text)})
        if kinds:
            problems.append(
                Problem(
                    path,
                    f"holds {', '.join(kinds)}; a manifest may hold no secrets or personal data",
                    "remove it; refer to secrets as 'vault:<path>'",
                )
            )
    return problems


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with its dotted path."""
    if isinstance(value, str):
        yield path or "(root)", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
