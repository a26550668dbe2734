"""The offline planner answers retries in both message shapes pydantic-ai has used."""

from __future__ import annotations

from typing import Any

from pydantic_ai.messages import ModelRequest, RetryPromptPart, ToolReturnPart

from generator.agent.draft import Draft, RoleDraft
from generator.agent.feedback import format_problems, parse_problems
from generator.agent.planner.reactions import react, retries
from generator.agent.planner.understanding import Understanding
from generator.errors import Problem
from generator.manifest.model import RoleKind, Scope

PROBLEM = Problem(
    "roles[0].refund_cap",
    "role 'staff' may refund but has no cap; non-admin refund caps must be finite",
    "set refund_cap to the most one refund may return",
)


def feedback() -> str:
    draft = Draft(roles={"staff": RoleDraft("Staff", RoleKind.STAFF, Scope.LOCATION)})
    return format_problems([PROBLEM], draft)


def test_problems_round_trip_with_the_role_id() -> None:
    """The retry text names the role so a fix can address it by id."""
    [problem] = parse_problems(feedback())

    assert (problem.field, problem.role) == ("roles[0].refund_cap", "staff")
    assert "no cap" in problem.rule


def test_both_retry_shapes_are_read() -> None:
    """2.31 sends RetryPromptPart; later versions a ToolReturnPart marked retried."""
    old = ModelRequest(parts=[RetryPromptPart(feedback(), tool_name="submit_plan")])
    retried: Any = "retried"  # a later pydantic-ai's outcome, unknown to the pinned version's types
    new = ModelRequest(
        parts=[ToolReturnPart("submit_plan", feedback(), tool_call_id="x", outcome=retried)]
    )

    for request in (old, new):
        assert [tool for tool, _ in retries(request)] == ["submit_plan"]
        calls = react(request, "submit_plan", Understanding())
        assert [call.tool for call in calls] == ["set_refund_cap", "note_assumption"]
        assert calls[0].args == {"role": "staff", "amount": "50"}


def test_a_refused_tool_is_noted_not_repeated() -> None:
    """The safe value stays, and the user learns why."""
    request = ModelRequest(parts=[RetryPromptPart("too long", tool_name="set_hold_minutes")])

    calls = react(request, "submit_plan", Understanding())

    assert [call.tool for call in calls] == ["note_assumption"]
    assert calls[0].args["field"] == "booking.hold_minutes"
