"""The committed examples: each is current, valid, and passes its own generated test suite.

Each example's suite runs twice, at the same time: on SQLite files and on PostgreSQL, in a
database of its own that this test creates and drops, so the row-security tests run for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.manifest.io import load_manifest
from generator.workflow import regenerate_examples
from tests.conftest import EXAMPLES

REQUIRED = ("fitness", "salon", "coworking", "physio")
EXAMPLE_DIRS = sorted(path for path in EXAMPLES.iterdir() if (path / "spec.md").is_file())


def test_the_required_examples_exist() -> None:
    assert {path.name for path in EXAMPLE_DIRS} >= set(REQUIRED)


def test_examples_match_a_fresh_plan_and_render() -> None:
    assert regenerate_examples(EXAMPLES, check=True) == []


@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_example_manifest_is_valid(example: Path) -> None:
    assert load_manifest(example / "manifest.yaml").tenant.id


def _suite(example: Path, database_url: str | None) -> subprocess.Popen[str]:
    """Start the example's own pytest run, on ``database_url`` (PostgreSQL) or SQLite."""
    inherited = ("DATABASE_URL", "TEST_DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=example,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_example_app_passes_its_own_tests_on_sqlite_and_postgresql(
    example: Path, fresh_database: str
) -> None:
    """Both runs pass; the PostgreSQL one runs the row-security tests, neither skips anything."""
    runs = {"sqlite": _suite(example, None), "postgresql": _suite(example, fresh_database)}

    outputs = {backend: run.communicate(timeout=900)[0] for backend, run in runs.items()}

    for backend, run in runs.items():
        output = outputs[backend]
        assert run.returncode == 0, f"{backend}:\n{output[-4000:]}"
        assert " passed" in output and " skipped" not in output, f"{backend}:\n{output[-2000:]}"
    assert " deselected" not in outputs["postgresql"], "PostgreSQL runs every test"
    assert " deselected" in outputs["sqlite"], "row-security tests exist, PostgreSQL-only"
