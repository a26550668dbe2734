"""Test-wide settings: no live model calls, no telemetry, paths to the shared fixtures."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("OTEL_SDK_DISABLED", "true")
# Quarantine and trace stores of test runs live in a throwaway folder, never in ~/.bookwright.
os.environ["BOOKWRIGHT_HOME"] = tempfile.mkdtemp(prefix="bookwright-test-home-")

import psycopg
import pydantic_ai.models
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

pydantic_ai.models.ALLOW_MODEL_REQUESTS = False

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SPECS = FIXTURES / "specs"
EXAMPLES = ROOT / "generated_examples"
POSTGRES_SERVER = os.environ.get(
    "BOOKWRIGHT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
"""A superuser connection to the PostgreSQL server CI starts (trust auth)."""


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on that server, dropped afterwards; its SQLAlchemy URL."""
    name = f"bw_test_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = make_url(POSTGRES_SERVER).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=5) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))
