"""Running pydantic-ai agents in tests without leaking event loops.

``Agent.run_sync`` leaves a loop set on the thread; the next ``asyncio.run`` (which the planner
uses) unsets it and the abandoned loop is collected later as an unclosed-loop warning in some
unrelated test. ``asyncio.run`` owns and closes its loop.
"""

from __future__ import annotations

import asyncio
from typing import Any


def run_agent(agent: Any, *args: Any, **kwargs: Any) -> Any:
    """``agent.run(...)`` to completion on a loop that is closed afterwards."""
    return asyncio.run(agent.run(*args, **kwargs))
