"""Model names, output strategies, and a scripted multi-step run with schema output."""

from __future__ import annotations

import json

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

import generator.agent.agent as agent_module
from generator.agent import Conversation, plan
from generator.agent.models import model_output_strategy
from generator.errors import UserError
from tests.agent.test_scripted_models import BASE, calls


@pytest.mark.parametrize(
    ("name", "strategy"),
    [("offline", "tool"), ("openai:gpt-4o-mini", "tool"), ("openai-compatible:qwen", "native")],
)
def test_each_provider_has_a_default_strategy(name: str, strategy: str) -> None:
    """OpenAI uses the output tool; compatible servers get schema-constrained JSON."""
    assert model_output_strategy(name) == strategy


def test_the_strategy_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """BOOKWRIGHT_OUTPUT overrides the default; an unknown value is a user error."""
    monkeypatch.setenv("BOOKWRIGHT_OUTPUT", "prompted")
    assert model_output_strategy("openai-compatible:qwen") == "prompted"
    monkeypatch.setenv("BOOKWRIGHT_OUTPUT", "xml")
    with pytest.raises(UserError, match="BOOKWRIGHT_OUTPUT"):
        model_output_strategy("openai-compatible:qwen")


def test_a_scripted_tool_loop_finishes_with_native_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tool calls first, then a JSON answer in text: the plan validates and names its strategy."""
    monkeypatch.setenv("BOOKWRIGHT_OUTPUT", "native")

    def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if len(messages) == 1:
            bounded = [*BASE, ("set_refund_cap", {"role": "coach", "amount": "20"})]
            return ModelResponse(parts=calls(bounded, "b"))
        return ModelResponse(parts=[TextPart(json.dumps({"summary": "ok", "questions": []}))])

    monkeypatch.setattr(agent_module, "build_model", lambda name: FunctionModel(script))
    outcome = plan(Conversation.of("a spin club"), model="openai-compatible:scripted")

    assert outcome.output_strategy == "native"
    assert outcome.manifest.offerings
