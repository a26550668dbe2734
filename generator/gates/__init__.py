"""Approval gates: change sets, environments, signed approvals and the hash-chained gate log.

An edit to an app becomes a :class:`ChangeSet`; :class:`Gates` applies it to dev, records
Ed25519-signed approvals from platform admins and promotes it to staging and prod only when
the rules allow (see :mod:`generator.gates.gates`).
"""

from __future__ import annotations

from generator.gates.changeset import ChangeSet, FieldChange, build_change_set, manifest_diff
from generator.gates.environments import Environment
from generator.gates.gates import ChangeStatus, Gates, SignedDecision, Verification
from generator.gates.risk import Risk, RiskFinding, classify

__all__ = [
    "ChangeSet",
    "ChangeStatus",
    "Environment",
    "FieldChange",
    "Gates",
    "Risk",
    "RiskFinding",
    "SignedDecision",
    "Verification",
    "build_change_set",
    "classify",
    "manifest_diff",
]
