"""How a plan looks in the terminal: the manifest as tables, then assumptions and questions.

People approve what they can read, so every role's permissions and limits are spelled out,
and every value Bookwright chose on its own is listed as an assumption they can correct.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from generator.agent import PlanOutcome
from generator.manifest.model import Manifest
from generator.manifest.money import format_minor


def show_plan(console: Console, outcome: PlanOutcome) -> None:
    """Print the manifest, the assumptions made and the questions still open."""
    show_manifest(console, outcome.manifest)

    if outcome.assumptions:
        console.print("[bold]Assumptions[/] (say otherwise to change them):")
        for assumption in outcome.assumptions:
            console.print(
                f"  - {assumption.field} = {assumption.value}: {assumption.reason}",
                highlight=False,
            )

    if outcome.questions:
        console.print("[bold]Questions[/]:")
        for question in outcome.questions:
            console.print(f"  ? {question}", highlight=False)


def show_manifest(console: Console, manifest: Manifest) -> None:
    """The manifest as a few readable tables."""
    rules = manifest.booking
    console.print(
        f"[bold]{manifest.tenant.name}[/] ({manifest.currency}); payments: "
        f"{manifest.payments.provider.value}; hold {rules.hold_minutes} min",
        highlight=False,
    )
    console.print(_locations(manifest))
    console.print(_offerings(manifest))
    console.print(_roles(manifest))


def _locations(manifest: Manifest) -> Table:
    table = Table(title="Locations", title_justify="left")
    for column in ("id", "name", "time zone", "opening hours"):
        table.add_column(column)
    for location in manifest.locations:
        hours = location.opening_hours
        shown = f"{hours.opens:%H:%M}-{hours.closes:%H:%M}" if hours else "-"
        table.add_row(location.id, location.name, location.timezone, shown)
    return table


def _offerings(manifest: Manifest) -> Table:
    table = Table(title="Offerings", title_justify="left")
    for column in ("id", "kind", "minutes", "capacity", "quantity", "price"):
        table.add_column(column)
    for offering in manifest.offerings:
        price = offering.price
        shown = format_minor(price.amount_minor, price.currency) if price else "not set"
        if price and offering.price_unit.value == "per_hour":
            shown += " / hour"
        table.add_row(
            offering.id,
            offering.kind.value,
            ", ".join(str(minutes) for minutes in offering.durations_minutes),
            str(offering.capacity),
            str(offering.quantity),
            shown,
        )
    return table


def _roles(manifest: Manifest) -> Table:
    table = Table(title="Roles", title_justify="left")
    for column in ("role", "kind", "scope", "permissions", "limits", "sign-in"):
        table.add_column(column)
    for role in manifest.roles:
        limits = []
        if role.refund_cap:
            limits.append(
                f"refund <= {format_minor(role.refund_cap.amount_minor, manifest.currency)}"
            )
        if role.step_up_for:
            limits.append("step-up: " + ", ".join(p.value for p in role.step_up_for))
        if role.booking_horizon_days:
            limits.append(f"books {role.booking_horizon_days} days ahead")
        if role.allowance:
            limits.append(f"{role.allowance.hours} free hours / {role.allowance.period}")
        table.add_row(
            role.name,
            role.kind.value,
            role.scope.value,
            ", ".join(p.value for p in role.permissions) or "(none)",
            "; ".join(limits) or "-",
            ", ".join(m.value for m in role.sign_in),
        )
    return table
