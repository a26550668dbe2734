"""The planning agent: a conversation in, a validated manifest out.

The model can change the manifest only through the allowlisted tools; its final answer is
just a summary and open questions. When it says it is done, the output validator builds the
whole manifest from the draft and, if any rule breaks, sends every problem back as a retry.
Budgets bound both the retries and the total work, so a run always ends, and every way it
can end badly becomes one of our errors with a message, never a traceback.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import (
    Agent,
    ModelRetry,
    NativeOutput,
    PromptedOutput,
    RunContext,
    ToolOutput,
    capture_run_messages,
)
from pydantic_ai.exceptions import AgentRunError, UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    UserPromptPart,
)

from generator.agent.conversation import Conversation
from generator.agent.draft import Draft, ToolLogEntry
from generator.agent.feedback import format_problems
from generator.agent.models import build_model, describe, model_output_strategy
from generator.agent.providers import PROVIDER_FAILURES, OutputStrategy, provider_error
from generator.agent.tools import ALLOWED_TOOLS, build_tools
from generator.errors import ManifestInvalid, PlanBudgetExceeded, PlanningError
from generator.guard import run_usage_limits
from generator.manifest.io import validate_data
from generator.manifest.model import Assumption, Manifest

OUTPUT_TOOL = "submit_plan"
"""The tool a model calls to finish; the guard allows it beside :data:`ALLOWED_TOOLS`."""

TOOL_RETRIES = 3
OUTPUT_RETRIES = 3

INSTRUCTIONS = """\
You turn a conversation with the owner of a booking business into an app manifest.
Edit the manifest only with the tools. A later message corrects an earlier one.
Never copy names, e-mail addresses, phone numbers or card numbers into any value.
When the user did not say something you need, choose a safe value and call note_assumption;
when only the user can answer, call ask_question. Finish with submit_plan.
"""

Question = Annotated[str, Field(min_length=1, max_length=300)]


class PlanResult(BaseModel):
    """What the model hands back when it is done: a short summary and open questions."""

    model_config = ConfigDict(extra="forbid")

    summary: str = Field(default="", max_length=500)
    questions: list[Question] = Field(default_factory=list, max_length=20)


@dataclass(frozen=True)
class PlanOutcome:
    """A validated manifest, what was assumed, what to ask, and every tool call made."""

    manifest: Manifest
    assumptions: list[Assumption]
    questions: list[str]
    tool_log: tuple[ToolLogEntry, ...]
    output_strategy: OutputStrategy = "tool"
    """How the model returned its final answer: output tool, JSON schema, or prompted JSON."""


async def _check_draft(ctx: RunContext[Draft], result: PlanResult) -> PlanResult:
    """Accept the answer only when the draft is a whole, valid manifest."""
    try:
        ctx.deps.manifest = validate_data(ctx.deps.to_data(), source="draft manifest")
    except ManifestInvalid as error:
        ctx.deps.last_problems = [str(problem) for problem in error.problems]
        raise ModelRetry(format_problems(error.problems, ctx.deps)) from None
    return result


def _output_spec(strategy: OutputStrategy) -> Any:
    if strategy == "native":
        return NativeOutput(PlanResult, name=OUTPUT_TOOL)
    if strategy == "prompted":
        return PromptedOutput(PlanResult, name=OUTPUT_TOOL)
    return ToolOutput(PlanResult, name=OUTPUT_TOOL)


@cache
def planning_agent(strategy: OutputStrategy = "tool") -> Agent[Draft, PlanResult]:
    """The agent, built once per output strategy; the model is chosen per run.

    pydantic-ai refuses a per-run output type on an agent with output validators, so each
    strategy gets its own agent.
    """
    agent: Agent[Draft, PlanResult] = Agent(
        output_type=_output_spec(strategy),
        deps_type=Draft,
        instructions=INSTRUCTIONS,
        tools=build_tools(),
        retries={"tools": TOOL_RETRIES, "output": OUTPUT_RETRIES},
        defer_model_check=True,
    )
    agent.output_validator(_check_draft)
    return agent


def plan(conversation: Conversation, model: str = "offline") -> PlanOutcome:
    """Plan a manifest for ``conversation`` with the model called ``model``."""
    draft = Draft()
    strategy = model_output_strategy(model)
    turns = conversation.turns
    history: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart(turn)]) for turn in turns[:-1]
    ]

    with capture_run_messages() as messages:
        try:
            # asyncio.run owns and closes its loop, so no loop outlives a plan.
            result = asyncio.run(
                planning_agent(strategy).run(
                    turns[-1],
                    message_history=history,
                    deps=draft,
                    model=build_model(model),
                    usage_limits=run_usage_limits(),
                )
            )
        except UsageLimitExceeded as error:
            raise PlanBudgetExceeded(
                f"planning stopped at its budget ({error}); the conversation asks for more work "
                "than one run may do, e.g. thousands of separate items. Describe them as one "
                "offering with a quantity or a few durations instead."
            ) from None
        except PROVIDER_FAILURES as error:
            raise provider_error(error, where=describe(model)) from None
        except UnexpectedModelBehavior as error:
            raise PlanningError(_give_up_message(draft, error)) from None
        except AgentRunError as error:
            raise PlanningError(f"planning failed: {error}") from None
        finally:
            _log_refused_names(messages, draft)

    return _outcome(draft, result.output, strategy)


def _outcome(draft: Draft, output: PlanResult, strategy: OutputStrategy) -> PlanOutcome:
    manifest = draft.manifest
    if manifest is None:  # the validator always sets it before a run can succeed
        raise PlanningError("planning ended without a validated manifest")
    questions = list(dict.fromkeys([*draft.questions, *output.questions]))
    return PlanOutcome(
        manifest, list(manifest.assumptions), questions, tuple(draft.tool_log), strategy
    )


def _give_up_message(draft: Draft, error: UnexpectedModelBehavior) -> str:
    lines = [f"the model could not produce a valid manifest within its retry budget ({error})"]
    if draft.last_problems:
        lines.append("last problems:")
        lines += [f"  - {problem}" for problem in draft.last_problems]
    refused = [entry for entry in draft.tool_log if not entry.accepted]
    if refused:
        lines.append(f"last refused tool call: {refused[-1].name}: {refused[-1].reason}")
    return "\n".join(lines)


def _log_refused_names(messages: list[ModelMessage], draft: Draft) -> None:
    """Record calls to tools outside the allowlist; pydantic-ai refused them before any code ran."""
    for message in messages:
        if not isinstance(message, ModelResponse):
            continue
        for part in message.parts:
            if isinstance(part, ToolCallPart) and not _known(part.tool_name):
                try:
                    args: dict[str, Any] = part.args_as_dict()
                except ValueError:  # a model may send arguments that are not even JSON
                    args = {"raw": str(part.args)[:200]}
                reason = f"{part.tool_name!r} is not an allowed tool"
                draft.tool_log.append(ToolLogEntry(part.tool_name, args, False, reason))


def _known(name: str) -> bool:
    return name in ALLOWED_TOOLS or name == OUTPUT_TOOL
