"""Test-wide settings: no live model calls, no telemetry, paths to the shared fixtures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("OTEL_SDK_DISABLED", "true")
# Quarantine and trace stores of test runs live in a throwaway folder, never in ~/.bookwright.
os.environ["BOOKWRIGHT_HOME"] = tempfile.mkdtemp(prefix="bookwright-test-home-")

import pydantic_ai.models

pydantic_ai.models.ALLOW_MODEL_REQUESTS = False

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SPECS = FIXTURES / "specs"
EXAMPLES = ROOT / "generated_examples"
