"""Rate limits per user, per tenant and overall, and the budget of one agent run.

Rates use the ``limits`` library's moving window, in memory by default and in Redis when
``REDIS_URL`` is set, so every worker of one installation shares a single count. A refusal
says which limit was hit and when to retry. The run budget goes to pydantic-ai as
``UsageLimits`` (the agent applies it) and is enforced again by the guard, so a run stays
bounded even if an agent forgets it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Literal

import structlog
from limits import RateLimitItem, parse, storage
from limits.strategies import MovingWindowRateLimiter
from pydantic_ai.usage import UsageLimits

from generator.errors import RateLimited, RunBudgetExceeded
from generator.guard.policy import LimitsPolicy, RunBudget

EventKind = Literal["model_requests", "tool_calls"]
_NAMESPACE = "bookwright"
log = structlog.get_logger("bookwright.guard")


def storage_uri(environ: dict[str, str] | None = None) -> str:
    """Redis when ``REDIS_URL`` is set, otherwise this process's memory."""
    env = os.environ if environ is None else environ
    return env.get("REDIS_URL") or "memory://"


class RateLimiter:
    """Counts model requests and tool calls against the policy's rates."""

    def __init__(self, policy: LimitsPolicy, uri: str | None = None) -> None:
        """Connect to the storage at ``uri`` (default: from ``REDIS_URL``)."""
        self.uri = uri or storage_uri()
        self._storage = storage.storage_from_string(self.uri)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._rates: dict[EventKind, list[tuple[str, RateLimitItem]]] = {
            kind: [
                ("user", parse(rates.per_user)),
                ("tenant", parse(rates.per_tenant)),
                ("overall", parse(rates.overall)),
            ]
            for kind, rates in policy.rates.items()
        }

    def hit(self, kind: EventKind, *, user: str, tenant: str, cost: int = 1) -> None:
        """Count ``cost`` events, or raise ``RateLimited`` without counting any of them.

        All three windows are tested before any is hit, so a refused request does not eat into
        the user's own allowance because the tenant's was full.
        """
        if cost <= 0:
            return
        keys = self._keys(kind, user=user, tenant=tenant)
        for scope, item, identifiers in keys:
            if not self._limiter.test(item, *identifiers, cost=cost):
                self._refuse(kind, scope, item, identifiers)
        for _scope, item, identifiers in keys:
            self._limiter.hit(item, *identifiers, cost=cost)

    def reset(self) -> None:
        """Forget every count (tests and admin tooling)."""
        self._storage.reset()

    def _keys(
        self, kind: EventKind, *, user: str, tenant: str
    ) -> list[tuple[str, RateLimitItem, tuple[str, ...]]]:
        subjects = {"user": (tenant, user), "tenant": (tenant,), "overall": ("all",)}
        return [
            (scope, item, (_NAMESPACE, kind, scope, *subjects[scope]))
            for scope, item in self._rates[kind]
        ]

    def _refuse(
        self, kind: EventKind, scope: str, item: RateLimitItem, identifiers: tuple[str, ...]
    ) -> None:
        stats = self._limiter.get_window_stats(item, *identifiers)
        retry_after = max(0.0, stats.reset_time - time.time())
        log.warning(
            "guard.rate_limited",
            kind=kind,
            scope=scope,
            limit=str(item),
            retry_after=round(retry_after, 1),
        )
        raise RateLimited(
            scope=f"{kind.replace('_', ' ')} per {scope}", limit=str(item), retry_after=retry_after
        )


def usage_limits(budget: RunBudget) -> UsageLimits:
    """The run budget as pydantic-ai ``UsageLimits``, for ``agent.run(usage_limits=...)``."""
    return UsageLimits(
        request_limit=budget.requests,
        tool_calls_limit=budget.tool_calls,
        total_tokens_limit=budget.total_tokens,
    )


@dataclass
class RunMeter:
    """What one run has spent so far, checked against its budget before every request."""

    budget: RunBudget
    requests: int = 0
    tool_calls: int = 0
    tokens: int = 0

    def before_request(self) -> None:
        """Refuse the next request once any budget is used up."""
        for name, used, allowed in (
            ("request", self.requests + 1, self.budget.requests),
            ("tool-call", self.tool_calls, self.budget.tool_calls),
            ("token", self.tokens, self.budget.total_tokens),
        ):
            if used > allowed:
                log.warning("guard.run_budget_exceeded", budget=name, used=used, allowed=allowed)
                raise RunBudgetExceeded(budget=name, used=used, allowed=allowed)
        self.requests += 1

    def after_response(self, *, tool_calls: int, tokens: int) -> None:
        """Add what the reply cost."""
        self.tool_calls += tool_calls
        self.tokens += tokens
