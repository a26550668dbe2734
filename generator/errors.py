"""The error tree.

``BookwrightError`` is the root. ``UserError`` is a mistake the person can fix (a bad spec, an
invalid manifest, an unknown option): the CLI prints its message and exits 2. ``RunError`` is a
failure of the run itself (a model that keeps misbehaving, a file that cannot be written): the
CLI prints its message and exits 1. Neither ever reaches a user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class BookwrightError(Exception):
    """Base of every error Bookwright raises on purpose."""

    exit_code = 1


class UserError(BookwrightError):
    """Something the user gave us is wrong; the message says what and how to fix it."""

    exit_code = 2


class RunError(BookwrightError):
    """The run failed for a reason that is not the user's input."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a dotted field path), which rule, and the fix."""

    field: str
    rule: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.field}: {self.rule}"
        return f"{text} (fix: {self.fix})" if self.fix else text


@dataclass
class ManifestInvalid(UserError):
    """A manifest broke the schema or a policy invariant."""

    problems: list[Problem] = field(default_factory=list)
    source: str = "manifest"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.source} is not valid ({len(self.problems)} problem(s)):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class SpecError(UserError):
    """A spec file cannot be read as a conversation."""


class PlanningError(RunError):
    """The agent could not produce a valid manifest within its retry budget."""


class PlanBudgetExceeded(UserError):
    """The conversation asked for more work than one planning run may do."""


class UnsupportedLanguage(UserError):
    """The chosen model cannot read the language the spec is written in."""


@dataclass
class PolicyInvalid(UserError):
    """A guardrails policy file is missing, unreadable or breaks its schema."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.file} is not a valid guard policy ({len(self.problems)} problem(s)):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class GuardBlocked(UserError):
    """The guard stopped a model request; the message says why and what to do next."""


@dataclass
class RateLimited(GuardBlocked):
    """Too many model requests or tool calls in a window; retry after ``retry_after`` seconds."""

    scope: str
    limit: str
    retry_after: float

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"rate limit reached ({self.scope}: {self.limit}); "
            f"retry in {max(1, round(self.retry_after))} s"
        )


@dataclass
class RunBudgetExceeded(GuardBlocked):
    """One agent run used up its request, tool-call or token budget."""

    budget: str
    used: int
    allowed: int

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"this run used its {self.budget} budget ({self.used} of {self.allowed}); "
            "split the request into smaller steps and retry as a new message"
        )


@dataclass
class Quarantined(GuardBlocked):
    """An input looked like an injection and is held for an administrator's review."""

    quarantine_id: str
    reasons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"your message is held for review (quarantine id {self.quarantine_id}): "
            f"{'; '.join(self.reasons)}. Nothing was sent to a model and nothing changed; "
            "an administrator can release it, or rephrase it as a description of your business"
        )


class QuarantineNotFound(UserError):
    """No quarantined input has the id given."""


class ResponseRejected(RunError):
    """A model reply broke the response policy and was blocked before anything used it."""


class ToolNotAllowed(ResponseRejected):
    """The model called a tool that is not on the guardrails allowlist."""


class ArgumentsRejected(ResponseRejected):
    """A tool call's arguments are not a bounded JSON object of plain text."""


class LeakInReply(ResponseRejected):
    """The model's reply carried a secret or personal data."""


class GuardFailure(RunError):
    """A guard step itself failed; the request was not sent (the guard fails closed)."""


class TraceTampered(RunError):
    """The trace store's hash chain does not verify: a row was edited or deleted."""


class ExportRefused(UserError):
    """Production transcripts may not be exported for training."""


class ProviderError(RunError):
    """A model provider could not give a usable reply, after bounded retries with backoff."""


class ProviderUnreachable(ProviderError):
    """The provider refused the connection, went away mid-run or did not answer in time."""


@dataclass
class ProviderRateLimited(ProviderError):
    """The provider kept answering 429 (too many requests) after our retries."""

    provider: str
    retry_after: float | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        wait = (
            f"retry in {max(1, round(self.retry_after))} s" if self.retry_after else "retry later"
        )
        return (
            f"{self.provider} is rate-limiting us (HTTP 429) and kept doing so after retries; "
            f"{wait}, or lower the request rate in guardrails/limits.yaml"
        )


class ProviderFailed(ProviderError):
    """The provider answered with a server error (5xx) or refused the request."""


class ProviderReplyInvalid(ProviderError):
    """The provider's reply was malformed or cut off on the wire."""


class ReplyOverBudget(ProviderError):
    """The model's reply hit the reply token budget before it ended; nothing of it was used."""


class GateRefused(UserError):
    """An approval gate refused an action: a missing approval, a forged or replayed one."""


class ChangeSetNotFound(UserError):
    """No change set has the id given."""


class GateLogTampered(GateRefused):
    """The gate log's chain or a signature in it does not verify; nothing more is allowed."""
