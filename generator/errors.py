"""The error tree.

``BookwrightError`` is the root. ``UserError`` is a mistake the person can fix (a bad spec, an
invalid manifest, an unknown option): the CLI prints its message and exits 2. ``RunError`` is a
failure of the run itself (a model that keeps misbehaving, a file that cannot be written): the
CLI prints its message and exits 1. Neither ever reaches a user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class BookwrightError(Exception):
    """Base of every error Bookwright raises on purpose."""

    exit_code = 1


class UserError(BookwrightError):
    """Something the user gave us is wrong; the message says what and how to fix it."""

    exit_code = 2


class RunError(BookwrightError):
    """The run failed for a reason that is not the user's input."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a dotted field path), which rule, and the fix."""

    field: str
    rule: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.field}: {self.rule}"
        return f"{text} (fix: {self.fix})" if self.fix else text


@dataclass
class ManifestInvalid(UserError):
    """A manifest broke the schema or a policy invariant."""

    problems: list[Problem] = field(default_factory=list)
    source: str = "manifest"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.source} is not valid ({len(self.problems)} problem(s)):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class SpecError(UserError):
    """A spec file cannot be read as a conversation."""


class PlanningError(RunError):
    """The agent could not produce a valid manifest within its retry budget."""
