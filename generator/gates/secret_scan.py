"""Literal secrets in what we ship: templates, guardrail policy and the rendered examples.

Manifests refuse secrets by their own invariants; this scan covers the files around them and runs
in CI (``bookwright scan-secrets``). Detection is Yelp's detect-secrets with its default plugins
(provider key formats, high-entropy strings, keyword assignments, private keys, basic-auth URLs).
A deliberate placeholder is marked where it stands with detect-secrets' own
``pragma: allowlist secret`` comment, so every exception is visible in review.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from detect_secrets.core.secrets_collection import SecretsCollection
from detect_secrets.settings import default_settings

from generator.errors import UserError

_SKIPPED_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = {".db", ".sqlite", ".pyc", ".png", ".gguf"}


@dataclass(frozen=True)
class SecretFinding:
    """Where a secret-looking value sits; the value itself is never kept or printed."""

    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def scan_paths(paths: Iterable[Path]) -> list[SecretFinding]:
    """Every finding under ``paths`` (files or folders), sorted by file and line."""
    files = sorted({file for path in paths for file in _files(path)})
    collection = SecretsCollection()
    with default_settings():
        for file in files:
            collection.scan_file(str(file))

    findings = {
        SecretFinding(filename, secret.line_number or 0, secret.type)
        for filename, secrets in collection.data.items()
        for secret in secrets
    }
    return sorted(findings, key=lambda finding: (finding.path, finding.line, finding.kind))


def _files(path: Path) -> Iterator[Path]:
    if not path.exists():
        raise UserError(f"{path} does not exist; name files or folders to scan")
    if path.is_file():
        yield path
        return
    for child in sorted(path.rglob("*")):
        parts = set(child.relative_to(path).parts)
        if child.is_file() and not parts & _SKIPPED_DIRS and child.suffix not in _SKIPPED_SUFFIXES:
            yield child
