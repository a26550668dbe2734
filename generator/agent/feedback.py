"""Validation problems as the text a model gets back on retry.

One problem per line, ``- <field> | <rule> | <fix>``, with the role id spelled out after a
``roles[i]`` path because tools address roles by id, not by position. The offline planner
reads the same lines back with :func:`parse_problems`; a language model just reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.agent.draft import Draft
from generator.errors import Problem

HEADER = "The draft manifest is not valid yet. Fix each problem with the tools, then finish again:"
_LINE = re.compile(r"^- (?P<field>[^|]+?) \| (?P<rule>[^|]*?) \| (?P<fix>.*)$")
_ROLE_PATH = re.compile(r"^roles\[(\d+)\]")
_ROLE_NOTE = re.compile(r" \(role '([a-z0-9_]+)'\)$")


@dataclass(frozen=True)
class Feedback:
    """One problem as read back from a retry message."""

    field: str
    rule: str
    fix: str
    role: str | None


def format_problems(problems: list[Problem], draft: Draft) -> str:
    """The retry text for ``problems``, naming the role behind every ``roles[i]`` path."""
    lines = [HEADER]
    for problem in problems:
        field = problem.field
        match = _ROLE_PATH.match(field)
        role = draft.role_id_at(int(match.group(1))) if match else None
        suffix = f" (role '{role}')" if role else ""
        lines.append(f"- {field}{suffix} | {_flat(problem.rule)} | {_flat(problem.fix)}")
    return "\n".join(lines)


def parse_problems(text: str) -> list[Feedback]:
    """The problems in a retry text made by :func:`format_problems`; other lines are skipped."""
    found = []
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        field = match.group("field")
        note = _ROLE_NOTE.search(field)
        role = note.group(1) if note else None
        field = _ROLE_NOTE.sub("", field)
        found.append(Feedback(field, match.group("rule"), match.group("fix"), role))
    return found


def _flat(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")
