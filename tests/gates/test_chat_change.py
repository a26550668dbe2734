"""A change from chat: the app's conversation continues and /done proposes a change set."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console

from generator.agent.conversation import read_spec
from generator.chat_session import run_change_chat
from generator.errors import GateRefused, UserError
from generator.gates import Environment, Gates, Risk
from generator.gates.environments import conversation_path, deployed_manifest
from tests.conftest import EXAMPLES


def _asker(*messages: str) -> Callable[[str], str]:
    pending: Iterator[str] = iter(messages)
    return lambda _prompt: next(pending)


@pytest.fixture
def fitness_app(tmp_path: Path) -> Path:
    """A copy of the fitness example: its manifest and the conversation it was planned from."""
    folder = tmp_path / "fitness"
    folder.mkdir()
    for name in ("manifest.yaml", "spec.md"):
        shutil.copy(EXAMPLES / "fitness" / name, folder / name)
    return folder


def test_a_chat_that_raises_the_staff_refund_cap_becomes_a_high_risk_change_set(
    gates: Gates, fitness_app: Path
) -> None:
    console = Console(file=io.StringIO(), width=120)

    run_change_chat(
        console, fitness_app, by="dee", gates=gates,
        ask=_asker("Staff can now refund up to $80 per refund.", "/done"),
    )  # fmt: skip

    [status] = gates.list_changes()
    change = status.change_set
    assert change.requested_by == "dee" and change.risk is Risk.HIGH
    assert [(c.path, c.old, c.new) for c in change.changes] == [
        ("roles[staff].refund_cap.amount_minor", 5000, 8000)
    ]
    dev = deployed_manifest(fitness_app, Environment.DEV)
    assert dev is not None and dev.role("staff").refund_cap.amount_minor == 8000  # type: ignore[union-attr]
    assert deployed_manifest(fitness_app, Environment.PROD) is None
    kept = read_spec(conversation_path(fitness_app, Environment.DEV)).turns
    assert kept[-1] == "Staff can now refund up to $80 per refund."
    assert len(kept) == len(read_spec(fitness_app / "spec.md").turns) + 1

    # The requester cannot approve it, and prod needs two other admins.
    with pytest.raises(GateRefused):
        gates.approve(change.id, by="dee", reason="mine")
    gates.approve(change.id, by="ana", reason="ok")
    gates.promote(change.id, Environment.STAGING)
    gates.approve(change.id, by="ana", reason="ok in staging")
    with pytest.raises(GateRefused, match="needs 2 approval"):
        gates.promote(change.id, Environment.PROD)
    gates.approve(change.id, by="bo", reason="second pair of eyes")
    gates.promote(change.id, Environment.PROD)
    assert gates.verify().ok


def test_the_next_chat_continues_from_what_dev_runs(gates: Gates, fitness_app: Path) -> None:
    console = Console(file=io.StringIO(), width=120)
    ask = _asker("Staff can now refund up to $80 per refund.", "/done")
    run_change_chat(console, fitness_app, by="dee", gates=gates, ask=ask)

    ask = _asker("The hold should last 15 minutes.", "/done")
    run_change_chat(console, fitness_app, by="dee", gates=gates, ask=ask)

    second = gates.list_changes()[-1].change_set
    assert [c.path for c in second.changes] == ["booking.hold_minutes"]


def test_done_without_a_new_message_proposes_nothing(gates: Gates, fitness_app: Path) -> None:
    output = io.StringIO()

    run_change_chat(
        Console(file=output, width=120), fitness_app, by="dee", gates=gates,
        ask=_asker("/done", "/quit"),
    )  # fmt: skip

    assert gates.list_changes() == []
    assert "Nothing to write yet" in output.getvalue()


def test_an_app_without_a_conversation_is_refused_clearly(gates: Gates, tmp_path: Path) -> None:
    folder = tmp_path / "hand-made"
    folder.mkdir()
    shutil.copy(EXAMPLES / "fitness" / "manifest.yaml", folder / "manifest.yaml")

    with pytest.raises(UserError, match=r"no spec\.md.*changes propose"):
        run_change_chat(Console(file=io.StringIO()), folder, by="dee", gates=gates, ask=_asker())


def test_chat_app_over_the_cli_proposes_and_lists_the_change(
    fitness_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from generator.cli import app

    monkeypatch.setenv("BOOKWRIGHT_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    message = "Staff can now refund up to $80 per refund.\n/done\n"

    wrong = runner.invoke(app, ["chat", "--by", "dee"])
    both = runner.invoke(app, ["chat", "--app", str(fitness_app), "--out", str(tmp_path / "x")])
    chatted = runner.invoke(app, ["chat", "--app", str(fitness_app), "--by", "dee"], input=message)
    listed = runner.invoke(app, ["changes", "list"])

    assert wrong.exit_code == 2 and "go with --app" in wrong.output
    assert both.exit_code == 2 and "exclude each other" in both.output
    assert chatted.exit_code == 0, chatted.output
    assert "proposed cs-1 (high risk" in " ".join(chatted.output.split())
    assert "dee" in listed.output and "high" in listed.output
