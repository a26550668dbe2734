"""A spec as a conversation: the user's messages, oldest first.

Spec files hold one ``## turn N`` heading per user message and may end with an ``expect:``
block of facts for tests. That block is for people checking the result, never for the agent,
so it is dropped here: a planner that could read it would be graded on its own answer key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import SpecError

_TURN_HEADING = re.compile(r"^##\s*turn\s+\d+\s*$", re.IGNORECASE | re.MULTILINE)
_EXPECT_BLOCK = re.compile(r"^expect:\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Conversation:
    """The user's turns, oldest first; a later turn may correct an earlier one."""

    turns: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.turns:
            raise SpecError("the spec has no turns; write at least one '## turn 1' message")
        for number, turn in enumerate(self.turns, start=1):
            if not turn.strip():
                raise SpecError(f"turn {number} of the spec is empty; write the message or drop it")

    @classmethod
    def of(cls, *turns: str) -> Conversation:
        """A conversation from plain strings, mainly for tests and the API."""
        return cls(tuple(turn.strip() for turn in turns))


def read_spec(path: Path) -> Conversation:
    """Read a spec file into a conversation, without its ``expect:`` block."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"spec file {path} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read spec {path}: {error}") from None

    return parse_spec(text, source=str(path))


def parse_spec(text: str, source: str = "spec") -> Conversation:
    """Split spec text into turns; a file without headings is a single turn."""
    expect = _EXPECT_BLOCK.search(text)
    if expect:
        text = text[: expect.start()]

    preamble, *pieces = _TURN_HEADING.split(text)
    if not pieces:
        pieces = [preamble]
    elif preamble.strip():
        raise SpecError(f"{source} has text before '## turn 1'; move it into a turn")

    turns = tuple(piece.strip() for piece in pieces)
    if not any(turns):
        raise SpecError(f"{source} has no message text; write at least one '## turn 1' message")
    for number, turn in enumerate(turns, start=1):
        if not turn:
            raise SpecError(f"turn {number} of {source} is empty; write the message or drop it")
    return Conversation(turns)


def spec_text(conversation: Conversation) -> str:
    """The conversation as spec text, one ``## turn N`` heading per message."""
    return (
        "\n\n".join(
            f"## turn {number}\n{turn}" for number, turn in enumerate(conversation.turns, start=1)
        )
        + "\n"
    )


def write_spec(conversation: Conversation, path: Path) -> None:
    """Keep the conversation an app was planned from, so a later chat can continue it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(spec_text(conversation), encoding="utf-8")
