"""The offline planner: deterministic language handling that plays the part of a model.

It reads the conversation with spaCy and a few domain lexicons, decides on tool calls the
way a careful model would, and is plugged into the agent as a ``FunctionModel``, so it goes
through exactly the same tools, validator and budgets as any other model.
"""

from __future__ import annotations

from pydantic_ai.models.function import FunctionModel

from generator.agent.planner.respond import respond


def offline_model() -> FunctionModel:
    """A fresh offline planner model."""
    return FunctionModel(respond, model_name="offline-planner")


__all__ = ["offline_model"]
