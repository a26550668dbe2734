"""Shared guard fixtures: one Presidio engine per process, real SQLite stores in tmp dirs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from generator.guard import GuardContext, GuardedModel, guard_model
from generator.guard.limits import RateLimiter
from generator.guard.policy import Policy, load_policy
from generator.guard.quarantine import QuarantineStore
from generator.guard.scrubbing import warm_up
from generator.guard.traces import TraceStore
from tests.conftest import FIXTURES, SPECS

CASES = FIXTURES / "cases"
PUBLIC = Path("/work/shared/cases/public/deepset-pi.jsonl")
FIXED_NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def read_cases(name: str) -> list[dict[str, str]]:
    """One case per JSON line of a cases file."""
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def spec_turns() -> list[tuple[str, str]]:
    """(spec-turn id, text) for every user turn of every sample spec."""
    turns: list[tuple[str, str]] = []
    for path in sorted(SPECS.glob("*.md")):
        if path.name == "README.md":
            continue
        body = path.read_text(encoding="utf-8").split("expect:")[0]
        for index, text in enumerate(re.split(r"^## turn \d+\n", body, flags=re.M)[1:], 1):
            turns.append((f"{path.stem}-{index}", text.strip()))
    return turns


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The repo's policy, with the Presidio engine loaded once for the whole session."""
    active = load_policy()
    warm_up(active.pii)
    return active


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[TraceStore, QuarantineStore]]:
    """Fresh SQLite stores with a fixed clock, closed after the test."""
    clock = lambda: FIXED_NOW  # noqa: E731
    traces = TraceStore(tmp_path / "traces.db", clock=clock)
    quarantine = QuarantineStore(tmp_path / "quarantine.db", clock=clock)
    yield traces, quarantine
    traces.close()
    quarantine.close()


@pytest.fixture
def context(policy: Policy, stores: tuple[TraceStore, QuarantineStore]) -> GuardContext:
    """A dev context for user u1 in tenant t1 with in-memory rate limits."""
    traces, quarantine = stores
    return GuardContext(
        user_id="u1",
        tenant_id="t1",
        environment="dev",
        traces=traces,
        quarantine=quarantine,
        policy=policy,
        limiter=RateLimiter(policy.limits, "memory://"),
        clock=lambda: FIXED_NOW,
    )


class Recorder:
    """A FunctionModel script that records exactly what the provider received."""

    def __init__(
        self, reply: Callable[[list[ModelMessage], AgentInfo], ModelResponse] | None = None
    ) -> None:
        self.calls: list[list[ModelMessage]] = []
        self.reply = reply or (lambda _m, _i: ModelResponse(parts=[TextPart("ok")]))

    def __call__(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        self.calls.append(messages)
        return self.reply(messages, info)

    def seen_text(self) -> str:
        """Everything the inner model received, as one string."""
        from pydantic_ai.messages import ModelMessagesTypeAdapter

        return "\n".join(ModelMessagesTypeAdapter.dump_json(call).decode() for call in self.calls)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def guarded(recorder: Recorder, context: GuardContext) -> GuardedModel:
    """The recorder behind the guard."""
    return guard_model(FunctionModel(recorder.__call__), context=context)


def any_text(value: Any) -> str:
    return json.dumps(value, default=str)
