"""The one place models are built, and every model it builds is wrapped in the guard.

Keeping construction in one function, and returning only :class:`GuardedModel`, means no run
can reach a model that skipped rate limits, screening, scrubbing, reply checks and traces.
Remote models are built as ``guard(ReplyBudget(OpenAIChatModel))``: the guard sees every
request first, the budget check sees every reply before the guard does.
"""

from __future__ import annotations

from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.profiles.openai import OpenAIModelProfile
from pydantic_ai.providers.openai import OpenAIProvider

from generator.agent.providers import (
    OutputStrategy,
    ProviderChoice,
    ProviderOptions,
    ReplyBudget,
    base_url,
    openai_client,
    openai_key,
    output_strategy,
    parse_model,
)
from generator.errors import UserError
from generator.guard import GuardContext, GuardedModel, guard_model, local_context

KNOWN_MODELS = ("offline", "openai:<model>", "openai-compatible:<model>")

# What OpenAI-compatible servers most often lack: strict tool schemas (vLLM and llama.cpp
# reject or ignore `strict`), `tool_choice: "required"` and `max_completion_tokens` (older
# servers know only `max_tokens`). JSON-schema output is what they do share.
_COMPATIBLE_PROFILE = OpenAIModelProfile(
    supports_json_schema_output=True,
    openai_supports_strict_tool_definition=False,
    openai_supports_tool_choice_required=False,
    openai_chat_supports_max_completion_tokens=False,
)


def build_model(
    name: str, *, context: GuardContext | None = None, options: ProviderOptions | None = None
) -> GuardedModel:
    """The guarded model called ``name``; ``offline`` is the planner that needs no network.

    ``options`` default to the ``BOOKWRIGHT_*`` environment (see :class:`ProviderOptions`).
    """
    choice = parse_model(name)
    if choice.kind == "offline":
        from generator.agent.planner import offline_model

        return guard_model(offline_model(), context=context or local_context())

    settings = options or ProviderOptions.from_env()
    client = openai_client(
        base_url=base_url(choice, settings),
        api_key=openai_key(choice, settings),
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        client=settings.http_client,
    )
    chat = OpenAIChatModel(
        choice.model_name,
        provider=OpenAIProvider(openai_client=client),
        profile=_COMPATIBLE_PROFILE if choice.kind == "openai-compatible" else None,
    )
    budgeted = ReplyBudget(chat, max_tokens=settings.max_reply_tokens)
    return guard_model(budgeted, context=context or local_context())


def model_output_strategy(name: str, options: ProviderOptions | None = None) -> OutputStrategy:
    """How the model called ``name`` returns its final answer (tool, native or prompted).

    A name :func:`build_model` will reject gets "tool"; the build reports the mistake.
    """
    try:
        choice = parse_model(name)
    except UserError:
        return "tool"
    if choice.kind == "offline":
        return "tool"
    return output_strategy(choice, options or ProviderOptions.from_env())


def describe(name: str) -> str:
    """A short label for messages: the model and, for compatible servers, where it runs."""
    try:
        choice: ProviderChoice = parse_model(name)
    except UserError:
        return f"model {name!r}"
    if choice.kind == "openai-compatible":
        url = ProviderOptions.from_env().base_url or "(no BOOKWRIGHT_BASE_URL)"
        return f"the server at {url} ({choice.model_name})"
    if choice.kind == "openai":
        return f"OpenAI ({choice.model_name})"
    return "the offline planner"
