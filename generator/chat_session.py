"""The interactive ``bookwright chat``: describe the business one message at a time.

After every message the whole conversation is planned again, so a later message always wins
over an earlier one ("actually make the hold 15 minutes") and the manifest shown is exactly what
``/done`` would write. A message the planner cannot use is dropped with a clear reason; the
conversation before it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from generator.agent import PlanOutcome, plan
from generator.agent.conversation import Conversation
from generator.errors import UserError
from generator.manifest.io import write_manifest
from generator.present import show_plan
from generator.render import render_app

DEFAULT_OUT = Path("bookwright-app")
COMMANDS = "commands: /show (the manifest so far), /done (write manifest.yaml and the app), /quit"
HELP = (
    "Describe your booking business in plain words, over as many messages as you like.\n"
    f"{COMMANDS}."
)


def run_chat(
    console: Console,
    *,
    model: str = "offline",
    out_dir: Path | None = None,
    ask: Callable[[str], str] | None = None,
) -> PlanOutcome | None:
    """Run the chat loop until /done or /quit; returns the last plan, if any."""
    prompt = ask or console.input
    turns: list[str] = []
    outcome: PlanOutcome | None = None
    console.print(HELP)

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
            if outcome is None:
                console.print("Nothing to write yet: describe your business first.")
                continue
            _write(console, outcome, out_dir or DEFAULT_OUT)
            return outcome
        elif message.startswith("/"):
            console.print(f"unknown command {message.split()[0]!r}; {COMMANDS}", highlight=False)
        elif message:
            outcome = _plan_with(console, turns, message, model) or outcome


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


def _write(console: Console, outcome: PlanOutcome, out_dir: Path) -> None:
    report = render_app(outcome.manifest, out_dir)
    write_manifest(outcome.manifest, out_dir / "manifest.yaml")
    console.print(f"[green]wrote[/] {out_dir / 'manifest.yaml'} and the app ({report.summary()})")
