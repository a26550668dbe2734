"""``bookwright quarantine ...`` and ``bookwright trace verify``: thin typer commands.

The lead mounts them with ``app.add_typer(quarantine_app, name="quarantine")`` and
``app.add_typer(trace_app, name="trace")``; each command is one library call, and our errors
reach the CLI's single error handler unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from generator.errors import TraceTampered, UserError
from generator.guard.quarantine import QuarantineEntry, QuarantineStore
from generator.guard.traces import verify_traces

quarantine_app = typer.Typer(help="Review inputs the guard held back.", no_args_is_help=True)
trace_app = typer.Typer(help="Inspect the guard's trace store.", no_args_is_help=True)
console = Console()
StorePath = Annotated[Path | None, typer.Option("--store", help="quarantine.db to use")]
Admin = Annotated[
    str, typer.Option("--admin", help="your platform admin id (`bookwright changes admin-add`)")
]
Reason = Annotated[str, typer.Option("--reason", help="why; signed and kept in the gate log")]
GatesStore = Annotated[
    Path | None, typer.Option("--gates-store", help="gates.db to use (default BOOKWRIGHT_HOME)")
]


@trace_app.callback()
def _trace_group() -> None:
    """Keep ``verify`` a sub-command even while it is the only one."""


def _existing(store: Path | None) -> Path | None:
    """An explicitly named store must exist: a typo must not pass as an empty, intact store."""
    if store is not None and not store.is_file():
        raise UserError(f"no store at {store}; check the path (--store)")
    return store


def _describe(entry: QuarantineEntry) -> None:
    console.print(
        f"[bold]{entry.id}[/] {entry.status} {entry.created_at:%Y-%m-%d %H:%M} "
        f"user={entry.user_id} tenant={entry.tenant_id} vector={entry.vector} "
        f"score={entry.score:.2f}",
        highlight=False,
    )
    for reason in entry.reasons:
        console.print(f"  - {reason}", highlight=False)


@quarantine_app.command("list")
def list_entries(
    store: StorePath = None,
    all_: Annotated[bool, typer.Option("--all", help="include decided entries")] = False,
) -> None:
    """List held inputs (oldest first)."""
    for entry in QuarantineStore(_existing(store)).list(status=None if all_ else "held"):
        _describe(entry)


@quarantine_app.command("show")
def show(entry_id: str, store: StorePath = None) -> None:
    """Show one entry with its scrubbed text."""
    entry = QuarantineStore(_existing(store)).show(entry_id)
    _describe(entry)
    console.print(entry.text, markup=False, highlight=False)


@quarantine_app.command("release")
def release(
    entry_id: str,
    admin: Admin,
    reason: Reason,
    store: StorePath = None,
    gates_store: GatesStore = None,
) -> None:
    """Release an input (signed by a platform admin); it passes screening when sent again."""
    entry = _decide(
        entry_id, "release", admin=admin, reason=reason, store=store, gates_store=gates_store
    )
    console.print(f"released {entry.id}; resume the chat with:", highlight=False)
    console.print(entry.text, markup=False, highlight=False)


@quarantine_app.command("reject")
def reject(
    entry_id: str,
    admin: Admin,
    reason: Reason,
    store: StorePath = None,
    gates_store: GatesStore = None,
) -> None:
    """Reject an input for good (signed by a platform admin)."""
    _decide(entry_id, "reject", admin=admin, reason=reason, store=store, gates_store=gates_store)
    console.print(f"rejected {entry_id}", highlight=False)


def _decide(
    entry_id: str,
    decision: Literal["release", "reject"],
    *,
    admin: str,
    reason: str,
    store: Path | None,
    gates_store: Path | None,
) -> QuarantineEntry:
    # Imported here: the gates import the manifest stack, which `quarantine list` never needs.
    from generator.gates import Gates

    quarantine = QuarantineStore(_existing(store))
    gates = Gates(gates_store)
    try:
        return gates.decide_quarantine(
            quarantine, entry_id, decision=decision, by=admin, reason=reason
        )
    finally:
        gates.close()
        quarantine.close()


@trace_app.command("verify")
def verify(store: Annotated[Path | None, typer.Option("--store")] = None) -> None:
    """Check the trace hash chain; exits non-zero when a row was edited or deleted."""
    outcome = verify_traces(_existing(store))
    if not outcome.ok:
        raise TraceTampered("; ".join(outcome.problems))
    console.print(f"trace chain intact ({outcome.rows} rows)", highlight=False)


@trace_app.command("export")
def export(
    store: Annotated[Path | None, typer.Option("--store")] = None,
    environment: Annotated[
        str | None, typer.Option("--environment", help="only this environment's entries")
    ] = None,
    for_training: Annotated[
        bool, typer.Option("--for-training", help="refuse if any production transcript is in it")
    ] = False,
) -> None:
    """Print scrubbed trace entries as JSON lines; production never goes out for training."""
    from generator.guard.traces import TraceStore

    trace_store = TraceStore(_existing(store))
    try:
        rows = trace_store.export(for_training=for_training, environment=environment)
    finally:
        trace_store.close()
    for row in rows:
        typer.echo(json.dumps(row, sort_keys=True, default=str))
