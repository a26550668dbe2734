"""Provider failures through plan(): bounded retries with backoff, then one clear error.

A loopback stub plays the misbehaving server; the server-gone and budget cases use the real
llama.cpp server. Every case ends in one of our errors, never a traceback.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from generator.agent import Conversation, plan
from generator.errors import (
    ProviderFailed,
    ProviderRateLimited,
    ProviderReplyInvalid,
    ProviderUnreachable,
    ReplyOverBudget,
    UserError,
)
from tests.providers.conftest import LlamaServer, Reply, StubServer, chat_reply, send

MODEL = "openai-compatible:smollm2"
ATTEMPTS = 3  # the first try and two retries
Start = Callable[[Reply], StubServer]


@pytest.fixture(autouse=True)
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard stores of each test in its own folder; no key or URL from the environment."""
    monkeypatch.setenv("BOOKWRIGHT_HOME", str(tmp_path))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def plan_against(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKWRIGHT_BASE_URL", url)
    plan(Conversation.of("We run a yoga studio; people book 60-minute classes."), model=MODEL)


def test_429_is_retried_after_retry_after_then_explained(
    stub: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retry-After is honoured between the bounded attempts, then the user is told to wait."""
    server = stub(lambda h: send(h, 429, b'{"error": {"message": "slow down"}}', Retry_After="1"))

    with pytest.raises(ProviderRateLimited, match="HTTP 429"):
        plan_against(server.base_url, monkeypatch)

    assert len(server.requests) == ATTEMPTS
    gaps = [b - a for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps


def test_a_5xx_is_retried_then_explained(stub: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server error is retried with backoff, then reported with its status."""
    server = stub(lambda h: send(h, 500, b'{"error": {"message": "boom"}}'))

    with pytest.raises(ProviderFailed, match="HTTP 500, even after retries"):
        plan_against(server.base_url, monkeypatch)
    assert len(server.requests) == ATTEMPTS


def test_malformed_json_is_retried_then_explained(
    stub: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 200 whose body is not JSON is retried like a server error, then called malformed."""
    server = stub(lambda h: send(h, 200, b'{"choices": [ not json'))

    with pytest.raises(ProviderReplyInvalid, match="not valid JSON"):
        plan_against(server.base_url, monkeypatch)
    assert len(server.requests) == ATTEMPTS


def test_a_truncated_body_is_retried_then_explained(
    stub: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body shorter than its Content-Length is a cut-off reply, retried then reported."""

    def truncated(handler: BaseHTTPRequestHandler) -> None:
        body = chat_reply("hello")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:20])
        handler.close_connection = True

    server = stub(truncated)

    with pytest.raises(ProviderReplyInvalid, match="before its reply was complete"):
        plan_against(server.base_url, monkeypatch)
    assert len(server.requests) == ATTEMPTS


def test_a_server_stopped_mid_run_is_explained(
    stub: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first reply arrives, then the server goes away: the next request gets a clear error."""

    def answer_once_then_stop(handler: BaseHTTPRequestHandler) -> None:
        # A valid final answer for an empty draft, so the agent must ask again.
        send(handler, 200, chat_reply('{"summary": "done", "questions": []}'))
        server = handler.server
        threading.Thread(target=lambda: (server.shutdown(), server.server_close())).start()

    server = stub(answer_once_then_stop)

    with pytest.raises(ProviderUnreachable, match="cannot reach the server at http://127"):
        plan_against(server.base_url, monkeypatch)
    assert len(server.requests) == 1


def test_a_refused_connection_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listening on the port: a clear message naming the URL, after retries."""
    with pytest.raises(ProviderUnreachable, match="start the server"):
        plan_against("http://127.0.0.1:9/v1", monkeypatch)


def test_a_tiny_reply_budget_on_the_real_server_is_explained(
    llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a 3-token budget the real model's reply is cut; the user learns which setting."""
    monkeypatch.setenv("BOOKWRIGHT_MAX_REPLY_TOKENS", "3")

    started = time.monotonic()
    with pytest.raises(ReplyOverBudget, match="3 tokens"):
        plan_against(llama_server.base_url, monkeypatch)
    assert time.monotonic() - started < 30


def test_openai_without_a_key_is_a_user_error() -> None:
    """No OPENAI_API_KEY: a user error naming the variable, before any request."""
    with pytest.raises(UserError, match="OPENAI_API_KEY"):
        plan(Conversation.of("a yoga studio"), model="openai:gpt-4o-mini")


def test_a_compatible_model_without_a_url_is_a_user_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No base URL for a compatible server: the message names BOOKWRIGHT_BASE_URL."""
    monkeypatch.delenv("BOOKWRIGHT_BASE_URL", raising=False)
    with pytest.raises(UserError, match="BOOKWRIGHT_BASE_URL"):
        plan(Conversation.of("a yoga studio"), model=MODEL)
