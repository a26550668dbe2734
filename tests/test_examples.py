"""The committed examples: each is current, valid, and passes its own generated test suite."""

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


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLE_DIRS, ids=lambda path: path.name)
def test_example_app_passes_its_own_tests(example: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=example,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
