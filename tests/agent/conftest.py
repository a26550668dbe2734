"""Shared fixtures for the agent tests: no live model calls, and each spec planned once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pydantic_ai.models

from generator.agent import PlanOutcome, plan, read_spec

pydantic_ai.models.ALLOW_MODEL_REQUESTS = False

SPECS = Path(__file__).parents[1] / "fixtures" / "specs"


@cache
def planned(name: str) -> PlanOutcome:
    """The outcome for a sample spec, planned once per session (spaCy is slow to load)."""
    return plan(read_spec(SPECS / f"{name}.md"))
