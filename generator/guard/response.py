"""Checks on every model reply before the agent may act on it.

The allowlist comes from ``guardrails/tools.yaml``, not from the tools the agent registered, so
a bug or a prompt that adds a tool to the agent still cannot make the guard let it run.
Arguments must be a JSON object of bounded size and depth whose strings carry no look-alike
letters, and neither the reply text nor the arguments may carry a secret or personal data (a
model can only echo what it was given; placeholders are fine).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic_ai.messages import BaseToolCallPart, ModelResponse, TextPart

from generator.errors import ArgumentsRejected, LeakInReply, ResponseRejected, ToolNotAllowed
from generator.guard.normalize import mixed_script_words
from generator.guard.policy import ToolPolicy
from generator.manifest.sensitive import find_sensitive


class ResponseChecker:
    """Blocks replies that call unlisted tools, pass unsafe arguments or leak data."""

    def __init__(self, policy: ToolPolicy) -> None:
        """Keep the allowlist and the argument bounds from the policy."""
        self.policy = policy

    def check(self, response: ModelResponse) -> None:
        """Raise a ``ResponseRejected`` subclass for the first broken rule; return when clean."""
        for part in response.parts:
            if isinstance(part, BaseToolCallPart):
                self._check_tool_call(part)
            elif isinstance(part, TextPart):
                _check_no_leak(part.content, where="the reply text")

    def tool_calls(self, response: ModelResponse) -> int:
        """How many tool calls a reply makes (they count against the rate limits)."""
        return sum(1 for part in response.parts if isinstance(part, BaseToolCallPart))

    def _check_tool_call(self, part: BaseToolCallPart) -> None:
        if part.tool_name not in self.policy.allowed:
            raise ToolNotAllowed(
                f"the model called {part.tool_name!r}, which is not on the tool allowlist "
                "(guardrails/tools.yaml); the call was blocked"
            )
        arguments = _arguments(part)
        self._check_bounds(part.tool_name, arguments)
        for path, text in _strings(arguments):
            where = f"argument {path!r} of {part.tool_name}"
            if len(text) > self.policy.arguments.max_string_chars:
                raise ArgumentsRejected(
                    f"{where} is longer than {self.policy.arguments.max_string_chars} characters"
                )
            if lookalikes := mixed_script_words(text):
                raise ArgumentsRejected(
                    f"{where} mixes look-alike letters from another script ({len(lookalikes)}"
                    " word(s)); type it in one script"
                )
            _check_no_leak(text, where=where)

    def _check_bounds(self, tool_name: str, arguments: dict[str, Any]) -> None:
        bounds = self.policy.arguments
        size = len(json.dumps(arguments, ensure_ascii=False).encode("utf-8"))
        if size > bounds.max_bytes:
            raise ArgumentsRejected(
                f"arguments of {tool_name} are {size} bytes; at most {bounds.max_bytes} allowed"
            )
        if (depth := _depth(arguments)) > bounds.max_depth:
            raise ArgumentsRejected(
                f"arguments of {tool_name} nest {depth} deep; at most {bounds.max_depth} allowed"
            )


def _arguments(part: BaseToolCallPart) -> dict[str, Any]:
    args = part.args
    if args is None:
        return {}
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError:
            raise ArgumentsRejected(f"arguments of {part.tool_name} are not valid JSON") from None
    if not isinstance(args, dict):
        raise ArgumentsRejected(f"arguments of {part.tool_name} must be a JSON object")
    return args


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON value (keys included) with its dotted path."""
    if isinstance(value, str):
        yield path or "(value)", value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if path else str(key), str(key)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _check_no_leak(text: str, *, where: str) -> None:
    if findings := find_sensitive(text):
        kinds = sorted({finding.kind for finding in findings})
        raise LeakInReply(f"{where} contains {', '.join(kinds)}; the reply was blocked")


__all__ = ["ResponseChecker", "ResponseRejected"]
