"""Rate limits per user, tenant and overall, in memory and shared through Redis."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from generator.errors import RateLimited, RunBudgetExceeded
from generator.guard import run_usage_limits
from generator.guard.limits import RateLimiter, RunMeter, storage_uri
from generator.guard.policy import LimitsPolicy, Policy, RunBudget

REDIS = "redis://127.0.0.1:6379/15"


def small(
    per_user: str = "3/minute", per_tenant: str = "5/minute", overall: str = "100/minute"
) -> LimitsPolicy:
    rates = {"per_user": per_user, "per_tenant": per_tenant, "overall": overall}
    return LimitsPolicy.model_validate(
        {
            "rates": {"model_requests": rates, "tool_calls": rates},
            "run_budget": {"requests": 3, "tool_calls": 5, "total_tokens": 100},
        }
    )


def test_per_user_limit_says_when_to_retry() -> None:
    """The fourth request in a minute is refused with a retry time; a minute later it passes."""
    with time_machine.travel(1_700_000_000, tick=False) as traveller:
        limiter = RateLimiter(small(), "memory://")
        for _ in range(3):
            limiter.hit("model_requests", user="u1", tenant="t1")
        with pytest.raises(RateLimited, match=r"per user.*retry in \d+ s") as caught:
            limiter.hit("model_requests", user="u1", tenant="t1")
        assert 0 < caught.value.retry_after <= 60

        traveller.shift(61)
        limiter.hit("model_requests", user="u1", tenant="t1")


def test_tenant_limit_spans_users_and_a_refusal_costs_nothing() -> None:
    """Users of one tenant share its window; a refused hit does not count for the user."""
    limiter = RateLimiter(small(per_user="3/minute", per_tenant="4/minute"), "memory://")
    for user in ("a", "a", "b", "b"):
        limiter.hit("tool_calls", user=user, tenant="t1")
    with pytest.raises(RateLimited, match="per tenant"):
        limiter.hit("tool_calls", user="c", tenant="t1")
    limiter.hit("tool_calls", user="c", tenant="t2")


def test_overall_limit() -> None:
    """The installation-wide window caps everyone together."""
    limiter = RateLimiter(small(overall="2/minute"), "memory://")
    limiter.hit("model_requests", user="a", tenant="t1")
    limiter.hit("model_requests", user="b", tenant="t2")
    with pytest.raises(RateLimited, match="overall"):
        limiter.hit("model_requests", user="c", tenant="t3")


def test_redis_limits_are_shared_between_limiters() -> None:
    """Two workers (two limiter instances) count against the same Redis window."""
    tenant = f"t-{uuid.uuid4().hex}"
    first, second = RateLimiter(small(), REDIS), RateLimiter(small(), REDIS)
    try:
        first.hit("model_requests", user="u1", tenant=tenant)
        second.hit("model_requests", user="u1", tenant=tenant)
        first.hit("model_requests", user="u1", tenant=tenant)
        with pytest.raises(RateLimited):
            second.hit("model_requests", user="u1", tenant=tenant)
    finally:
        first.reset()


def test_redis_is_used_when_redis_url_is_set() -> None:
    """REDIS_URL switches the storage; without it counts stay in memory."""
    assert storage_uri({"REDIS_URL": REDIS}) == REDIS
    assert storage_uri({}) == "memory://"


def test_run_budget_values_come_from_policy(policy: Policy) -> None:
    """The agent receives UsageLimits built from guardrails/limits.yaml."""
    limits = run_usage_limits(policy)
    budget = policy.limits.run_budget
    assert (limits.request_limit, limits.tool_calls_limit, limits.total_tokens_limit) == (
        budget.requests,
        budget.tool_calls,
        budget.total_tokens,
    )


def test_run_meter_stops_at_each_budget() -> None:
    """Requests, tool calls and tokens each end the run when spent."""
    meter = RunMeter(RunBudget(requests=2, tool_calls=5, total_tokens=100))
    meter.before_request()
    meter.before_request()
    with pytest.raises(RunBudgetExceeded, match="request"):
        meter.before_request()

    meter = RunMeter(RunBudget(requests=9, tool_calls=5, total_tokens=100))
    meter.after_response(tool_calls=0, tokens=101)
    with pytest.raises(RunBudgetExceeded, match="token"):
        meter.before_request()
