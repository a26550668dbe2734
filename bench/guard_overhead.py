"""Guard overhead per model call: the same FunctionModel call with and without the guard.

Each sample spec turn is sent as a new request to a fresh guarded model (so scrubbing is never
served from the per-run cache), with real SQLite stores in a temporary folder and in-memory
rate limits. Prints median and p95 overhead in milliseconds and peak memory. Aim: median under
30 ms.

Run: ``.venv/bin/python bench/guard_overhead.py [repetitions]``
"""

from __future__ import annotations

import asyncio
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart  # noqa: E402
from pydantic_ai.models import Model, ModelRequestParameters  # noqa: E402
from pydantic_ai.models.function import AgentInfo, FunctionModel  # noqa: E402

from generator.guard import GuardContext, guard_model  # noqa: E402
from generator.guard.limits import RateLimiter  # noqa: E402
from generator.guard.policy import LimitsPolicy, load_policy  # noqa: E402
from generator.guard.quarantine import QuarantineStore  # noqa: E402
from generator.guard.scrubbing import warm_up  # noqa: E402
from generator.guard.traces import TraceStore  # noqa: E402

SPECS = ROOT / "tests" / "fixtures" / "specs"
UNLIMITED = {
    "per_user": "1000000/minute",
    "per_tenant": "1000000/minute",
    "overall": "1000000/minute",
}


def _turns() -> list[str]:
    turns: list[str] = []
    for path in sorted(SPECS.glob("*.md")):
        if path.name != "README.md":
            body = path.read_text(encoding="utf-8").split("expect:")[0]
            turns += [t.strip() for t in re.split(r"^## turn \d+\n", body, flags=re.M)[1:]]
    return turns


def _reply(_messages: list[ModelMessage], _info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart("noted")])


async def _call(model: Model, text: str) -> float:
    started = time.perf_counter()
    await model.request([ModelRequest.user_text_prompt(text)], None, ModelRequestParameters())
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def main(repetitions: int) -> None:
    """Measure, then print the figures."""
    policy = load_policy()
    limits = LimitsPolicy.model_validate(
        {
            "rates": {"model_requests": UNLIMITED, "tool_calls": UNLIMITED},
            "run_budget": policy.limits.run_budget.model_dump(),
        }
    )
    warm_up(policy.pii)
    turns = _turns()
    overheads: list[float] = []
    bares: list[float] = []

    with tempfile.TemporaryDirectory() as folder:
        traces = TraceStore(Path(folder) / "t.db")
        quarantine = QuarantineStore(Path(folder) / "q.db")
        context = GuardContext(
            user_id="bench",
            tenant_id="bench",
            environment="dev",
            traces=traces,
            quarantine=quarantine,
            policy=policy,
            limiter=RateLimiter(limits, "memory://"),
        )
        for _ in range(repetitions):
            for turn in turns:
                bare = await _call(FunctionModel(_reply), turn)
                guarded = await _call(guard_model(FunctionModel(_reply), context=context), turn)
                overheads.append(guarded - bare)
                bares.append(bare)

        # Memory in a separate pass: tracemalloc slows every allocation and would skew timings.
        tracemalloc.start()
        for turn in turns:
            await _call(guard_model(FunctionModel(_reply), context=context), turn)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traces.close()
        quarantine.close()

    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"calls: {len(overheads)} ({len(turns)} spec turns x {repetitions})")
    print(
        f"guard overhead per call: median {statistics.median(overheads):.1f} ms, "
        f"p95 {_percentile(overheads, 0.95):.1f} ms, max {max(overheads):.1f} ms"
    )
    bare_median = statistics.median(bares)
    guarded_median = bare_median + statistics.median(overheads)
    print(
        f"unguarded call (baseline): median {bare_median:.2f} ms; guarded: median "
        f"{guarded_median:.1f} ms = {guarded_median / bare_median:.0f}x the baseline"
    )
    print(
        f"peak traced Python memory during calls: {peak / 1e6:.1f} MB; "
        f"process max RSS (spaCy model included): {max_rss_mb:.0f} MB"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
