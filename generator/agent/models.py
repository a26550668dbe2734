"""The one place models are built, so every model a run uses passes through here.

A later step wraps each model in the guard; keeping construction in one function means no
run can reach a model that skipped it.
"""

from __future__ import annotations

from pydantic_ai.models import Model

from generator.errors import UserError

KNOWN_MODELS = ("offline",)


def build_model(name: str) -> Model:
    """The model called ``name``; ``offline`` is the deterministic planner that needs no network."""
    if name == "offline":
        from generator.agent.planner import offline_model

        return offline_model()
    raise UserError(f"unknown model {name!r}; choose one of: {', '.join(KNOWN_MODELS)}")
