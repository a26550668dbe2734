"""How the offline planner answers a retry, the way a model reading the message would.

A refused tool call leaves the draft at its safe value; the planner says so with an
assumption instead of trying the same value again. A rejected final answer lists problems
(field, rule, fix); each rule the planner knows how to repair becomes a tool call, and the
repair is announced as an assumption. A problem it cannot repair is left alone, so the run
ends at its retry budget with that problem in the error.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic_ai.messages import ModelRequest, RetryPromptPart, ToolReturnPart

from generator.agent.feedback import Feedback, parse_problems
from generator.agent.planner.script import Call, note
from generator.agent.planner.understanding import Understanding

DEFAULT_REFUND_CAP = Decimal(50)
"""A cap for refunds the user left unbounded when no price says better."""

_TOOL_FIELDS = {
    "set_hold_minutes": ("booking.hold_minutes", "10"),
    "set_cancellation": ("booking.cancellation", "none"),
    "set_deposit": ("booking.deposit", "none"),
    "set_booking_horizon": ("booking.default_horizon_days", "30"),
    "set_refund_cap": ("roles.refund_cap", "none"),
    "set_currency": ("currency", "unchanged"),
    "add_offering": ("offerings", "unchanged"),
}


def retries(request: ModelRequest) -> list[tuple[str, str]]:
    """(tool name, message) of every retry in a request, in either shape pydantic-ai uses."""
    found = []
    content: Any
    for part in request.parts:
        if isinstance(part, RetryPromptPart) or (
            isinstance(part, ToolReturnPart) and getattr(part, "outcome", None) == "retried"
        ):
            tool, content = part.tool_name, part.content
        else:
            continue
        if tool:
            found.append((tool, _text(content)))
    return found


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item)
                     for item in content)  # fmt: skip


def react(request: ModelRequest, output_tool: str, seen: Understanding) -> list[Call]:
    """The calls that answer the retries in ``request``; empty when there are none."""
    calls: list[Call] = []
    for tool, message in retries(request):
        if tool == output_tool:
            for problem in parse_problems(message):
                calls += _repair(problem, seen)
        elif tool in _TOOL_FIELDS:
            field, value = _TOOL_FIELDS[tool]
            calls.append(
                note(field, value, f"{tool} was refused by its bounds; kept the safe value")
            )
    return calls


def _repair(problem: Feedback, seen: Understanding) -> list[Call]:
    for matches, fix in _REPAIRS:
        if matches(problem):
            return fix(problem, seen)
    return []


def _cap_for(seen: Understanding) -> Decimal:
    top = seen.highest_price()
    return min(top, DEFAULT_REFUND_CAP) if top is not None else DEFAULT_REFUND_CAP


def _bound_refunds(problem: Feedback, seen: Understanding) -> list[Call]:
    cap = seen.highest_price() if "highest price" in problem.rule else _cap_for(seen)
    if problem.role is None or cap is None:
        return []
    reason = "refunds by this role must be capped; capped at the highest price or a default"
    return [
        Call("set_refund_cap", {"role": problem.role, "amount": str(cap)}),
        note(f"roles.{problem.role}.refund_cap", str(cap), reason),
    ]


def _admin_step_up(problem: Feedback, seen: Understanding) -> list[Call]:
    if problem.role is None:
        return []
    return [Call("require_step_up", {"role": problem.role, "permissions": ["refund"]})]


def _second_factor(problem: Feedback, seen: Understanding) -> list[Call]:
    if problem.role is None:
        return []
    return [Call("require_step_up", {"role": problem.role, "permissions": []})]


def _no_money(problem: Feedback, seen: Understanding) -> list[Call]:
    if problem.role is None:
        return []
    reason = "payments.provider is none, so the role cannot pay or refund in the app"
    return [
        Call("revoke_permissions", {"role": problem.role, "permissions": ["pay", "refund"]}),
        note(f"roles.{problem.role}.permissions", "no pay/refund", reason),
    ]


def _admin_sign_in(problem: Feedback, seen: Understanding) -> list[Call]:
    if problem.role is None:
        return []
    return [
        Call("set_sign_in", {"role": problem.role, "methods": ["passkey"]}),
        note(f"roles.{problem.role}.sign_in", "passkey", "SMS codes are not safe for admins"),
    ]


def _missing_admin(problem: Feedback, seen: Understanding) -> list[Call]:
    return [
        Call("add_role", {"name": "Admin", "kind": "admin", "scope": "tenant"}),
        Call("grant_permissions", {"role": "admin", "permissions": ["manage_users"]}),
        note("roles.admin", "Admin", "someone must administer the app"),
    ]


_Check = Callable[[Feedback], bool]
_Fix = Callable[[Feedback, Understanding], list[Call]]
_REPAIRS: tuple[tuple[_Check, _Fix], ...] = (
    (lambda p: p.field.endswith("refund_cap") and "no cap" in p.rule, _bound_refunds),
    (lambda p: p.field.endswith("refund_cap.amount_minor"), _bound_refunds),
    (lambda p: p.field.endswith("step_up_for") and "without step-up" in p.rule, _admin_step_up),
    (lambda p: p.field.endswith("second_factors"), _second_factor),
    (lambda p: p.field.endswith("permissions") and "provider is none" in p.rule, _no_money),
    (lambda p: p.field.endswith("sign_in") and "SMS" in p.rule, _admin_sign_in),
    (lambda p: p.field == "roles" and "admin" in p.rule, _missing_admin),
)
