"""The committed JSON Schema and the pydantic model never drift apart."""

from __future__ import annotations

from typing import Any

import jsonschema

from generator.manifest.io import SCHEMA_PATH, committed_schema, schema_text


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "manifest.schema.json is stale: run `bookwright schema`"
    )


def test_committed_schema_accepts_a_valid_manifest(data: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(committed_schema()).validate(data)


def test_committed_schema_forbids_unknown_keys(data: dict[str, Any]) -> None:
    data["tenant"]["owner_email"] = "x"

    errors = list(jsonschema.Draft202012Validator(committed_schema()).iter_errors(data))

    assert any("owner_email" in error.message for error in errors)
