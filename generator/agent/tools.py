"""The allowlist of tools a model may use to edit the draft manifest.

Each tool has a strict argument model: unknown keys, out-of-range numbers, values outside
the enums and non-ASCII ids (a Cyrillic U+0430 posing as the "a" of "admin") are all refused.
A refused call changes nothing, is written to the tool log and goes back to the model as a
retry, so the draft always keeps its last safe value. Nothing outside :data:`ALLOWED_TOOLS`
is ever offered to a model; the guard checks calls against the same set independently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_ai import ModelRetry, RunContext, Tool

from generator.agent.draft import Draft, LocationDraft, OfferingDraft, RoleDraft, ToolLogEntry
from generator.manifest.model import (
    MAX_CANCELLATION_HOURS,
    MAX_DURATION_MINUTES,
    MAX_HOLD_MINUTES,
    MAX_HORIZON_DAYS,
    MIN_DURATION_MINUTES,
    AuditEvent,
    OfferingKind,
    PaymentProvider,
    Permission,
    PriceUnit,
    RoleKind,
    Scope,
    SecondFactor,
    SignInMethod,
    Weekday,
    slugify,
)
from generator.manifest.money import is_iso_currency

MAX_OFFERINGS = 200
MAX_ROLES = 30
MAX_LOCATIONS = 500
MAX_NOTES = 100

RoleSlug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="a role id")]
RoleName = Annotated[
    str,
    Field(
        pattern=r"^[A-Z][A-Za-z0-9 '&+-]{0,39}$",
        description="the business's own word for the role, title case, ASCII",
    ),
]
ItemName = Annotated[str, Field(pattern=r"^\w[\w '&+().,/-]{0,79}$", max_length=80)]
Note = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$")]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, 24h")]
Duration = Annotated[int, Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)]
MajorAmount = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=12, decimal_places=3)]


class Args(BaseModel):
    """Base of every argument model: no unknown keys, no coercion from odd types."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BusinessArgs(Args):
    """The tenant's display name."""

    name: ItemName


class CurrencyArgs(Args):
    """The ISO 4217 code every price and cap is in."""

    code: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class LocationArgs(Args):
    """A site and the IANA time zone its hours are read in."""

    name: ItemName
    timezone: Annotated[str, Field(pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$", max_length=64)]


class OpeningHoursArgs(Args):
    """Bookable hours, for one location or (location omitted) for all of them."""

    opens: Clock
    closes: Clock
    days: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    location: RoleSlug | None = None


class OfferingArgs(Args):
    """Something that can be booked; the price is in major units of the app currency."""

    name: ItemName
    kind: OfferingKind
    durations_minutes: list[Duration] = Field(min_length=1, max_length=12)
    capacity: int = Field(ge=1, le=10_000)
    quantity: int = Field(default=1, ge=1, le=1_000)
    resource_name: ItemName | None = None
    staff_required: bool = False
    price: MajorAmount | None = None
    price_unit: PriceUnit = PriceUnit.PER_BOOKING


class HoldArgs(Args):
    """How long a slot is held while the customer pays."""

    minutes: int = Field(ge=1, le=MAX_HOLD_MINUTES)


class CancellationArgs(Args):
    """Free cancellation until this many hours before the start."""

    free_until_hours_before: int = Field(ge=0, le=MAX_CANCELLATION_HOURS)


class DepositArgs(Args):
    """Percent of the price taken at booking; omit to take no deposit."""

    percent: int | None = Field(default=None, ge=1, le=100)


class HorizonArgs(Args):
    """How far ahead bookings open, for one role or (role omitted) for everyone."""

    days: int = Field(ge=1, le=MAX_HORIZON_DAYS)
    role: RoleSlug | None = None


class RoleArgs(Args):
    """A kind of user; adding an existing role updates its kind and scope."""

    name: RoleName
    kind: RoleKind
    scope: Scope


class PermissionsArgs(Args):
    """Permissions from the fixed catalogue, for one role."""

    role: RoleSlug
    permissions: list[Permission] = Field(min_length=1, max_length=len(Permission))


class RefundCapArgs(Args):
    """The most one refund by this role may return, in major units of the app currency."""

    role: RoleSlug
    amount: MajorAmount


class StepUpArgs(Args):
    """Actions that need a fresh second factor, and the factors the role may use."""

    role: RoleSlug
    permissions: list[Permission] = Field(default_factory=list, max_length=len(Permission))
    second_factors: list[SecondFactor] = Field(
        default_factory=lambda: [SecondFactor.TOTP], min_length=1, max_length=3
    )


class SignInArgs(Args):
    """How a role signs in."""

    role: RoleSlug
    methods: list[SignInMethod] = Field(min_length=1, max_length=5)


class ProviderArgs(Args):
    """Who takes payments; credentials are always the provider's vault reference."""

    provider: PaymentProvider


class DataScopeArgs(Args):
    """Whether rows are also isolated by location (they always are by tenant)."""

    location: bool


class AuditArgs(Args):
    """The events the audit trail records."""

    events: list[AuditEvent] = Field(min_length=1, max_length=len(AuditEvent))


class AllowanceArgs(Args):
    """Free hours a role gets per period before it pays."""

    role: RoleSlug
    hours: int = Field(ge=1, le=744)
    period: Literal["week", "month"] = "month"


class AssumptionArgs(Args):
    """A value chosen without the user saying so, to be shown to them."""

    field: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z_][a-z0-9_.\[\]]*$")]
    value: Annotated[str, Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
    reason: Note


class QuestionArgs(Args):
    """Something only the user can answer."""

    question: Note


class ToolRefused(Exception):
    """A tool call that is well-formed but breaks a rule of the draft; nothing was changed."""


def _set_business(draft: Draft, args: BusinessArgs) -> str:
    draft.tenant_name = args.name
    return f"tenant name set to {args.name!r}"


def _set_currency(draft: Draft, args: CurrencyArgs) -> str:
    if not is_iso_currency(args.code):
        raise ToolRefused(f"{args.code!r} is not an ISO 4217 code; use e.g. 'USD' or 'EUR'")
    draft.currency = args.code
    return f"currency set to {args.code}"


def _add_location(draft: Draft, args: LocationArgs) -> str:
    import zoneinfo

    if args.timezone not in zoneinfo.available_timezones():
        raise ToolRefused(f"unknown IANA time zone {args.timezone!r}; use e.g. 'Europe/Paris'")
    key = slugify(args.name)
    if key not in draft.locations and len(draft.locations) >= MAX_LOCATIONS:
        raise ToolRefused(f"at most {MAX_LOCATIONS} locations")
    draft.locations[key] = LocationDraft(args.name, args.timezone)
    return f"location {key!r} saved"


def _set_opening_hours(draft: Draft, args: OpeningHoursArgs) -> str:
    opens, closes = time.fromisoformat(args.opens), time.fromisoformat(args.closes)
    if opens >= closes:
        raise ToolRefused("opens must be earlier than closes (overnight hours are not supported)")
    if args.location is not None and args.location not in draft.locations:
        raise ToolRefused(f"unknown location {args.location!r}; add it first")
    if not draft.locations:
        raise ToolRefused("add a location before its opening hours")

    targets = [args.location] if args.location else list(draft.locations)
    for key in targets:
        location = draft.locations[key]
        location.opens, location.closes = opens, closes
        location.days = list(args.days or [])
    return f"opening hours set for {', '.join(targets)}"


def _add_offering(draft: Draft, args: OfferingArgs) -> str:
    key = slugify(args.name)
    if key not in draft.offerings and len(draft.offerings) >= MAX_OFFERINGS:
        raise ToolRefused(f"at most {MAX_OFFERINGS} offerings; group similar ones into one")
    draft.offerings[key] = OfferingDraft(
        name=args.name,
        kind=args.kind,
        durations_minutes=list(args.durations_minutes),
        capacity=args.capacity,
        quantity=args.quantity,
        resource_name=args.resource_name,
        staff_required=args.staff_required,
        price=args.price,
        price_unit=args.price_unit,
    )
    return f"offering {key!r} saved"


def _set_hold_minutes(draft: Draft, args: HoldArgs) -> str:
    draft.hold_minutes = args.minutes
    return f"hold set to {args.minutes} minutes"


def _set_cancellation(draft: Draft, args: CancellationArgs) -> str:
    draft.cancellation_hours = args.free_until_hours_before
    return "cancellation rule set"


def _set_deposit(draft: Draft, args: DepositArgs) -> str:
    draft.deposit_percent = args.percent
    return "deposit removed" if args.percent is None else f"deposit set to {args.percent}%"


def _set_booking_horizon(draft: Draft, args: HorizonArgs) -> str:
    if args.role is None:
        draft.horizon_days = args.days
        return f"default horizon set to {args.days} days"
    _role(draft, args.role).horizon_days = args.days
    return f"horizon of {args.role!r} set to {args.days} days"


def _add_role(draft: Draft, args: RoleArgs) -> str:
    key = slugify(args.name)
    existing = draft.roles.get(key)
    if existing is not None:
        existing.kind, existing.scope = args.kind, args.scope
        return f"role {key!r} updated"
    if len(draft.roles) >= MAX_ROLES:
        raise ToolRefused(f"at most {MAX_ROLES} roles")
    draft.roles[key] = RoleDraft(args.name, args.kind, args.scope)
    return f"role {key!r} added; refer to it as {key!r}"


def _grant_permissions(draft: Draft, args: PermissionsArgs) -> str:
    _role(draft, args.role).permissions |= set(args.permissions)
    return f"granted to {args.role!r}"


def _revoke_permissions(draft: Draft, args: PermissionsArgs) -> str:
    role = _role(draft, args.role)
    role.permissions -= set(args.permissions)
    role.step_up_for -= set(args.permissions)
    if Permission.REFUND not in role.permissions:
        role.refund_cap = None
    return f"revoked from {args.role!r}"


def _set_refund_cap(draft: Draft, args: RefundCapArgs) -> str:
    role = _role(draft, args.role)
    if Permission.REFUND not in role.permissions:
        raise ToolRefused(f"role {args.role!r} may not refund; grant 'refund' first")
    role.refund_cap = args.amount
    return f"refund cap of {args.role!r} set"


def _require_step_up(draft: Draft, args: StepUpArgs) -> str:
    role = _role(draft, args.role)
    missing = sorted(set(args.permissions) - role.permissions)
    if missing:
        raise ToolRefused(f"role {args.role!r} does not hold {', '.join(missing)}")
    if role.kind is RoleKind.ADMIN and SecondFactor.SMS_OTP in args.second_factors:
        raise ToolRefused("admin roles may not use SMS codes; use 'totp' or 'passkey'")
    role.step_up_for |= set(args.permissions)
    role.second_factors |= set(args.second_factors)
    return f"step-up set for {args.role!r}"


def _set_sign_in(draft: Draft, args: SignInArgs) -> str:
    role = _role(draft, args.role)
    if role.kind is RoleKind.ADMIN and SignInMethod.SMS_OTP in args.methods:
        raise ToolRefused("admin roles may not sign in with SMS codes; use passkeys")
    role.sign_in = set(args.methods)
    return f"sign-in of {args.role!r} set"


def _set_payment_provider(draft: Draft, args: ProviderArgs) -> str:
    draft.provider = args.provider
    return f"payment provider set to {args.provider.value}"


def _set_data_scope(draft: Draft, args: DataScopeArgs) -> str:
    draft.location_scoped = args.location
    return "data scope set"


def _set_audit_events(draft: Draft, args: AuditArgs) -> str:
    draft.audit_events = set(args.events)
    return "audit events set"


def _set_allowance(draft: Draft, args: AllowanceArgs) -> str:
    role = _role(draft, args.role)
    role.allowance_hours, role.allowance_period = args.hours, args.period
    return f"allowance of {args.role!r} set"


def _note_assumption(draft: Draft, args: AssumptionArgs) -> str:
    if len(draft.assumptions) >= MAX_NOTES:
        raise ToolRefused(f"at most {MAX_NOTES} assumptions")
    note = {"field": args.field, "value": args.value, "reason": args.reason}
    draft.assumptions = [item for item in draft.assumptions if item["field"] != args.field]
    draft.assumptions.append(note)
    return "assumption noted"


def _ask_question(draft: Draft, args: QuestionArgs) -> str:
    if args.question not in draft.questions:
        draft.questions.append(args.question)
    return "question noted"


def _role(draft: Draft, key: str) -> RoleDraft:
    role = draft.roles.get(key)
    if role is None:
        known = ", ".join(sorted(draft.roles)) or "none yet"
        raise ToolRefused(f"unknown role {key!r} (known: {known}); add_role first")
    return role


Apply = Callable[[Draft, Any], str]

_CATALOGUE: dict[str, tuple[type[Args], Apply, str]] = {
    "set_business": (BusinessArgs, _set_business, "Set the tenant's display name."),
    "set_currency": (CurrencyArgs, _set_currency, "Set the ISO 4217 currency of the app."),
    "add_location": (LocationArgs, _add_location, "Add a site with its IANA time zone."),
    "set_opening_hours": (OpeningHoursArgs, _set_opening_hours, "Set bookable hours."),
    "add_offering": (OfferingArgs, _add_offering, "Add or replace something bookable."),
    "set_hold_minutes": (HoldArgs, _set_hold_minutes, "Set how long a slot is held (max 60)."),
    "set_cancellation": (CancellationArgs, _set_cancellation, "Set the free cancellation rule."),
    "set_deposit": (DepositArgs, _set_deposit, "Set or remove the deposit percent."),
    "set_booking_horizon": (HorizonArgs, _set_booking_horizon, "Set how far ahead one books."),
    "add_role": (RoleArgs, _add_role, "Add or update a role; its id is the slug of its name."),
    "grant_permissions": (PermissionsArgs, _grant_permissions, "Grant permissions to a role."),
    "revoke_permissions": (PermissionsArgs, _revoke_permissions, "Take permissions away."),
    "set_refund_cap": (RefundCapArgs, _set_refund_cap, "Cap one refund by a non-admin role."),
    "require_step_up": (StepUpArgs, _require_step_up, "Require a second factor for actions."),
    "set_sign_in": (SignInArgs, _set_sign_in, "Set how a role signs in."),
    "set_payment_provider": (ProviderArgs, _set_payment_provider, "Choose the payment provider."),
    "set_data_scope": (DataScopeArgs, _set_data_scope, "Isolate rows by location too."),
    "set_audit_events": (AuditArgs, _set_audit_events, "Choose the audited events."),
    "set_allowance": (AllowanceArgs, _set_allowance, "Give a role free hours per period."),
    "note_assumption": (AssumptionArgs, _note_assumption, "Record a value the user did not give."),
    "ask_question": (QuestionArgs, _ask_question, "Record a question for the user."),
}

ALLOWED_TOOLS: frozenset[str] = frozenset(_CATALOGUE)
"""The only tool names a model may call; anything else is refused before it runs."""


def argument_model(name: str) -> type[Args]:
    """The strict argument model of an allowed tool (KeyError for anything else)."""
    return _CATALOGUE[name][0]


def _refusal(error: ValidationError) -> str:
    """Pydantic's errors without the input values, which may carry text we must not echo."""
    parts = []
    for item in error.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _make_tool(name: str, model: type[Args], apply: Apply, description: str) -> Tool[Draft]:
    def run(ctx: RunContext[Draft], **raw: Any) -> str:
        draft = ctx.deps
        try:
            args = model.model_validate(raw)
            message = apply(draft, args)
        except ValidationError as error:
            reason = _refusal(error)
        except ToolRefused as error:
            reason = str(error)
        else:
            draft.tool_log.append(ToolLogEntry(name, dict(raw), accepted=True))
            return message

        draft.tool_log.append(ToolLogEntry(name, dict(raw), accepted=False, reason=reason))
        raise ModelRetry(f"{name} refused, nothing changed: {reason}")

    # Schema checks are ours (inside ``run``) so that refusals are logged, not just retried.
    return Tool.from_schema(
        run,
        name=name,
        description=description,
        json_schema=model.model_json_schema(),
        takes_ctx=True,
        sequential=True,
    )


def build_tools() -> list[Tool[Draft]]:
    """One pydantic-ai tool per allowed name, each editing the run's draft."""
    return [_make_tool(name, *entry) for name, entry in _CATALOGUE.items()]
