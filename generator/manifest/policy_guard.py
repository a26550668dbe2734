"""The manifest's policy invariants, registered as guardrails-ai validators.

guardrails-ai is our output-validation layer: the same validators run on a manifest drafted by
a model and on one edited by hand. Each validator reports its problems as JSON in the failure
message, so the structured field/rule/fix survives the round trip through guardrails.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

os.environ.setdefault("OTEL_SDK_DISABLED", "true")
# Our validators are synchronous; guardrails' async service would open an event loop on every
# thread that has none and never close it (and refuses to run inside a running one).
os.environ.setdefault("GUARDRAILS_RUN_SYNC", "true")

from guardrails.guard import Guard
from guardrails.validator_base import (
    FailResult,
    PassResult,
    ValidationResult,
    Validator,
    register_validator,
)

from generator.errors import Problem
from generator.manifest.invariants import check_invariants
from generator.manifest.model import SKIP_INVARIANTS, Manifest


def _result(problems: list[Problem]) -> ValidationResult:
    if not problems:
        return PassResult()
    payload = [{"field": p.field, "rule": p.rule, "fix": p.fix} for p in problems]
    return FailResult(error_message=json.dumps(payload))


@register_validator(name="bookwright/manifest-invariants", data_type="string")
class ManifestInvariants(Validator):  # type: ignore[misc]  # guardrails ships no stubs
    """Deny by default, bounded holds and refunds, step-up for admin refunds, no SMS for admins,
    and no secrets or personal data, checked on a manifest given as JSON text."""

    def _validate(self, value: Any, metadata: dict[str, Any]) -> ValidationResult:
        manifest = Manifest.model_validate_json(value, context={SKIP_INVARIANTS: True})
        return _result(check_invariants(manifest))


@cache
def _guard() -> Guard:
    guard = Guard(name="bookwright-manifest").use(ManifestInvariants(on_fail="noop"))
    guard.configure(allow_metrics_collection=False)
    return guard


def policy_problems(manifest: Manifest) -> list[Problem]:
    """Problems the guardrails-ai guard finds in ``manifest``; empty when it passes."""
    outcome = _guard().validate(manifest.model_dump_json())
    if outcome.validation_passed:
        return []

    problems: list[Problem] = []
    for summary in outcome.validation_summaries or []:
        for item in json.loads(summary.failure_reason or "[]"):
            problems.append(Problem(item["field"], item["rule"], item["fix"]))
    return problems
