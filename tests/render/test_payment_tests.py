"""Every example app that takes payments ships the payment tests issue 6 asks for.

The example apps run their own suites in ``tests/test_examples.py``; this reads those suites
to make sure the tests are there at all: the abuse cases by number (from test docstrings) and
the chaos drills as a named pytest marker.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.manifest.io import load_manifest
from generator.manifest.model import Manifest, PaymentProvider, Permission
from tests.conftest import EXAMPLES

CASE = re.compile(r"Abuse case (\d+)")
PROVIDER_CASES = {PaymentProvider.STRIPE: {1, 2, 3, 4}, PaymentProvider.ADYEN: {5}}
"""Webhook cases are about one provider's signature scheme each."""
CHAOS_DRILLS = {"timeout": "timeout", "replay": "duplicate", "out of order": "before"}
"""A chaos drill of each kind, found by a word in its test name."""


@dataclass(frozen=True)
class GeneratedTest:
    """One test function of an example app: its name, docstring and pytest marks."""

    name: str
    docstring: str
    marks: frozenset[str]


def _payment_examples() -> list[Path]:
    return [
        path
        for path in sorted(EXAMPLES.iterdir())
        if (path / "manifest.yaml").is_file()
        and load_manifest(path / "manifest.yaml").payments.provider is not PaymentProvider.NONE
    ]


def _tests_of(example: Path) -> list[GeneratedTest]:
    found = []
    for path in sorted((example / "tests" / "generated").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                marks = frozenset(_mark_name(decorator) for decorator in node.decorator_list)
                found.append(GeneratedTest(node.name, ast.get_docstring(node) or "", marks))
    return found


def _mark_name(decorator: ast.expr) -> str:
    """``pytest.mark.chaos`` -> ``chaos``; ``pytest.mark.parametrize(...)`` -> ``parametrize``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return target.attr if isinstance(target, ast.Attribute) else ""


def _expected_cases(manifest: Manifest) -> set[int]:
    """The cases that apply: refund cases where a role may refund, 11 where one is capped."""
    refunders = [role for role in manifest.roles if Permission.REFUND in role.permissions]
    cases = {6, 8, 10} | PROVIDER_CASES[manifest.payments.provider]
    if refunders:
        cases |= {7, 16}
    if any(role.refund_cap is not None for role in refunders):
        cases.add(11)
    return cases


def test_there_are_examples_for_both_providers() -> None:
    examples = _payment_examples()
    providers = {load_manifest(path / "manifest.yaml").payments.provider for path in examples}
    assert providers == {PaymentProvider.STRIPE, PaymentProvider.ADYEN}


@pytest.mark.parametrize("example", _payment_examples(), ids=lambda path: path.name)
def test_each_abuse_case_that_applies_has_a_test_naming_it(example: Path) -> None:
    named = {int(number) for test in _tests_of(example) for number in CASE.findall(test.docstring)}
    expected = _expected_cases(load_manifest(example / "manifest.yaml"))
    assert expected <= named, f"missing abuse cases {sorted(expected - named)}"


@pytest.mark.parametrize("example", _payment_examples(), ids=lambda path: path.name)
def test_chaos_drills_are_a_named_group_with_every_kind_of_fault(example: Path) -> None:
    pyproject = tomllib.loads((example / "pyproject.toml").read_text(encoding="utf-8"))
    markers = pyproject["tool"]["pytest"]["ini_options"]["markers"]
    drills = [test.name for test in _tests_of(example) if "chaos" in test.marks]

    assert any(marker.startswith("chaos:") for marker in markers)
    missing = [
        kind for kind, word in CHAOS_DRILLS.items() if not any(word in name for name in drills)
    ]
    assert missing == [], f"no chaos drill for {missing}; drills: {drills}"
