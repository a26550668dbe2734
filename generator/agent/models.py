"""The one place models are built, and every model it builds is wrapped in the guard.

Keeping construction in one function, and returning only :class:`GuardedModel`, means no run
can reach a model that skipped rate limits, screening, scrubbing, reply checks and traces.
"""

from __future__ import annotations

from generator.errors import UserError
from generator.guard import GuardContext, GuardedModel, guard_model, local_context

KNOWN_MODELS = ("offline",)


def build_model(name: str, *, context: GuardContext | None = None) -> GuardedModel:
    """The guarded model called ``name``; ``offline`` is the planner that needs no network."""
    if name == "offline":
        from generator.agent.planner import offline_model

        return guard_model(offline_model(), context=context or local_context())
    raise UserError(f"unknown model {name!r}; choose one of: {', '.join(KNOWN_MODELS)}")
