"""The guard's policy, read from the YAML files in ``guardrails/`` and validated on load.

Policy is data so that a reviewer can change a limit or add a signature without touching code,
and so the same files drive tests, benches and production. Every file is checked against a
strict pydantic model; a mistake names the file and the dotted key, never just "invalid".
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from limits import parse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from generator.errors import PolicyInvalid, Problem

DEFAULT_POLICY_DIR = Path(__file__).resolve().parents[2] / "guardrails"
Language = Literal["en", "de", "fr", "es"]
Vector = Literal["chat", "field"]


def _rate(value: str) -> str:
    try:
        parse(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a rate like '30/minute' ({error})") from None
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a valid regular expression: {error}") from None
    return value


Rate = Annotated[str, AfterValidator(_rate)]
Regex = Annotated[str, AfterValidator(_regex)]
Score = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArgumentBounds(_Strict):
    """Bounds on one tool call's arguments, far above what a manifest tool needs."""

    max_bytes: int = Field(ge=16, le=1_000_000)
    max_depth: int = Field(ge=1, le=64)
    max_string_chars: int = Field(ge=1, le=100_000)


class ToolPolicy(_Strict):
    """The allowlist every model reply is checked against."""

    tools: frozenset[str] = Field(min_length=1)
    output_tools: frozenset[str] = frozenset()
    arguments: ArgumentBounds

    @property
    def allowed(self) -> frozenset[str]:
        """Every tool name a reply may call: function tools and output tools."""
        return self.tools | self.output_tools


class RateSet(_Strict):
    """Moving-window rates for one kind of event."""

    per_user: Rate
    per_tenant: Rate
    overall: Rate


class RunBudget(_Strict):
    """What a single agent run may spend."""

    requests: int = Field(ge=1, le=10_000)
    tool_calls: int = Field(ge=1, le=100_000)
    total_tokens: int = Field(ge=1, le=100_000_000)


class LimitsPolicy(_Strict):
    """Rates for model requests and tool calls, and the per-run budget."""

    rates: dict[Literal["model_requests", "tool_calls"], RateSet]
    run_budget: RunBudget


class ProviderPolicy(_Strict):
    """Settings merged into every model request (provider-side retention off)."""

    model_settings: dict[str, Any] = Field(default_factory=dict)


class PiiPolicy(_Strict):
    """Which personal data is scrubbed, from what score, and what is never personal data."""

    language: Literal["en"] = "en"
    spacy_model: str = Field(min_length=1)
    entities: dict[str, Score] = Field(min_length=1)
    business_words: frozenset[str] = frozenset()
    introduction_cues: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()


class Signature(_Strict):
    """One known attack shape."""

    id: str = Field(min_length=1)
    pattern: Regex
    score: Score
    reason: str = Field(min_length=1)


class OverrideLexicon(_Strict):
    """Verbs and targets that together mean "drop your instructions", per language."""

    verbs: dict[Language, list[str]]
    targets: dict[Literal["strong", "weak"], dict[Language, list[str]]]
    window_words: int = Field(ge=1, le=20)
    strong_score: Score
    weak_score: Score


class RoleplayLexicon(_Strict):
    """Persona and authority claims, as regular expressions."""

    persona: list[Regex]
    authority: list[Regex]
    persona_score: Score
    authority_score: Score


class ExtractionLexicon(_Strict):
    """Requests for the hidden prompt."""

    patterns: list[Regex]
    score: Score


class SpoofingLexicon(_Strict):
    """Markup and role labels that fake a new turn."""

    tags: list[Regex]
    role_labels: list[str]
    tag_score: Score
    role_label_score: Score


class ForgedToolCallLexicon(_Strict):
    """Keys that make a JSON object look like a tool call."""

    keys: frozenset[str]
    arg_keys: frozenset[str]
    score: Score


class EncodingPolicy(_Strict):
    """How encoded payloads are found and how deep they are decoded."""

    min_base64_chars: int = Field(ge=8)
    min_hex_chars: int = Field(ge=8)
    max_depth: int = Field(ge=1, le=5)
    hidden_text_score: Score


class InjectionPolicy(_Strict):
    """Everything the screening step reads."""

    thresholds: dict[Vector, Score]
    signatures: list[Signature]
    override: OverrideLexicon
    roleplay: RoleplayLexicon
    extraction: ExtractionLexicon
    spoofing: SpoofingLexicon
    forged_tool_call: ForgedToolCallLexicon
    encoding: EncodingPolicy


class Policy(_Strict):
    """The whole guard policy, one field per file in ``guardrails/``."""

    tools: ToolPolicy
    limits: LimitsPolicy
    provider: ProviderPolicy
    pii: PiiPolicy
    injection: InjectionPolicy


_FILES: dict[str, type[_Strict]] = {
    "tools": ToolPolicy,
    "limits": LimitsPolicy,
    "provider": ProviderPolicy,
    "pii": PiiPolicy,
    "injection": InjectionPolicy,
}


def load_policy(directory: Path | None = None) -> Policy:
    """Read and validate every policy file in ``directory`` (default: the repo's guardrails/).

    Cached per directory: the files are read once per process, as the guard sits on the hot
    path of every model call.
    """
    return _load((directory or DEFAULT_POLICY_DIR).resolve())


@cache
def _load(directory: Path) -> Policy:
    parts = {name: _load_file(directory / f"{name}.yaml", model) for name, model in _FILES.items()}
    return Policy.model_validate(parts)


def _load_file(path: Path, model: type[_Strict]) -> _Strict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyInvalid(
            str(path), [Problem("(file)", f"cannot be read: {error.strerror}")]
        ) from None
    except yaml.YAMLError as error:
        raise PolicyInvalid(str(path), [Problem("(file)", f"is not valid YAML: {error}")]) from None

    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        raise PolicyInvalid(str(path), [_problem(item) for item in error.errors()]) from None


def _problem(item: Any) -> Problem:
    key = ".".join(str(part) for part in item["loc"]) or "(top level)"
    fix = "remove the key" if item["type"] == "extra_forbidden" else ""
    return Problem(key, item["msg"], fix)
