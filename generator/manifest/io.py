"""Reading, validating and writing manifests as YAML.

A manifest read from disk passes three checks in order: the committed JSON Schema (so tools
outside Python agree on the shape), the pydantic model, then the policy invariants, run through
guardrails-ai. Every failure becomes a :class:`~generator.errors.ManifestInvalid` that lists
each broken rule with its field path.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from pydantic import ValidationError

from generator.errors import ManifestInvalid, Problem, UserError
from generator.manifest.model import SKIP_INVARIANTS, WILDCARDS, Manifest

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")


def export_schema() -> dict[str, Any]:
    """The manifest's JSON Schema as pydantic produces it; committed as ``SCHEMA_PATH``."""
    schema = Manifest.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://bookwright.dev/schemas/manifest-v1.json"
    return schema


def schema_text() -> str:
    """The schema as the exact text that is committed."""
    return json.dumps(export_schema(), indent=2, sort_keys=True) + "\n"


@cache
def committed_schema() -> dict[str, Any]:
    """The committed schema file, which manifests from disk are checked against."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validate_data(data: Any, source: str = "manifest") -> Manifest:
    """A ``Manifest`` from plain data, or ``ManifestInvalid`` naming every broken rule."""
    schema_problems = _schema_problems(data)
    if schema_problems:
        raise ManifestInvalid(schema_problems, source)

    try:
        manifest = Manifest.model_validate(data, context={SKIP_INVARIANTS: True})
    except ValidationError as error:
        raise ManifestInvalid(problems_from_pydantic(error), source) from None

    from generator.manifest.policy_guard import policy_problems

    problems = policy_problems(manifest)
    if problems:
        raise ManifestInvalid(problems, source)
    return Manifest.model_validate(data)


def _schema_problems(data: Any) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(committed_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = _dotted(list(error.absolute_path))
        problems.append(Problem(path, _schema_rule(error), "see manifest.schema.json"))
    return problems


def _schema_rule(error: jsonschema.ValidationError) -> str:
    """jsonschema's message, made plain where a bare enum failure would hide the reason."""
    if error.validator == "enum" and str(error.instance).strip().lower() in WILDCARDS:
        return (
            f"wildcard {error.instance!r} is not allowed: permissions are deny by default, "
            "list each one from the catalogue"
        )
    return error.message


def problems_from_pydantic(error: ValidationError) -> list[Problem]:
    """Pydantic's errors as problems with dotted paths."""
    return [
        Problem(_dotted(list(item["loc"])), item["msg"].removeprefix("Value error, "))
        for item in error.errors()
    ]


def _dotted(parts: list[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(root)"


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read manifest {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path} is not UTF-8 text (byte {error.start}); save the manifest as UTF-8"
        ) from None

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserError(f"{path} is not valid YAML: {error}") from None

    return validate_data(data, source=str(path))


def dump_manifest(manifest: Manifest) -> str:
    """The canonical YAML text of a manifest: same manifest, same bytes."""
    data = manifest.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_manifest(manifest: Manifest, path: Path) -> None:
    """Write atomically, so a failed write never leaves half a manifest behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dump_manifest(manifest), encoding="utf-8")
    tmp.replace(path)
