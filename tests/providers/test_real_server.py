"""A real llama.cpp server (SmolLM2-135M) behind build_model and the guard, over real HTTP.

The model is far too small to plan a manifest; these tests check the plumbing: requests go
through the guard, replies come back, schemas constrain output, nothing personal is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent, NativeOutput

from generator.agent.models import build_model
from generator.agent.providers import ProviderOptions, http_client
from generator.errors import ReplyOverBudget
from generator.guard import GuardContext, GuardedModel, local_context
from tests.providers.conftest import LlamaServer

PHYSIO = Path("/work/shared/specs/physio-clinic.md")
PERSONAL = [
    "Dana",
    "Whitfield",
    "dana.whitfield@example.org",
    "555 0134",
    "4242 4242",
    "4242424242",
]
SHORT = {"stop_sequences": [".", "\n"], "temperature": 0.0}


class City(BaseModel):
    """A small answer whose every string and list is bounded, so the grammar must end it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=20)
    tags: list[Annotated[str, Field(max_length=10)]] = Field(max_length=2)


@pytest.fixture
def guard_context(tmp_path: Path) -> GuardContext:
    """A local guard context with its stores in a temp folder."""
    return local_context(home=tmp_path)


def model(server: LlamaServer, context: GuardContext, **options: Any) -> GuardedModel:
    """The server's model, built the only way models are built."""
    settings = ProviderOptions(base_url=server.base_url, max_retries=0, **options)
    return build_model("openai-compatible:smollm2", context=context, options=settings)


def recording_client(bodies: list[dict[str, Any]]) -> httpx.AsyncClient:
    """A checked client that keeps every request body exactly as it goes on the wire."""

    async def record(request: httpx.Request) -> None:
        bodies.append(json.loads(request.content))

    return http_client(30.0, event_hooks={"request": [record]})


def test_a_chat_round_trip_goes_through_the_guard(
    llama_server: LlamaServer, guard_context: GuardContext
) -> None:
    """A plain text question gets a text answer from the real server, via the guard."""
    guarded = model(llama_server, guard_context, max_reply_tokens=40)
    assert isinstance(guarded, GuardedModel)

    result = asyncio.run(
        Agent(guarded).run("What colour is the sky? One word.", model_settings=SHORT)
    )

    assert isinstance(result.output, str)
    assert result.usage.output_tokens > 0


def test_streaming_replays_the_checked_reply(
    llama_server: LlamaServer, guard_context: GuardContext
) -> None:
    """run_stream works end to end; the guard checks the whole reply before replaying it."""
    guarded = model(llama_server, guard_context, max_reply_tokens=40)

    async def stream() -> list[str]:
        async with Agent(guarded).run_stream("Say hello.", model_settings=SHORT) as result:
            return [chunk async for chunk in result.stream_text(delta=True)]

    chunks = asyncio.run(stream())
    assert isinstance("".join(chunks), str)


def test_schema_constrained_output_validates(
    llama_server: LlamaServer, guard_context: GuardContext
) -> None:
    """NativeOutput sends the bounded JSON schema; the grammar makes even this model comply."""
    bodies: list[dict[str, Any]] = []
    guarded = model(
        llama_server, guard_context, max_reply_tokens=120, http_client=recording_client(bodies)
    )

    result = asyncio.run(
        Agent(guarded, output_type=NativeOutput(City)).run("Name one city in France.")
    )

    assert isinstance(result.output, City)
    schema = bodies[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["name"]["maxLength"] == 20
    assert schema["properties"]["tags"]["maxItems"] == 2
    assert bodies[0]["store"] is False  # retention off, from guardrails/provider.yaml


def test_no_personal_data_reaches_the_server(
    llama_server: LlamaServer, guard_context: GuardContext
) -> None:
    """The bodies on the wire hold placeholders, never the physio spec's personal data."""
    bodies: list[dict[str, Any]] = []
    guarded = model(
        llama_server, guard_context, max_reply_tokens=8, http_client=recording_client(bodies)
    )
    spec = PHYSIO.read_text(encoding="utf-8").split("expect:")[0]

    with contextlib.suppress(ReplyOverBudget):  # only the request matters here
        asyncio.run(Agent(guarded).run(spec, model_settings=SHORT))

    assert bodies, "nothing was sent"
    wire = json.dumps(bodies)
    assert "Northgate" in wire  # the business itself is not personal data and is sent
    for value in PERSONAL:
        assert value not in wire, value


def test_a_reply_over_the_token_budget_is_refused(
    llama_server: LlamaServer, guard_context: GuardContext
) -> None:
    """A reply cut at the budget fails at once with the fix, and none of it is used."""
    guarded = model(llama_server, guard_context, max_reply_tokens=2)

    with pytest.raises(ReplyOverBudget, match="BOOKWRIGHT_MAX_REPLY_TOKENS"):
        asyncio.run(Agent(guarded).run("Tell me a long story about a dragon."))
