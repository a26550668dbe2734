"""The offline planner as a pydantic-ai ``FunctionModel``.

It is stateless between requests: each time it is called it re-reads the user's turns from
the message history (the reading is cached), counts which planned calls it already made by
their call ids, answers any retries in the newest request, and then either sends the next
batch of planned calls or finishes with the output tool.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo

from generator.agent.planner.language import ensure_english
from generator.agent.planner.reactions import react
from generator.agent.planner.reading import read
from generator.agent.planner.script import Call, script
from generator.agent.planner.understanding import Understanding

BATCH = 40
"""Planned calls per response; a model sends many tool calls at once, too."""

_PLANNED = "plan-"


@lru_cache(maxsize=8)
def _plan(turns: tuple[str, ...]) -> tuple[Understanding, tuple[Call, ...]]:
    ensure_english("\n".join(turns))
    seen = read(turns)
    return seen, tuple(script(seen))


def user_turns(messages: list[ModelMessage]) -> tuple[str, ...]:
    """The user's messages in the history, oldest first."""
    return tuple(
        part.content
        for message in messages
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart) and isinstance(part.content, str)
    )


def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The next model response for this history."""
    seen, planned = _plan(user_turns(messages))
    output_tool = info.output_tools[0].name
    step = len(messages)

    parts: list[ToolCallPart] = []
    last = messages[-1]
    if isinstance(last, ModelRequest):
        fixes = react(last, output_tool, seen)
        parts += [_part(call, f"fix-{step}-{n}") for n, call in enumerate(fixes)]

    done = _issued(messages)
    batch = 1 if seen.one_at_a_time else BATCH
    upcoming = range(done, min(done + batch, len(planned)))
    parts += [_part(planned[index], f"{_PLANNED}{index}") for index in upcoming]

    if not parts:
        summary = f"{len(planned)} planned tool calls applied"
        parts.append(ToolCallPart(output_tool, {"summary": summary}, tool_call_id=f"end-{step}"))
    return ModelResponse(parts=list(parts), model_name="offline-planner")


def _part(call: Call, call_id: str) -> ToolCallPart:
    return ToolCallPart(call.tool, dict(call.args), tool_call_id=call_id)


def _issued(messages: list[ModelMessage]) -> int:
    """How many planned calls earlier responses already made."""
    indexes = [
        int(part.tool_call_id.removeprefix(_PLANNED))
        for message in messages
        if isinstance(message, ModelResponse)
        for part in message.parts
        if isinstance(part, ToolCallPart) and part.tool_call_id.startswith(_PLANNED)
    ]
    return max(indexes) + 1 if indexes else 0
