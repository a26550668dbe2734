"""The app manifest: everything the renderer needs to know about one booking business.

The manifest is the contract between the chat (which drafts it) and the renderer (which turns it
into an app). Every model forbids unknown keys, so an invented field fails loudly, and every
number is bounded, so a manifest can never ask for an unlimited hold or refund. The policy
invariants that span several fields live in :mod:`generator.manifest.invariants`; the model
runs them after field validation so that no code can hold a ``Manifest`` that breaks them.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

MANIFEST_VERSION: Literal[1] = 1

MAX_HOLD_MINUTES = 60
"""A hold longer than an hour lets one person block a slot for everyone else."""

MAX_REFUND_CAP_MINOR = 1_000_000
"""The highest per-refund cap any non-admin role may have, in minor units (10,000.00)."""

MAX_PRICE_MINOR = 100_000_000
"""Prices above 1,000,000.00 are a typo, not a booking."""

MAX_HORIZON_DAYS = 365
MAX_DURATION_MINUTES = 24 * 60
MIN_DURATION_MINUTES = 5
MAX_CANCELLATION_HOURS = 30 * 24

SKIP_INVARIANTS = "skip_invariants"
"""Validation context key: build the model without the cross-field invariants (for reports)."""

WILDCARDS = frozenset({"*", "all", "any", "everything", "admin", "superuser"})

_SLUG = r"^[a-z][a-z0-9_]{0,39}$"
_NAME = (
    r"^[^\x00-\x1f\x7f\u2028\u2029\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    r"\U000e0000-\U000e007f]{1,80}$"
)
"""Display names: no control characters, and none of the invisible ones that make text read
differently from what it holds (zero-width spaces, bidi overrides as in CVE-2021-42574, tags)."""


class Permission(StrEnum):
    """The fixed catalogue of permissions. A role holds only what it lists (deny by default)."""

    BROWSE = "browse"
    HOLD = "hold"
    PAY = "pay"
    BOOK_ON_BEHALF = "book_on_behalf"
    VIEW_BOOKINGS = "view_bookings"
    CHECK_IN = "check_in"
    MARK_NO_SHOW = "mark_no_show"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    REFUND = "refund"
    MANAGE_PRICING = "manage_pricing"
    MANAGE_OFFERINGS = "manage_offerings"
    BLOCK_RESOURCES = "block_resources"
    VIEW_REPORTS = "view_reports"
    MANAGE_USERS = "manage_users"


class RoleKind(StrEnum):
    """What a role is to the business; admins are the only ones allowed unbounded powers."""

    CUSTOMER = "customer"
    STAFF = "staff"
    ADMIN = "admin"


class Scope(StrEnum):
    """Which bookings a role can see and act on, always inside its own tenant."""

    OWN = "own"
    LOCATION = "location"
    TENANT = "tenant"


class SignInMethod(StrEnum):
    """How a role proves who it is. ``sms_otp`` is never allowed for admin roles."""

    PASSWORD = "password"  # noqa: S105  (a sign-in method name, not a secret)
    PASSKEY = "passkey"
    OIDC = "oidc"
    MAGIC_LINK = "magic_link"
    SMS_OTP = "sms_otp"


class SecondFactor(StrEnum):
    """Factors accepted for MFA and step-up."""

    TOTP = "totp"
    PASSKEY = "passkey"
    SMS_OTP = "sms_otp"


class OfferingKind(StrEnum):
    """What is being booked."""

    CLASS = "class"
    APPOINTMENT = "appointment"
    ROOM = "room"
    COURT = "court"
    BAY = "bay"
    DESK = "desk"
    RESOURCE = "resource"


class PriceUnit(StrEnum):
    """What one price pays for."""

    PER_BOOKING = "per_booking"
    PER_HOUR = "per_hour"


class PaymentProvider(StrEnum):
    """Payment providers the app can talk to; ``none`` means people pay on site."""

    STRIPE = "stripe"
    ADYEN = "adyen"
    NONE = "none"


class AuditEvent(StrEnum):
    """Event kinds the app's audit trail records."""

    BOOKING = "booking"
    PAYMENT = "payment"
    REFUND = "refund"
    PERMISSION_CHANGE = "permission_change"
    PRICE_CHANGE = "price_change"
    CHECK_IN = "check_in"
    SIGN_IN = "sign_in"


class Weekday(StrEnum):
    """Days of the week, ISO order."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


def _valid_timezone(name: str) -> str:
    """Accept only IANA zone names the system database knows, so times can be evaluated."""
    if name not in zoneinfo.available_timezones():
        raise ValueError(f"unknown IANA time zone {name!r}; use a name like 'America/Chicago'")
    return name


def _valid_currency(code: str) -> str:
    """Accept only ISO 4217 codes, so amounts can be converted to the right minor unit."""
    from generator.manifest.money import is_iso_currency

    if not is_iso_currency(code):
        raise ValueError(f"{code!r} is not an ISO 4217 currency code; use e.g. 'USD', 'EUR'")
    return code


def _no_wildcards(value: Any) -> Any:
    """Reject wildcard grants before the enum check, with a message that explains why."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.strip().lower() in WILDCARDS:
                raise ValueError(
                    f"wildcard permission {item!r} is not allowed: permissions are deny by "
                    "default, list each one from the catalogue"
                )
    return value


def _sorted_unique(values: list[Any]) -> list[Any]:
    """Canonical order, so the same meaning always serialises to the same bytes."""
    return sorted(set(values))


def _week_order(days: list[Weekday]) -> list[Weekday]:
    """Days in calendar order (Monday first), each once."""
    week = list(Weekday)
    return sorted(set(days), key=week.index)


ClockTime = Annotated[
    time, PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str, when_used="json")
]
Slug = Annotated[str, Field(pattern=_SLUG, description="lowercase ASCII id")]
DisplayName = Annotated[str, Field(pattern=_NAME, min_length=1, max_length=80)]
Timezone = Annotated[str, AfterValidator(_valid_timezone)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$"), AfterValidator(_valid_currency)]
MinorAmount = Annotated[int, Field(ge=0, le=MAX_PRICE_MINOR, strict=True)]
Permissions = Annotated[
    list[Permission],
    BeforeValidator(_no_wildcards),
    AfterValidator(_sorted_unique),
    Field(max_length=len(Permission)),
]
VaultRef = Annotated[
    str,
    Field(
        pattern=r"^vault:[a-z0-9][a-z0-9/_.-]{0,100}$",
        description="a reference to a secret in the vault, never the secret itself",
    ),
]


class Strict(BaseModel):
    """Base for every manifest model: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Money(Strict):
    """An amount in integer minor units of an ISO 4217 currency (cents for USD)."""

    amount_minor: MinorAmount
    currency: Currency


class Tenant(Strict):
    """The brand that owns the app; every row of the app belongs to exactly one tenant."""

    id: Slug
    name: DisplayName


class OpeningHours(Strict):
    """When a location takes bookings, in its own local time."""

    opens: ClockTime
    closes: ClockTime
    days: Annotated[list[Weekday], AfterValidator(_week_order)] = Field(
        default_factory=lambda: list(Weekday), min_length=1, max_length=7
    )

    @model_validator(mode="after")
    def _opens_before_closes(self) -> Self:
        if self.opens >= self.closes:
            raise ValueError(
                "opens must be earlier than closes (overnight hours are not supported)"
            )
        return self


class Location(Strict):
    """One site of the tenant, with the time zone its opening hours are read in."""

    id: Slug
    name: DisplayName
    timezone: Timezone
    opening_hours: OpeningHours | None = None


class Offering(Strict):
    """Something that can be booked: a class, an appointment with staff, a room, a court."""

    id: Slug
    name: DisplayName
    kind: OfferingKind
    durations_minutes: Annotated[
        list[Annotated[int, Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)]],
        AfterValidator(_sorted_unique),
        Field(min_length=1, max_length=12),
    ]
    capacity: int = Field(ge=1, le=10_000, description="people per slot")
    quantity: int = Field(
        default=1, ge=1, le=1_000, description="how many of this resource exist per location"
    )
    resource_name: DisplayName | None = Field(
        default=None, description="what each unit is called, e.g. 'Court' or 'Therapist'"
    )
    staff_required: bool = Field(
        default=False, description="the customer books a specific staff member"
    )
    price: Money | None = None
    price_unit: PriceUnit = PriceUnit.PER_BOOKING


class Allowance(Strict):
    """Free usage a role gets per period before it pays (e.g. 10 free hours a month)."""

    hours: int = Field(ge=1, le=744)
    period: Literal["week", "month"] = "month"


class Role(Strict):
    """A kind of user, with exactly the permissions it lists and the limits on them."""

    id: Slug
    name: DisplayName
    kind: RoleKind
    permissions: Permissions = Field(default_factory=list)
    scope: Scope
    refund_cap: Money | None = Field(
        default=None,
        description="most one refund may return; required for non-admin roles that refund",
    )
    step_up_for: Annotated[list[Permission], AfterValidator(_sorted_unique)] = Field(
        default_factory=list, description="actions that need a fresh second factor"
    )
    sign_in: Annotated[list[SignInMethod], AfterValidator(_sorted_unique)] = Field(
        default_factory=lambda: [SignInMethod.PASSWORD], min_length=1
    )
    second_factors: Annotated[list[SecondFactor], AfterValidator(_sorted_unique)] = Field(
        default_factory=list
    )
    booking_horizon_days: int | None = Field(default=None, ge=1, le=MAX_HORIZON_DAYS)
    allowance: Allowance | None = None


class Cancellation(Strict):
    """Free cancellation until some hours before the start; later cancellations keep the money."""

    free_until_hours_before: int = Field(ge=0, le=MAX_CANCELLATION_HOURS)


class Deposit(Strict):
    """Part of the price taken at booking; the rest is paid on site."""

    percent: int = Field(ge=1, le=100)


class BookingRules(Strict):
    """Rules every booking follows, whatever the role."""

    hold_minutes: int = Field(ge=1, le=MAX_HOLD_MINUTES)
    default_horizon_days: int = Field(default=30, ge=1, le=MAX_HORIZON_DAYS)
    cancellation: Cancellation | None = None
    deposit: Deposit | None = None


class Payments(Strict):
    """Who takes the money, and where the app finds its credentials."""

    provider: PaymentProvider
    credentials_ref: VaultRef | None = None


class DataScope(Strict):
    """How rows are isolated: always by tenant, by location where the business asks for it."""

    tenant: Literal[True] = True
    location: bool = False


class Audit(Strict):
    """Which events the app's append-only audit trail records."""

    events: Annotated[list[AuditEvent], AfterValidator(_sorted_unique)] = Field(
        default_factory=list
    )


Stage = Literal["dev", "staging", "prod"]


class FeatureFlag(Strict):
    """A feature that can ship dark: the permissions it names are refused where it is off.

    The app reads the flag where it runs (``APP_ENV``), on every request. Turning a flag on
    for an environment is a manifest change, so it passes the approval gates like any other.
    """

    id: Slug
    description: str = Field(pattern=_NAME, min_length=1, max_length=200)
    permissions: Annotated[list[Permission], AfterValidator(_sorted_unique)] = Field(
        min_length=1, max_length=len(Permission), description="what the feature lets roles do"
    )
    enabled_in: Annotated[list[Stage], AfterValidator(_sorted_unique)] = Field(
        default_factory=list, description="environments where the feature is on; none = dark"
    )


class Assumption(Strict):
    """A value chosen without the user saying so, shown to them so they can correct it."""

    field: str = Field(min_length=1, max_length=120)
    value: str = Field(max_length=200)
    reason: str = Field(min_length=1, max_length=300)


class Manifest(Strict):
    """A whole booking app, validated: the renderer may trust every value in it."""

    manifest_version: Literal[1] = MANIFEST_VERSION
    tenant: Tenant
    currency: Currency
    locations: list[Location] = Field(min_length=1, max_length=500)
    offerings: list[Offering] = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=30)
    booking: BookingRules
    payments: Payments
    data_scope: DataScope = Field(default_factory=DataScope)
    audit: Audit = Field(default_factory=Audit)
    features: list[FeatureFlag] = Field(default_factory=list, max_length=50)
    assumptions: list[Assumption] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _policy_invariants(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_INVARIANTS):
            return self
        from generator.manifest.invariants import check_invariants

        problems = check_invariants(self)
        if problems:
            raise ValueError("; ".join(str(problem) for problem in problems))
        return self

    def role(self, role_id: str) -> Role:
        """The role with this id; a KeyError names the missing id."""
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)


def slugify(text: str) -> str:
    """An id for a display name: lowercase ASCII letters, digits and underscores."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"x_{slug}" if slug else "item"
    return slug[:40].rstrip("_")
