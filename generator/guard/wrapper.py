"""``GuardedModel``: the one pydantic-ai model wrapper every model call goes through.

Around each request, in order: rate limits and the run budget; screening of every new user and
data part (a suspicious one is quarantined and nothing is sent); scrubbing of personal data and
secrets from the whole outgoing history; data marked as data; provider-side retention off; the
call; checks on the reply (allowlisted tools, bounded arguments, no leaks); placeholders
restored in the reply text; and a trace entry for each step. ``request`` and ``request_stream``
share these steps, since ``run_stream`` bypasses ``request``. Any failure inside a guard step
fails closed: the inner model is not called.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import structlog
from pydantic_ai import RunContext
from pydantic_ai.messages import (
    BaseToolCallPart,
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelRequestPart,
    ModelResponse,
    ModelResponsePart,
    RetryPromptPart,
    SystemPromptPart,
    TextContent,
    TextPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import (
    CompletedStreamedResponse,
    Model,
    ModelRequestParameters,
    StreamedResponse,
)
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings

from generator.errors import BookwrightError, GuardFailure, Quarantined, ResponseRejected
from generator.guard.limits import RateLimiter, RunMeter
from generator.guard.policy import Policy, Vector
from generator.guard.quarantine import QuarantineStore
from generator.guard.response import ResponseChecker
from generator.guard.screening import Screener
from generator.guard.scrubbing import PlaceholderTable, Scrubber
from generator.guard.storage import Clock, utc_now
from generator.guard.traces import TraceKind, TraceStore

Environment = Literal["dev", "staging", "prod"]
DATA_CLOSE = "<<<END DATA>>>"
_DATA_BLOCK = re.compile(r'<<<DATA source="([^"]*)">>>\n?(.*?)\n?<<<END DATA>>>', re.DOTALL)
_DELIMITER_CHARS = re.compile(r"<<<|>>>")
log = structlog.get_logger("bookwright.guard")


def as_data(text: str, *, source: str = "field") -> str:
    """Wrap text that comes from data (a class name, a note) so the model reads it as data.

    The guard screens a data block as the ``field`` vector (stricter than chat) and sends it
    inside these delimiters; delimiter characters inside the value are removed so a value can
    never close its own block early.
    """
    clean_source = _DELIMITER_CHARS.sub("", source).replace('"', "'")
    return f'<<<DATA source="{clean_source}">>>\n{_DELIMITER_CHARS.sub("", text)}\n{DATA_CLOSE}'


@dataclass(frozen=True)
class GuardContext:
    """Who is asking, where, and the stores and clock the guard uses (all injectable).

    Attributes:
        user_id: the person whose message this run serves (rate-limited per user).
        tenant_id: the business the run belongs to (rate-limited per tenant).
        environment: dev, staging or prod; prod traces are forbidden for training.
        traces: the append-only trace store.
        quarantine: where suspicious inputs are held.
        policy: the guardrails policy (default: the repo's guardrails/ files).
        limiter: rate limiter (default: from the policy, Redis when REDIS_URL is set).
        clock: the time source for stored records.
    """

    user_id: str
    tenant_id: str
    environment: Environment
    traces: TraceStore
    quarantine: QuarantineStore
    policy: Policy
    limiter: RateLimiter
    clock: Clock = utc_now


@dataclass
class _RunState:
    """What the guard remembers within one agent run; memory only, dropped with the run."""

    run_id: str
    meter: RunMeter
    table: PlaceholderTable = field(default_factory=PlaceholderTable)
    traced: set[str] = field(default_factory=set)
    scrubbed: dict[str, str] = field(default_factory=dict)


@dataclass
class _Prepared:
    messages: list[ModelMessage]
    settings: ModelSettings
    started: float


class GuardedModel(WrapperModel):
    """A model whose every request and reply passes the guard; build it with ``guard_model``."""

    def __init__(self, wrapped: Model, *, context: GuardContext) -> None:
        """Wrap ``wrapped``; prefer ``guard_model`` so policy-derived parts are built once."""
        if isinstance(wrapped, GuardedModel):
            raise GuardFailure("a model must be guarded once, not twice")
        super().__init__(wrapped)
        self.context = context
        self.screener = Screener(context.policy.injection)
        self.checker = ResponseChecker(context.policy.tools)
        self._run: _RunState | None = None
        # Screening depends on the text alone, so a verdict outlives the run it was made in:
        # a conversation replanned from the start does not screen its old turns again.
        self._screened: set[str] = set()

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """Guard one request, call the inner model, and check its reply."""
        prepared = self._prepare(messages, model_settings)
        response = await self.wrapped.request(
            prepared.messages, prepared.settings, model_request_parameters
        )
        return self._finish(response, prepared)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        """Guard a streamed request; the reply is checked whole before any of it is replayed.

        Buffering costs the incremental display, but a reply whose tool call or text breaks the
        policy must never reach the agent, even partly.
        """
        prepared = self._prepare(messages, model_settings)
        async with self.wrapped.request_stream(
            prepared.messages, prepared.settings, model_request_parameters, run_context
        ) as stream:
            async for _event in stream:
                pass
            response = stream.get()
        checked = self._finish(response, prepared)
        yield CompletedStreamedResponse(
            checked, model_request_parameters=model_request_parameters, replay_events=True
        )

    def new_run(self, run_id: str | None = None) -> None:
        """Start a fresh run: new placeholder table, budget and screening memory."""
        self._run = _RunState(
            run_id=run_id or f"run_{uuid.uuid4().hex[:12]}",
            meter=RunMeter(self.context.policy.limits.run_budget),
        )

    # Before the call ------------------------------------------------------------------------

    def _prepare(
        self, messages: list[ModelMessage], model_settings: ModelSettings | None
    ) -> _Prepared:
        try:
            run = self._run_for(messages)
            run.meter.before_request()
            self.context.limiter.hit(
                "model_requests", user=self.context.user_id, tenant=self.context.tenant_id
            )

            self._screen_new_parts(run, messages)

            scrubber = Scrubber(self.context.policy.pii, run.table)
            outgoing = [self._scrub_message(run, scrubber, message) for message in messages]

            # ModelSettings is a TypedDict; provider keys (openai_store) are merged as plain data.
            merged: dict[str, Any] = {
                **(model_settings or {}),
                **self.context.policy.provider.model_settings,
            }
            settings = cast(ModelSettings, merged)

            self._trace_request(run, outgoing)
        except BookwrightError:
            raise
        except Exception as error:
            self._fail_closed("prepare", error)
        return _Prepared(outgoing, settings, time.perf_counter())

    def _run_for(self, messages: Sequence[ModelMessage]) -> _RunState:
        run_id = next(
            (m.run_id for m in reversed(messages) if isinstance(m, ModelRequest) and m.run_id),
            None,
        )
        if self._run is None or (run_id is not None and run_id != self._run.run_id):
            self.new_run(run_id)
        assert self._run is not None
        return self._run

    def _screen_new_parts(self, run: _RunState, messages: Sequence[ModelMessage]) -> None:
        for text, vector in _screenable(messages):
            key = _digest(f"{vector}\0{text}")
            if key in self._screened:
                continue
            verdict = self.screener.screen(text, vector)
            if verdict.suspicious:
                if self.context.quarantine.is_released(text, tenant_id=self.context.tenant_id):
                    self._decision(run, "released_input_passed", vector=vector, score=verdict.score)
                else:
                    self._hold(run, text, vector, verdict.reasons, verdict.score)
            self._screened.add(key)

    def _hold(
        self, run: _RunState, text: str, vector: Vector, reasons: list[str], score: float
    ) -> None:
        scrubbed = Scrubber(self.context.policy.pii, run.table).scrub(text).text
        entry = self.context.quarantine.hold(
            original=text,
            scrubbed=scrubbed,
            user_id=self.context.user_id,
            tenant_id=self.context.tenant_id,
            environment=self.context.environment,
            vector=vector,
            reasons=reasons,
            score=score,
        )
        self._decision(
            run, "quarantined", quarantine_id=entry.id, vector=vector, score=score, reasons=reasons
        )
        raise Quarantined(quarantine_id=entry.id, reasons=reasons)

    def _scrub_message(
        self, run: _RunState, scrubber: Scrubber, message: ModelMessage
    ) -> ModelMessage:
        def clean(text: str) -> str:
            if text not in run.scrubbed:
                run.scrubbed[text] = scrubber.scrub(text).text
            return run.scrubbed[text]

        if isinstance(message, ModelRequest):
            instructions = clean(message.instructions) if message.instructions else None
            return dataclasses.replace(
                message,
                parts=[_scrub_request_part(part, clean) for part in message.parts],
                instructions=instructions,
            )
        return dataclasses.replace(
            message, parts=[_scrub_response_part(part, clean) for part in message.parts]
        )

    # After the call -------------------------------------------------------------------------

    def _finish(self, response: ModelResponse, prepared: _Prepared) -> ModelResponse:
        run = self._run
        assert run is not None
        elapsed_ms = (time.perf_counter() - prepared.started) * 1000
        try:
            self.checker.check(response)
        except ResponseRejected as error:
            self._decision(run, "reply_blocked", rule=type(error).__name__, detail=str(error))
            raise

        try:
            tool_calls = self.checker.tool_calls(response)
            self.context.limiter.hit(
                "tool_calls",
                user=self.context.user_id,
                tenant=self.context.tenant_id,
                cost=tool_calls,
            )
            usage = response.usage
            run.meter.after_response(
                tool_calls=tool_calls, tokens=usage.input_tokens + usage.output_tokens
            )
            self._trace_response(run, response, elapsed_ms)
            parts = [_restore_part(part, run.table) for part in response.parts]
        except BookwrightError:
            raise
        except Exception as error:
            self._fail_closed("finish", error)
        return dataclasses.replace(response, parts=parts)

    # Traces and decisions -------------------------------------------------------------------

    def _trace(
        self, run: _RunState, kind: TraceKind, payload: dict[str, Any], **numbers: Any
    ) -> None:
        self.context.traces.append(
            run_id=run.run_id,
            kind=kind,
            environment=self.context.environment,
            user_id=self.context.user_id,
            tenant_id=self.context.tenant_id,
            payload=payload,
            **numbers,
        )

    def _trace_request(self, run: _RunState, outgoing: list[ModelMessage]) -> None:
        """Trace only messages not traced before in this run: history is resent every step."""
        fresh: list[ModelMessage] = []
        for message in outgoing:
            key = _digest(ModelMessagesTypeAdapter.dump_json([message]).decode())
            if key not in run.traced:
                run.traced.add(key)
                fresh.append(message)
        self._trace(
            run,
            "request",
            {
                "model": self.model_name,
                "history_length": len(outgoing),
                "messages": ModelMessagesTypeAdapter.dump_python(fresh, mode="json"),
            },
        )

    def _trace_response(self, run: _RunState, response: ModelResponse, elapsed_ms: float) -> None:
        self._trace(
            run,
            "response",
            {
                "model": self.model_name,
                "response": ModelMessagesTypeAdapter.dump_python([response], mode="json")[0],
            },
            duration_ms=elapsed_ms,
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
        )
        for part in response.parts:
            if isinstance(part, BaseToolCallPart):
                self._trace(
                    run,
                    "tool_call",
                    {
                        "tool": part.tool_name,
                        "args": part.args_as_dict(),
                        "tool_call_id": part.tool_call_id,
                    },
                )

    def _decision(self, run: _RunState, decision: str, **details: Any) -> None:
        log.warning(
            f"guard.{decision}",
            run_id=run.run_id,
            user=self.context.user_id,
            tenant=self.context.tenant_id,
            **details,
        )
        self._trace(run, "decision", {"decision": decision, **details})

    def _fail_closed(self, step: str, error: Exception) -> None:
        log.error("guard.step_failed", step=step, error=type(error).__name__)
        raise GuardFailure(
            f"the guard could not complete its {step} step ({type(error).__name__}: {error}); "
            "nothing was sent to the model. Retry, and report it if it persists."
        ) from error


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _screenable(messages: Sequence[ModelMessage]) -> Iterator[tuple[str, Vector]]:
    """Every text a user or data source put into the requests, with its vector."""
    for message in messages:
        if not isinstance(message, ModelRequest):
            continue
        for part in message.parts:
            if isinstance(part, UserPromptPart):
                for text in _user_texts(part):
                    yield from _split_data(text)
            elif isinstance(part, ToolReturnPart):
                text = part.model_response_str()
                if text.strip():
                    yield text, "field"


def _user_texts(part: UserPromptPart) -> list[str]:
    if isinstance(part.content, str):
        return [part.content]
    return [
        item if isinstance(item, str) else item.content
        for item in part.content
        if isinstance(item, str | TextContent)
    ]


def _split_data(text: str) -> Iterator[tuple[str, Vector]]:
    """Data blocks are screened as fields; what is left around them is chat."""
    for match in _DATA_BLOCK.finditer(text):
        yield match.group(2), "field"
    rest = _DATA_BLOCK.sub(" ", text)
    if rest.strip():
        yield rest, "chat"


def _scrub_user_part(part: UserPromptPart, clean: Callable[[str], str]) -> UserPromptPart:
    if isinstance(part.content, str):
        return dataclasses.replace(part, content=clean(part.content))
    items = [
        clean(item)
        if isinstance(item, str)
        else dataclasses.replace(item, content=clean(item.content))
        if isinstance(item, TextContent)
        else item
        for item in part.content
    ]
    return dataclasses.replace(part, content=items)


def _scrub_request_part(part: ModelRequestPart, clean: Callable[[str], str]) -> ModelRequestPart:
    if isinstance(part, UserPromptPart):
        return _scrub_user_part(part, clean)
    if isinstance(part, SystemPromptPart):
        return dataclasses.replace(part, content=clean(part.content))
    if isinstance(part, ToolReturnPart):
        if isinstance(part.content, str):
            return dataclasses.replace(
                part, content=as_data(clean(part.content), source=f"tool {part.tool_name}")
            )
        return dataclasses.replace(part, content=_scrub_json(part.content, clean))
    if isinstance(part, RetryPromptPart) and isinstance(part.content, str):
        return dataclasses.replace(part, content=clean(part.content))
    return part


def _scrub_json(value: Any, clean: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _scrub_json(item, clean) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_json(item, clean) for item in value]
    return value


def _scrub_response_part(part: ModelResponsePart, clean: Callable[[str], str]) -> ModelResponsePart:
    if isinstance(part, TextPart):
        return dataclasses.replace(part, content=clean(part.content))
    if isinstance(part, BaseToolCallPart):
        return dataclasses.replace(part, args=_scrub_json(part.args, clean))
    return part


def _restore_part(part: ModelResponsePart, table: PlaceholderTable) -> ModelResponsePart:
    """Restore personal data in text for the person reading it; tool arguments keep
    placeholders so no personal data can reach the manifest through a model."""
    if isinstance(part, TextPart):
        return dataclasses.replace(part, content=table.restore(part.content))
    return part
