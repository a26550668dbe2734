"""The guard: the only way a model is built, and what every model call passes through.

``guard_model(model, context=...)`` wraps any pydantic-ai model (the offline planner included)
in a ``GuardedModel``: rate limits and run budget, injection screening with quarantine, PII
and secret scrubbing, provider retention off, reply checks and a hash-chained trace. The
policy lives in ``guardrails/*.yaml``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import cast, get_args

from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits

from generator.errors import UserError
from generator.guard.limits import RateLimiter, usage_limits
from generator.guard.policy import Policy, load_policy
from generator.guard.quarantine import QuarantineEntry, QuarantineStore
from generator.guard.storage import Clock, bookwright_home, utc_now
from generator.guard.traces import TraceStore, Verification, verify_traces
from generator.guard.wrapper import Environment, GuardContext, GuardedModel, as_data

__all__ = [
    "GuardContext",
    "GuardedModel",
    "QuarantineEntry",
    "QuarantineStore",
    "TraceStore",
    "Verification",
    "as_data",
    "guard_model",
    "local_context",
    "run_usage_limits",
    "verify_traces",
]


def guard_model(model: Model, *, context: GuardContext) -> GuardedModel:
    """Wrap ``model`` so every request and reply passes the guard."""
    return GuardedModel(model, context=context)


def local_context(
    *,
    user_id: str | None = None,
    tenant_id: str = "local",
    environment: Environment | None = None,
    home: Path | None = None,
    policy: Policy | None = None,
    clock: Clock = utc_now,
) -> GuardContext:
    """A context for one installation: stores under ``BOOKWRIGHT_HOME``, limits from policy.

    This is what ``build_model`` uses when the caller has no richer context (the CLI): the
    user is the OS user, the tenant is "local".
    """
    folder = home or bookwright_home()
    active = policy or load_policy()
    return GuardContext(
        user_id=user_id or getpass.getuser(),
        tenant_id=tenant_id,
        environment=environment or environment_from_env(),
        traces=TraceStore(folder / "traces.db", clock=clock),
        quarantine=QuarantineStore(folder / "quarantine.db", clock=clock),
        policy=active,
        limiter=RateLimiter(active.limits),
        clock=clock,
    )


def environment_from_env() -> Environment:
    """The installation's environment from ``BOOKWRIGHT_ENV`` (dev, staging or prod; dev if unset).

    Traces written in prod are marked forbidden for training, so an unknown value is an error
    rather than a silent dev.
    """
    value = os.environ.get("BOOKWRIGHT_ENV", "dev")
    if value not in get_args(Environment):
        raise UserError(f"BOOKWRIGHT_ENV={value!r} is not one of dev, staging, prod")
    return cast("Environment", value)


def run_usage_limits(policy: Policy | None = None) -> UsageLimits:
    """The per-run budget from ``guardrails/limits.yaml`` as pydantic-ai ``UsageLimits``."""
    return usage_limits((policy or load_policy()).limits.run_budget)
