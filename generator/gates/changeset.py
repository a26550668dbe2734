"""Change sets: what one proposed manifest edit changes, field by field and file by file.

A change set is a value. It holds both manifests, the structured manifest diff (dotted field
paths with old and new values), the unified diff of the files ``render_files`` produces for
each manifest, who asked, and the risk class computed from the diff. Its ``sha256`` covers all
of that, and approvals sign that hash, so an approval can never be moved to other content.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from generator.gates.risk import Risk, RiskFinding, classify
from generator.guard.storage import canonical_json, sha256_text
from generator.manifest.io import dump_manifest
from generator.manifest.model import Manifest
from generator.render.render import manifest_sha256, render_files

_ABSENT: Any = None


@dataclass(frozen=True)
class FieldChange:
    """One changed manifest field; ``old`` is None when added, ``new`` None when removed."""

    path: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """Plain data for the log."""
        return {"path": self.path, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ChangeSet:
    """A proposed manifest change with its rendered diff, requester and risk class."""

    id: str
    requested_by: str
    created_at: str
    app: str
    old_manifest: str
    new_manifest: str
    changes: list[FieldChange]
    file_diff: str
    risk: Risk
    findings: list[RiskFinding] = field(default_factory=list)

    @property
    def old_sha256(self) -> str:
        """Hash of the base manifest's canonical text."""
        return sha256_text(self.old_manifest)

    @property
    def new_sha256(self) -> str:
        """Hash of the proposed manifest's canonical text."""
        return sha256_text(self.new_manifest)

    @property
    def sha256(self) -> str:
        """The hash every approval signs: content, requester, id and risk together."""
        return sha256_text(canonical_json(self.to_json()))

    def to_json(self) -> dict[str, Any]:
        """Plain data for the log (everything the hash covers)."""
        return {
            "id": self.id,
            "requested_by": self.requested_by,
            "created_at": self.created_at,
            "app": self.app,
            "old_manifest": self.old_manifest,
            "new_manifest": self.new_manifest,
            "changes": [change.to_json() for change in self.changes],
            "file_diff": self.file_diff,
            "risk": self.risk.value,
            "findings": [finding.to_json() for finding in self.findings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChangeSet:
        """The inverse of ``to_json``."""
        return cls(
            id=data["id"],
            requested_by=data["requested_by"],
            created_at=data["created_at"],
            app=data["app"],
            old_manifest=data["old_manifest"],
            new_manifest=data["new_manifest"],
            changes=[FieldChange(**change) for change in data["changes"]],
            file_diff=data["file_diff"],
            risk=Risk(data["risk"]),
            findings=[
                RiskFinding(item["path"], Risk(item["risk"]), item["reason"])
                for item in data["findings"]
            ],
        )


def build_change_set(
    *,
    change_id: str,
    old: Manifest,
    new: Manifest,
    requested_by: str,
    app: str,
    at: str,
    deployed: dict[str, str] | None = None,
) -> ChangeSet:
    """Diff two validated manifests (and what is deployed) and classify the result.

    ``deployed`` holds the generated files as they are on disk for ``old``. When they differ
    from what today's templates render for ``old``, the templates changed since: the change
    set then carries a ``templates`` change, and its file diff runs from the files on disk.
    """
    before = _generated(old)
    changes = manifest_diff(old, new)
    if deployed is not None:
        on_disk = {path: deployed[path] for path in before if path in deployed}
        if _stripped(on_disk, old) != _stripped(before, old):
            changes.append(
                FieldChange("templates", _files_hash(on_disk, old), _files_hash(before, old))
            )
            before = on_disk
    risk, findings = classify(changes)
    return ChangeSet(
        id=change_id,
        requested_by=requested_by,
        created_at=at,
        app=app,
        old_manifest=dump_manifest(old),
        new_manifest=dump_manifest(new),
        changes=changes,
        file_diff=file_diff(old, new, before=before),
        risk=risk,
        findings=findings,
    )


def manifest_diff(old: Manifest, new: Manifest) -> list[FieldChange]:
    """Changed fields, as dotted paths; list items with an ``id`` are matched by id."""
    changes: list[FieldChange] = []
    _diff(old.model_dump(mode="json"), new.model_dump(mode="json"), "", changes)
    return changes


def _diff(old: Any, new: Any, path: str, out: list[FieldChange]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key, out)
        return
    if _keyed(old) and _keyed(new):
        old_by_id = {item["id"]: item for item in old}
        new_by_id = {item["id"]: item for item in new}
        for key in [*old_by_id, *(k for k in new_by_id if k not in old_by_id)]:
            _diff(old_by_id.get(key, _ABSENT), new_by_id.get(key, _ABSENT), f"{path}[{key}]", out)
        return
    out.append(FieldChange(path, old, new))


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and isinstance(item.get("id"), str) for item in value
    )


def _generated(manifest: Manifest) -> dict[str, str]:
    """What the templates render for ``manifest``, generated files only (custom ones are yours)."""
    return {
        item.path: item.content.decode("utf-8")
        for item in render_files(manifest)
        if not item.custom
    }


def _stripped(files: dict[str, str], manifest: Manifest) -> dict[str, str]:
    sha = manifest_sha256(manifest)
    return {path: _without_header(text, sha) for path, text in files.items()}


def _files_hash(files: dict[str, str], manifest: Manifest) -> str:
    """One hash for a set of generated files, headers aside (``templates`` old/new values)."""
    return sha256_text(canonical_json(_stripped(files, manifest)))[:16]


def file_diff(old: Manifest, new: Manifest, *, before: dict[str, str] | None = None) -> str:
    """Unified diff of every generated file, ``before`` (default: old render) to new render."""
    if before is None:
        before = _generated(old)
    after = _generated(new)
    old_sha, new_sha = manifest_sha256(old), manifest_sha256(new)
    chunks: list[str] = []
    for path in sorted(before.keys() | after.keys()):
        # The header line only carries the manifest hash; every file would differ by it.
        a = _without_header(before.get(path, ""), old_sha)
        b = _without_header(after.get(path, ""), new_sha)
        if a == b:
            continue
        lines = difflib.unified_diff(
            a.splitlines(keepends=True),
            b.splitlines(keepends=True),
            fromfile=f"a/{path}" if path in before else "/dev/null",
            tofile=f"b/{path}" if path in after else "/dev/null",
        )
        chunks.append("".join(lines))
    return "".join(chunks)


def _without_header(text: str, sha: str) -> str:
    first, _, rest = text.partition("\n")
    return rest if sha in first else text
