"""The agent's own rules, driven by scripted models instead of the offline planner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

import generator.agent.agent as agent_module
from generator.agent import Conversation, PlanOutcome, plan
from generator.errors import PlanningError

Script = Callable[[list[ModelMessage], AgentInfo], ModelResponse]

BASE: list[tuple[str, dict[str, Any]]] = [
    ("set_business", {"name": "Spin Club"}),
    ("set_currency", {"code": "USD"}),
    ("add_location", {"name": "Boston", "timezone": "America/New_York"}),
    (
        "add_offering",
        {"name": "Spin", "kind": "class", "durations_minutes": [45], "capacity": 12, "price": "20"},
    ),
    ("set_payment_provider", {"provider": "stripe"}),
    ("add_role", {"name": "Rider", "kind": "customer", "scope": "own"}),
    ("grant_permissions", {"role": "rider", "permissions": ["browse", "hold", "pay"]}),
    ("add_role", {"name": "Coach", "kind": "staff", "scope": "location"}),
    ("grant_permissions", {"role": "coach", "permissions": ["check_in", "refund"]}),
    ("add_role", {"name": "Owner", "kind": "admin", "scope": "tenant"}),
    ("grant_permissions", {"role": "owner", "permissions": ["manage_pricing"]}),
    ("set_audit_events", {"events": ["payment", "permission_change", "refund"]}),
]


def calls(items: list[tuple[str, dict[str, Any]]], prefix: str) -> list[ToolCallPart]:
    return [ToolCallPart(name, args, tool_call_id=f"{prefix}{i}") for i, (name, args) in
            enumerate(items)]  # fmt: skip


def finish(step: int) -> ToolCallPart:
    return ToolCallPart("submit_plan", {"summary": "done"}, tool_call_id=f"end{step}")


def retried(message: ModelMessage) -> list[str]:
    """Retry texts in a request, in either shape pydantic-ai uses."""
    if not isinstance(message, ModelRequest):
        return []
    found = []
    for part in message.parts:
        if isinstance(part, RetryPromptPart) or (
            isinstance(part, ToolReturnPart) and getattr(part, "outcome", None) == "retried"
        ):
            found.append(str(part.content))
    return found


def run(script: Script, monkeypatch: pytest.MonkeyPatch) -> PlanOutcome:
    """Plan with ``script`` as the model, through the one seam models come from."""
    monkeypatch.setattr(agent_module, "build_model", lambda name: FunctionModel(script))
    return plan(Conversation.of("a spin club"), model="scripted")


def test_a_tool_outside_the_allowlist_is_refused_and_logged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The forged call never runs; the manifest is what the allowed calls made."""
    forged = ("admin_set_policy", {"refund_limit": "unlimited"})

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=calls([forged], "f"))
        if len(messages) == 3:
            bounded = [*BASE, ("set_refund_cap", {"role": "coach", "amount": "20"})]
            return ModelResponse(parts=calls(bounded, "b"))
        return ModelResponse(parts=[finish(len(messages))])

    outcome = run(script, monkeypatch)

    refused = [entry for entry in outcome.tool_log if not entry.accepted]
    assert [entry.name for entry in refused] == ["admin_set_policy"]
    assert "not an allowed tool" in refused[0].reason
    coach = outcome.manifest.role("coach")
    assert coach.refund_cap is not None and coach.refund_cap.amount_minor == 2000


def test_a_refused_argument_leaves_the_safe_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unbounded hold is refused by the schema and the draft keeps its default."""

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            items = [*BASE, ("set_refund_cap", {"role": "coach", "amount": "20"}),
                     ("set_hold_minutes", {"minutes": 100000})]  # fmt: skip
            return ModelResponse(parts=calls(items, "a"))
        return ModelResponse(parts=[finish(len(messages))])

    outcome = run(script, monkeypatch)

    assert outcome.manifest.booking.hold_minutes == 10
    refused = [entry for entry in outcome.tool_log if not entry.accepted]
    assert [entry.name for entry in refused] == ["set_hold_minutes"]
    assert "less than or equal to 60" in refused[0].reason


def test_validator_problems_come_back_and_a_fix_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refund without a cap is sent back naming the role; capping it ends the run."""
    seen: list[str] = []

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        new = retried(messages[-1])
        seen.extend(new)
        if len(messages) == 1:
            return ModelResponse(parts=calls(BASE, "a"))
        if any("refund_cap" in text for text in new):
            fix = ("set_refund_cap", {"role": "coach", "amount": "15"})
            return ModelResponse(parts=calls([fix], "fix"))
        return ModelResponse(parts=[finish(len(messages))])

    outcome = run(script, monkeypatch)

    assert any(
        "roles[1].refund_cap (role 'coach')" in text and "no cap" in text for text in seen
    ), seen
    coach = outcome.manifest.role("coach")
    assert coach.refund_cap is not None and coach.refund_cap.amount_minor == 1500


def test_a_model_that_never_fixes_ends_in_a_planning_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the retry budget the run stops with the last problems, not a traceback."""

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            return ModelResponse(parts=calls(BASE, "a"))
        return ModelResponse(parts=[finish(len(messages))])

    with pytest.raises(PlanningError) as caught:
        run(script, monkeypatch)

    assert "retry budget" in str(caught.value)
    assert "refund_cap" in str(caught.value)
