"""``bookwright changes ...``: thin typer commands over :class:`~generator.gates.gates.Gates`.

Mounted by the root CLI with ``app.add_typer(changes_app, name="changes")``; refusals are
``GateRefused`` errors, which the root handler prints in red with exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Column, Table

from generator.errors import UserError
from generator.gates.changeset import ChangeSet
from generator.gates.environments import Environment
from generator.gates.gates import ChangeStatus, Gates, required_approvals
from generator.gates.risk import Risk

changes_app = typer.Typer(
    help="Change sets: propose, approve, promote through dev -> staging -> prod.",
    no_args_is_help=True,
)
console = Console()
StoreOption = Annotated[
    Path | None, typer.Option("--store", help="gates.db to use (default BOOKWRIGHT_HOME).")
]
ByOption = Annotated[str, typer.Option("--by", help="Your id, recorded with the action.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why; recorded and signed.")]


def _environment(name: str) -> Environment:
    # Parsed here rather than by click, so a wrong name is a plain user error (exit 2).
    try:
        return Environment(name)
    except ValueError:
        choices = ", ".join(env.value for env in Environment)
        raise UserError(f"unknown environment {name!r}; use one of {choices}") from None


def _risk(risk: Risk) -> str:
    return "[bold red]high[/]" if risk is Risk.HIGH else "[green]low[/]"


def _short(value: Any) -> str:
    text = "-" if value is None else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _show_change(change: ChangeSet, status: ChangeStatus, *, diff: bool) -> None:
    console.print(
        f"[bold]{change.id}[/] by {change.requested_by} at {change.created_at}  "
        f"risk {_risk(change.risk)}  state [bold]{status.state}[/]",
        highlight=False,
    )
    console.print(f"app: {change.app}", highlight=False)
    table = Table(Column("field", no_wrap=True), "old", "new", "risk", "why")
    for item, finding in zip(change.changes, change.findings, strict=True):
        table.add_row(
            escape(item.path),
            escape(_short(item.old)),
            escape(_short(item.new)),
            _risk(finding.risk),
            escape(finding.reason),
        )
    console.print(table)
    for env in (Environment.STAGING, Environment.PROD):
        have = status.approvals.get(env, [])
        console.print(
            f"{env}: {len(have)}/{required_approvals(change.risk, env)} approval(s)"
            f"{' by ' + ', '.join(have) if have else ''}",
            highlight=False,
        )
    if diff:
        console.print(
            Syntax(change.file_diff or "(no rendered file changes)\n", "diff", word_wrap=True)
        )
    else:
        files = change.file_diff.count("\n+++ ") + change.file_diff.startswith("+++ ")
        console.print(f"rendered files changed: {files} (show --diff for the diff)")


@changes_app.command("admin-add")
def admin_add(
    admin_id: str,
    sponsor: Annotated[
        str | None,
        typer.Option("--sponsor", help="An existing platform admin who signs the addition."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create a platform admin's Ed25519 key pair and register the public key.

    The first admin needs no sponsor; every later one is signed in by an existing admin.
    """
    public = Gates(store).add_admin(admin_id, sponsor=sponsor)
    console.print(f"[green]platform admin[/] {admin_id} public key {public}", highlight=False)


@changes_app.command("propose")
def propose(
    manifest: Annotated[Path, typer.Option("--manifest", help="The proposed manifest.yaml.")],
    app_dir: Annotated[Path, typer.Option("--app", help="Folder with the app's manifest.yaml.")],
    by: ByOption,
    store: StoreOption = None,
) -> None:
    """Create a change set from the app's manifest to MANIFEST and apply it to dev."""
    gates = Gates(store)
    change = gates.propose(manifest, app_dir, by)
    _show_change(change, gates.status(change.id), diff=False)
    console.print(f"[green]proposed[/] {change.id}; applied to dev", highlight=False)


@changes_app.command("upgrade")
def upgrade(
    app_dir: Annotated[Path, typer.Option("--app", help="Folder with the app's manifest.yaml.")],
    by: ByOption,
    store: StoreOption = None,
) -> None:
    """Propose today's templates for the manifest dev runs (a template upgrade; high risk)."""
    gates = Gates(store)
    change = gates.propose(None, app_dir, by)
    _show_change(change, gates.status(change.id), diff=False)
    console.print(f"[green]proposed[/] {change.id}; applied to dev", highlight=False)


@changes_app.command("list")
def list_changes(store: StoreOption = None) -> None:
    """Every change set with its risk and state."""
    table = Table("id", "by", "risk", "state", "changes")
    for status in Gates(store).list_changes():
        change = status.change_set
        table.add_row(
            change.id, change.requested_by, _risk(change.risk), status.state,
            str(len(change.changes)),
        )  # fmt: skip
    console.print(table)


@changes_app.command("show")
def show(
    change_id: str,
    store: StoreOption = None,
    diff: Annotated[bool, typer.Option("--diff", help="Show the rendered file diff.")] = False,
) -> None:
    """One change set: its field changes, risk, approvals and history."""
    gates = Gates(store)
    status = gates.status(change_id)
    _show_change(status.change_set, status, diff=diff)
    table = Table("seq", "at", "event", "env", "who", "reason")
    for entry in gates.history(change_id):
        reason = entry["payload"].get("statement", {}).get("reason", "")
        table.add_row(
            str(entry["seq"]), entry["at"], entry["kind"], entry["environment"], entry["actor"],
            escape(reason),
        )  # fmt: skip
    console.print(table)


@changes_app.command("approve")
def approve(
    change_id: str,
    by: ByOption,
    reason: ReasonOption,
    for_env: Annotated[
        str | None, typer.Option("--for", help="staging or prod (default: the next one).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Sign and record your approval (as a platform admin) for the next environment."""
    signed = Gates(store).approve(
        change_id, by=by, reason=reason, environment=_environment(for_env) if for_env else None
    )
    console.print(
        f"[green]approved[/] {change_id} for {signed.statement['environment']} by {by} "
        f"(signature {signed.signature[:16]}...)",
        highlight=False,
    )


@changes_app.command("reject")
def reject(change_id: str, by: ByOption, reason: ReasonOption, store: StoreOption = None) -> None:
    """Sign and record a rejection; the change set goes no further."""
    Gates(store).reject(change_id, by=by, reason=reason)
    console.print(f"[yellow]rejected[/] {change_id} by {by}", highlight=False)


@changes_app.command("promote")
def promote(
    change_id: str,
    to: Annotated[str, typer.Option("--to", help="staging or prod.")],
    store: StoreOption = None,
) -> None:
    """Apply a change set to staging or prod once it has the approvals it needs."""
    path = Gates(store).promote(change_id, _environment(to))
    console.print(f"[green]promoted[/] {change_id} to {to}: {path}", highlight=False)


@changes_app.command("verify")
def verify(store: StoreOption = None) -> None:
    """Check the log's hash chain and every approval signature; exit 1 when anything fails."""
    outcome = Gates(store).verify()
    if outcome.ok:
        console.print(
            f"[green]gate log intact:[/] {outcome.rows} rows, {outcome.signatures} signatures"
        )
        return
    for problem in outcome.problems:
        console.print(f"[bold red]tampered:[/] {problem}", highlight=False)
    raise typer.Exit(1)
