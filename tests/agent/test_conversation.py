"""Spec files become conversations; the answer key and empty input never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.agent import Conversation, parse_spec, read_spec
from generator.errors import SpecError
from tests.agent.conftest import SPECS


def test_turns_are_read_in_order_without_the_expect_block() -> None:
    """The ``expect:`` facts are for tests, so the agent must never see them."""
    conversation = read_spec(SPECS / "yoga-corrections.md")

    assert len(conversation.turns) == 3
    assert conversation.turns[1].startswith("actually make the hold 15 minutes")
    assert not any("expect" in turn or "later turn wins" in turn for turn in conversation.turns)


def test_a_file_without_headings_is_one_turn() -> None:
    """A plain paragraph is a one-message conversation."""
    assert parse_spec("We rent kayaks.\n").turns == ("We rent kayaks.",)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no message text"),
        ("## turn 1\n\n", "no message text"),
        ("## turn 1\nhello\n## turn 2\n   \n", "turn 2"),
        ("## turn 1\n\nexpect:\n- something\n", "no message text"),
        ("intro\n## turn 1\nhello\n", "before '## turn 1'"),
    ],
)
def test_unusable_specs_raise_a_spec_error(text: str, words: str) -> None:
    """Empty specs and empty turns are named precisely, never planned from."""
    with pytest.raises(SpecError, match=words):
        parse_spec(text)


def test_a_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    """The message names the path so the user can fix it."""
    with pytest.raises(SpecError, match="does not exist"):
        read_spec(tmp_path / "nope.md")


def test_a_conversation_refuses_blank_turns() -> None:
    """Whoever builds one in code gets the same rule as a spec file."""
    with pytest.raises(SpecError):
        Conversation(())
    with pytest.raises(SpecError, match="turn 2"):
        Conversation.of("hello", "  ")
