"""Which provider a ``--model`` value names, how to reach it, and how it returns structure.

``offline`` is the built-in planner. ``openai:<model>`` is OpenAI itself (key from
``OPENAI_API_KEY``). ``openai-compatible:<model>`` is any server speaking OpenAI's chat
completions (Ollama, vLLM, llama.cpp), reached at ``BOOKWRIGHT_BASE_URL``.

Both remote kinds use the chat completions API: compatible servers answer the Responses API
with 404, and keeping one code path for OpenAI too means one set of failure modes to handle.
Retention stays off either way (``store: false``, from ``guardrails/provider.yaml``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal, get_args

import httpx

from generator.errors import UserError

ProviderKind = Literal["offline", "openai", "openai-compatible"]
OutputStrategy = Literal["tool", "native", "prompted"]
"""How the final answer comes back: an output tool call, schema-constrained JSON
(``response_format: json_schema``), or JSON asked for in the prompt (the last resort)."""

DEFAULT_STRATEGY: dict[ProviderKind, OutputStrategy] = {
    "offline": "tool",
    "openai": "tool",
    # Many local servers ignore `tool_choice: "required"` (llama.cpp answers in prose when the
    # chat template has no tool syntax) but do honour a JSON schema with a grammar, so a weak
    # model still produces output that validates.
    "openai-compatible": "native",
}
USAGE = (
    "use 'offline', 'openai:<model>' (e.g. openai:gpt-4o-mini) or "
    "'openai-compatible:<model>' with BOOKWRIGHT_BASE_URL (e.g. http://127.0.0.1:11434/v1)"
)


@dataclass(frozen=True)
class ProviderChoice:
    """A parsed ``--model`` value."""

    kind: ProviderKind
    model_name: str = ""


@dataclass(frozen=True)
class ProviderOptions:
    """How to reach a remote provider; every field has an environment default.

    Attributes:
        base_url: the OpenAI-compatible server's ``/v1`` URL (``BOOKWRIGHT_BASE_URL``).
        api_key: key for a compatible server (``BOOKWRIGHT_API_KEY``); never OpenAI's key,
            so a third-party server cannot receive it.
        output: overrides the structured-output strategy (``BOOKWRIGHT_OUTPUT``).
        max_reply_tokens: the reply token budget (``BOOKWRIGHT_MAX_REPLY_TOKENS``).
        max_retries: retries after a failed attempt (429, 5xx, malformed or cut-off replies,
            refused connections, timeouts), with exponential backoff honouring Retry-After.
        timeout: seconds for one attempt; connecting gets at most 10 s.
        http_client: an httpx client to send with (tests record bodies with its hooks); it
            must come from :func:`generator.agent.providers.http_client` to keep reply checks.
    """

    base_url: str | None = None
    api_key: str | None = None
    output: OutputStrategy | None = None
    max_reply_tokens: int = 4096
    max_retries: int = 2
    timeout: float = 120.0
    http_client: httpx.AsyncClient | None = field(default=None, compare=False)

    @classmethod
    def from_env(cls) -> ProviderOptions:
        """Options from ``BOOKWRIGHT_*`` environment variables."""
        output = os.environ.get("BOOKWRIGHT_OUTPUT") or None
        if output is not None and output not in get_args(OutputStrategy):
            raise UserError(f"BOOKWRIGHT_OUTPUT={output!r} is not one of tool, native, prompted")
        tokens = os.environ.get("BOOKWRIGHT_MAX_REPLY_TOKENS", "4096")
        if not tokens.isdigit() or int(tokens) < 1:
            raise UserError(f"BOOKWRIGHT_MAX_REPLY_TOKENS={tokens!r} must be a positive number")
        return cls(
            base_url=os.environ.get("BOOKWRIGHT_BASE_URL") or None,
            api_key=os.environ.get("BOOKWRIGHT_API_KEY") or None,
            output=output,  # type: ignore[arg-type]  # checked against OutputStrategy above
            max_reply_tokens=int(tokens),
        )


def parse_model(name: str) -> ProviderChoice:
    """Read a ``--model`` value; an unknown or empty one is the user's mistake."""
    if name == "offline":
        return ProviderChoice("offline")
    kind, _, model_name = name.partition(":")
    if kind in ("openai", "openai-compatible") and model_name.strip():
        return ProviderChoice(kind, model_name.strip())  # type: ignore[arg-type]
    raise UserError(f"unknown model {name!r}; {USAGE}")


def output_strategy(choice: ProviderChoice, options: ProviderOptions) -> OutputStrategy:
    """The structured-output strategy: the override if set, else the provider's default."""
    if choice.kind == "offline":
        return "tool"  # the offline planner answers with its output tool only
    return options.output or DEFAULT_STRATEGY[choice.kind]


def openai_key(choice: ProviderChoice, options: ProviderOptions) -> str:
    """The API key to send, or a clear error when OpenAI's key is missing."""
    if choice.kind == "openai":
        key = os.environ.get("OPENAI_API_KEY", "").strip()
        if not key:
            raise UserError(
                f"--model openai:{choice.model_name} needs OPENAI_API_KEY; set it "
                "(export OPENAI_API_KEY=sk-...) or use --model offline"
            )
        return key
    # Local servers usually need no key, but the client insists on one.
    return options.api_key or "not-needed"


def base_url(choice: ProviderChoice, options: ProviderOptions) -> str | None:
    """Where to send requests; a compatible server must be named explicitly."""
    if choice.kind == "openai":
        return None  # the client's default, https://api.openai.com/v1
    url = options.base_url
    if not url or not url.startswith(("http://", "https://")):
        raise UserError(
            f"--model openai-compatible:{choice.model_name} needs the server's URL: set "
            "BOOKWRIGHT_BASE_URL (or --base-url) to e.g. http://127.0.0.1:11434/v1 (Ollama), "
            "http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:8080/v1 (llama.cpp)"
        )
    return url
