"""Provider failures as our errors: every way a remote call can fail, said plainly.

By the time an error reaches here the SDK has already retried what is worth retrying, so
each message says what happened and what the person can do next; none is a traceback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import openai
from pydantic_ai import RunContext
from pydantic_ai.exceptions import IncompleteToolCall, ModelAPIError, ModelHTTPError
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import ModelRequestParameters, StreamedResponse
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings

from generator.agent.providers.transport import MALFORMED_HEADER
from generator.errors import (
    ProviderError,
    ProviderFailed,
    ProviderRateLimited,
    ProviderReplyInvalid,
    ProviderUnreachable,
    ReplyOverBudget,
    UserError,
)

PROVIDER_FAILURES: tuple[type[BaseException], ...] = (
    ModelAPIError,
    IncompleteToolCall,
    openai.OpenAIError,
    httpx.HTTPError,
)
"""What a provider call can raise that is not already one of our errors."""

BUDGET_HINT = "raise BOOKWRIGHT_MAX_REPLY_TOKENS or ask for less in one message"


class ReplyBudget(WrapperModel):
    """Sends the reply token budget with each request and refuses a reply that hit it.

    A reply cut at the budget is half an answer (a truncated JSON object, a tool call missing
    its end); failing at once with the reason beats retrying a reply that will be cut again.
    """

    def __init__(self, wrapped: Any, *, max_tokens: int) -> None:
        """Wrap ``wrapped`` with a budget of ``max_tokens`` per reply."""
        super().__init__(wrapped)
        self.max_tokens = max_tokens

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """Request with the budget; raise :class:`ReplyOverBudget` on a cut-off reply."""
        response = await self.wrapped.request(
            messages, self._budgeted(model_settings), model_request_parameters
        )
        return self._checked(response)

    @asynccontextmanager
    async def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AsyncIterator[StreamedResponse]:
        """Stream with the budget; the check runs once the caller has read the stream."""
        async with self.wrapped.request_stream(
            messages, self._budgeted(model_settings), model_request_parameters, run_context
        ) as stream:
            yield stream
            self._checked(stream.get())

    def _budgeted(self, settings: ModelSettings | None) -> ModelSettings:
        merged = ModelSettings(**(settings or {}))
        merged.setdefault("max_tokens", self.max_tokens)
        return merged

    def _checked(self, response: ModelResponse) -> ModelResponse:
        if response.finish_reason == "length":
            raise ReplyOverBudget(
                f"the model's reply reached the reply budget ({self.max_tokens} tokens) before "
                f"it ended, so none of it was used; {BUDGET_HINT}"
            )
        return response


def provider_error(
    error: BaseException, *, where: str = "the model provider"
) -> ProviderError | UserError:
    """Our error for a provider failure that survived the retries; ``where`` names it."""
    if isinstance(error, IncompleteToolCall):
        return ReplyOverBudget(f"the model's reply was cut off mid tool call; {BUDGET_HINT}")
    if isinstance(error, ModelHTTPError):
        return _http_error(error, where)
    cause = error.__cause__ if isinstance(error, ModelAPIError) else error
    if isinstance(cause, openai.APITimeoutError | httpx.TimeoutException):
        return ProviderUnreachable(
            f"{where} did not answer in time, even after retries; check that it is not "
            "overloaded, or retry later"
        )
    if isinstance(cause, openai.APIConnectionError) and isinstance(
        cause.__cause__, httpx.RemoteProtocolError | httpx.ReadError
    ):
        return ProviderReplyInvalid(
            f"{where} closed the connection before its reply was complete, even after "
            "retries; nothing from it was used. Check the server's logs and retry"
        )
    if isinstance(cause, openai.APIConnectionError | httpx.TransportError):
        return ProviderUnreachable(
            f"cannot reach {where} (connection refused or dropped), even after retries; "
            "start the server or check BOOKWRIGHT_BASE_URL, then retry"
        )
    return ProviderReplyInvalid(
        f"{where} sent a reply that could not be read ({type(error).__name__}: {error}); "
        "nothing from it was used"
    )


def _http_error(error: ModelHTTPError, where: str) -> ProviderError | UserError:
    status = error.status_code
    if status == 429:
        return ProviderRateLimited(where, error.retry_after)
    if (error.headers or {}).get(MALFORMED_HEADER):
        return ProviderReplyInvalid(
            f"{where} kept sending replies that are not valid JSON, even after retries; "
            "nothing from them was used. Check that BOOKWRIGHT_BASE_URL points at an "
            "OpenAI-compatible /v1 endpoint"
        )
    if status in (401, 403):
        return UserError(f"{where} refused our API key (HTTP {status}); check the key and retry")
    if status == 404:
        return UserError(
            f"{where} has no such model or endpoint (HTTP 404); check the model name and "
            "that BOOKWRIGHT_BASE_URL ends in /v1"
        )
    if status >= 500:
        return ProviderFailed(f"{where} failed with HTTP {status}, even after retries; retry later")
    return ProviderFailed(f"{where} rejected the request (HTTP {status}): {_short(error.body)}")


def _short(body: object) -> str:
    text = str(body)
    return text if len(text) <= 200 else text[:200] + "..."
