"""The interactive ``bookwright chat``: describe the business one message at a time.

After every message the whole conversation is planned again, so a later message always wins
over an earlier one ("actually make the hold 15 minutes") and the manifest shown is exactly what
``/done`` would write. A message the planner cannot use is dropped with a clear reason; the
conversation before it is kept.

``bookwright chat --app DIR`` continues the conversation an existing app was planned from. Its
``/done`` never touches the app: the new manifest becomes a change set, applied to dev and
waiting for platform admins before staging and prod (:mod:`generator.gates`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from generator.agent import PlanOutcome, plan
from generator.agent.conversation import Conversation, read_spec, write_spec
from generator.errors import UserError
from generator.gates import Gates
from generator.gates.environments import Environment, conversation_path
from generator.manifest.io import write_manifest
from generator.present import show_plan
from generator.render import render_app

DEFAULT_OUT = Path("bookwright-app")
SPEC_FILE = "spec.md"
COMMANDS = "commands: /show (the manifest so far), /done (write manifest.yaml and the app), /quit"
CHANGE_COMMANDS = "commands: /show (the manifest so far), /done (propose the change set), /quit"
HELP = (
    "Describe your booking business in plain words, over as many messages as you like.\n"
    f"{COMMANDS}."
)
Finish = Callable[[PlanOutcome, tuple[str, ...]], None]


def run_chat(
    console: Console,
    *,
    model: str = "offline",
    out_dir: Path | None = None,
    ask: Callable[[str], str] | None = None,
) -> PlanOutcome | None:
    """Run the chat loop until /done or /quit; returns the last plan, if any."""
    console.print(HELP)

    def finish(outcome: PlanOutcome, turns: tuple[str, ...]) -> None:
        _write(console, outcome, turns, out_dir or DEFAULT_OUT)

    return _converse(
        console,
        [],
        outcome=None,
        model=model,
        prompt=ask or console.input,
        finish=finish,
        commands=COMMANDS,
    )


def run_change_chat(
    console: Console,
    app_dir: Path,
    *,
    by: str,
    gates: Gates,
    model: str = "offline",
    ask: Callable[[str], str] | None = None,
) -> PlanOutcome | None:
    """Continue the conversation dev runs for ``app_dir``; /done proposes a change set."""
    if not by.strip():
        raise UserError("--by must name who asks for the change; it is recorded")
    turns = list(_conversation_of(app_dir).turns)
    console.print(
        f"Continuing the conversation of {app_dir} ({len(turns)} earlier message(s)). Say what "
        f"should change; /done proposes it for approval.\n{CHANGE_COMMANDS}.",
        highlight=False,
    )

    def finish(outcome: PlanOutcome, all_turns: tuple[str, ...]) -> None:
        change = gates.propose(outcome.manifest.model_dump(mode="json"), app_dir, by)
        write_spec(Conversation(all_turns), conversation_path(app_dir, Environment.DEV))
        console.print(
            f"[green]proposed[/] {change.id} ({change.risk} risk, {len(change.changes)} "
            f"change(s)); applied to dev. `bookwright changes show {change.id}` shows it.",
            highlight=False,
        )

    return _converse(
        console,
        turns,
        outcome=None,
        model=model,
        prompt=ask or console.input,
        finish=finish,
        commands=CHANGE_COMMANDS,
    )


def _conversation_of(app_dir: Path) -> Conversation:
    """What dev was planned from: its own conversation, else the app's ``spec.md``."""
    for path in (conversation_path(app_dir, Environment.DEV), app_dir / SPEC_FILE):
        if path.is_file():
            return read_spec(path)
    raise UserError(
        f"{app_dir} has no {SPEC_FILE}, so there is no conversation to continue; apps made by "
        "`bookwright new` or `chat` keep one. For a hand-edited manifest use "
        "`bookwright changes propose`."
    )


def _converse(
    console: Console,
    turns: list[str],
    *,
    outcome: PlanOutcome | None,
    model: str,
    prompt: Callable[[str], str],
    finish: Finish,
    commands: str,
) -> PlanOutcome | None:
    new_messages = 0
    while True:
        try:
            message = prompt("[bold cyan]you>[/] ").strip()
        except EOFError:
            message = "/quit"

        if message in {"/quit", "/exit"}:
            return outcome
        if message == "/show":
            _show(console, outcome)
        elif message == "/done":
            if outcome is None or not new_messages:
                console.print("Nothing to write yet: describe your business first.")
                continue
            finish(outcome, tuple(turns))
            return outcome
        elif message.startswith("/"):
            console.print(f"unknown command {message.split()[0]!r}; {commands}", highlight=False)
        elif message:
            planned = _plan_with(console, turns, message, model)
            if planned is not None:
                outcome, new_messages = planned, new_messages + 1


def _plan_with(console: Console, turns: list[str], message: str, model: str) -> PlanOutcome | None:
    try:
        outcome = plan(Conversation(tuple([*turns, message])), model=model)
    except UserError as error:
        console.print(f"[bold red]not used:[/] {error}", highlight=False)
        return None

    turns.append(message)
    show_plan(console, outcome)
    return outcome


def _show(console: Console, outcome: PlanOutcome | None) -> None:
    if outcome is None:
        console.print("No manifest yet.")
    else:
        show_plan(console, outcome)


def _write(console: Console, outcome: PlanOutcome, turns: tuple[str, ...], out_dir: Path) -> None:
    report = render_app(outcome.manifest, out_dir)
    write_manifest(outcome.manifest, out_dir / "manifest.yaml")
    write_spec(Conversation(turns), out_dir / SPEC_FILE)
    console.print(f"[green]wrote[/] {out_dir / 'manifest.yaml'} and the app ({report.summary()})")
