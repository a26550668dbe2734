"""A generated app starts under uvicorn and serves real HTTP on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from generator.manifest.io import load_manifest
from generator.render import render_app
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fitness app rendered into a temp folder and served by a real uvicorn process."""
    out = tmp_path_factory.mktemp("fitness")
    render_app(load_manifest(FIXTURES / "manifests" / "fitness.yaml"), out)
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{out / 'served.db'}",
        "PATH": str(Path(sys.executable).parent),
    }
    log = out / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=out, env=env, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{output[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail("the app did not answer /health within 60 s")


def test_guest_registers_signs_in_and_browses_over_http(server: str) -> None:
    email = "guest1@example.test"
    password = "correct horse battery staple"

    registered = httpx.post(
        f"{server}/auth/register", json={"email": email, "password": password, "full_name": "G"}
    )
    token = httpx.post(f"{server}/auth/login", json={"email": email, "password": password})
    offerings = httpx.get(
        f"{server}/offerings", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )

    assert registered.status_code == 201, registered.text
    assert token.status_code == 200, token.text
    assert offerings.status_code == 200, offerings.text
    assert {item["name"] for item in offerings.json()} >= {"Spin"}


def test_unauthenticated_request_gets_a_problem_body(server: str) -> None:
    response = httpx.get(f"{server}/bookings")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
