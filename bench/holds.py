"""The price of isolation and locking: a generated app's hold endpoint against one plain insert.

Both sides run in this process on the same PostgreSQL database, in a database of their own
that this script creates and drops, driven by the same concurrent clients over ASGI:

- *holds*: ``POST /api/v1/bookings`` of the fitness example, as the app's row-security role:
  bearer token check, tenant and location context per transaction, the conditional seat
  UPDATE (a row lock on the slot), the booking row and its audit row;
- *baseline*: a bare FastAPI endpoint doing one plain INSERT into a table of the same database.

Holds run twice: all on one slot (every hold queues on that slot's row lock, the worst case)
and spread over one slot per client (the per-request cost without lock contention).

It prints holds/s and p95 latency for each and the ratios (baseline/holds for throughput,
holds/baseline for p95). Run: ``.venv/bin/python bench/holds.py [--clients 16] [--requests 600]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from fastapi import FastAPI
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine, select

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "generated_examples" / "fitness"
POSTGRES = os.environ.get(
    "BOOKWRIGHT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
APP_ROLE = "bookwright_app"
PASSWORD = "bench password, not a secret"  # noqa: S105  # pragma: allowlist secret


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh database for this run (SQLAlchemy URL as the superuser), dropped afterwards."""
    name = f"bw_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = make_url(POSTGRES).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


async def drive(
    app: FastAPI, calls: list[tuple[dict[str, str], dict[str, int]]], path: str, clients: int
) -> list[float]:
    """Send ``calls`` through ``clients`` concurrent workers; latencies in seconds (201s only)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    queue: asyncio.Queue[tuple[dict[str, str], dict[str, int]]] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    latencies: list[float] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            headers, body = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(path, headers=headers, json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")

    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return latencies


def baseline_app(database_url: str) -> FastAPI:
    """A bare endpoint: one INSERT per request, one transaction, nothing else."""
    engine = create_engine(database_url, pool_size=clients_pool(), max_overflow=0)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE plain_hold (id serial PRIMARY KEY, slot_id int NOT NULL,"
                " user_id int NOT NULL, created_at timestamptz NOT NULL)"
            )
        )
    app = FastAPI()

    @app.post("/plain", status_code=201)
    def plain(body: dict[str, int]) -> dict[str, int]:
        with engine.begin() as connection:
            new_id = connection.execute(
                text(
                    "INSERT INTO plain_hold (slot_id, user_id, created_at)"
                    " VALUES (:s, :u, now()) RETURNING id"
                ),
                {"s": body["slot_id"], "u": body["user_id"]},
            ).scalar_one()
        return {"id": int(new_id)}

    return app


def clients_pool() -> int:
    """Connections per engine: the app's default pool size, the same for both sides."""
    return 5


def holds_setup(owner_url: str, users: int) -> tuple[FastAPI, list[dict[str, str]], list[int]]:
    """The fitness app on the scratch database, ``users`` signed-in guests, as many roomy slots."""
    sys.path.insert(0, str(EXAMPLE))
    from app.generated import crud
    from app.generated.config import Settings
    from app.generated.models import Location, Offering, Slot
    from app.generated.security import use_fast_hashing_for_tests
    from app.generated.tenancy import create_app_role
    from app.main import create_app
    from fastapi.testclient import TestClient

    use_fast_hashing_for_tests()
    owner = create_engine(owner_url)
    with owner.begin() as connection:
        create_app_role(connection, APP_ROLE)
    app_url = make_url(owner_url).set(username=APP_ROLE).render_as_string(hide_password=False)
    app = create_app(
        Settings(environment="test", database_url=app_url, migration_database_url=owner_url)
    )
    client = TestClient(app)
    client.__enter__()  # start-up: tables, row security, seed; closed with the process

    with Session(owner) as session:
        offering = session.exec(select(Offering).where(Offering.mode == "seat")).first()
        location = session.exec(select(Location)).first()
        assert (
            offering is not None
            and offering.id is not None
            and location is not None
            and location.id
        )
        start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        slots = [
            Slot(
                tenant_id=offering.tenant_id,
                location_id=location.id,
                offering_id=offering.id,
                starts_at=start + timedelta(minutes=n),
                ends_at=start + timedelta(hours=1),
                capacity=1_000_000,
            )
            for n in range(users)
        ]
        session.add_all(slots)
        emails = [f"bench{n}@example.com" for n in range(users)]
        for email in emails:
            crud.create_user(
                session=session,
                tenant_id=offering.tenant_id,
                email=email,
                password=PASSWORD,
                full_name="Bench Guest",
                role=guest_role(),
                location_id=None,
            )
        session.commit()
        slot_ids = [slot.id for slot in slots if slot.id is not None]

    headers = []
    for email in emails:
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        headers.append({"Authorization": f"Bearer {response.json()['access_token']}"})
    return app, headers, slot_ids


def guest_role() -> str:
    """The role self-registered accounts get in the example (they hold seats for themselves)."""
    from app.generated.permissions import CUSTOMER_ROLE

    assert CUSTOMER_ROLE is not None
    return CUSTOMER_ROLE


def p95(latencies: list[float]) -> float:
    """The 95th percentile, in milliseconds."""
    return statistics.quantiles(latencies, n=20)[-1] * 1000


def main() -> None:
    """Measure both sides in the same run and print their figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()

    with scratch_database() as owner_url:
        app, headers, slot_ids = holds_setup(owner_url, args.clients)
        plain = baseline_app(owner_url)
        one_slot = [
            (headers[n % len(headers)], {"slot_id": slot_ids[0]}) for n in range(args.requests)
        ]
        spread = [
            (headers[n % len(headers)], {"slot_id": slot_ids[n % len(slot_ids)]})
            for n in range(args.requests)
        ]
        inserts = [({}, {"slot_id": slot_ids[0], "user_id": n}) for n in range(args.requests)]

        figures = {}
        for name, target, path, calls in (
            ("baseline", plain, "/plain", inserts),
            ("holds", app, "/api/v1/bookings", one_slot),
            ("spread", app, "/api/v1/bookings", spread),
        ):
            asyncio.run(drive(target, calls[:50], path, args.clients))  # warm-up
            started = time.perf_counter()
            latencies = asyncio.run(drive(target, calls, path, args.clients))
            figures[name] = (len(calls) / (time.perf_counter() - started), p95(latencies))
            print(f"{name:>8}: {figures[name][0]:8.1f} requests/s   p95 {figures[name][1]:7.1f} ms")

    print(f"{args.clients} clients, {args.requests} requests each, PostgreSQL, one process and DB")
    for name, what in (("holds", "all on one slot"), ("spread", "one slot per client")):
        rate = figures["baseline"][0] / figures[name][0]
        tail = figures[name][1] / figures["baseline"][1]
        print(
            f"ratio, holds {what}: {rate:.2f}x the plain insert's time per request, p95 {tail:.2f}x"
        )


if __name__ == "__main__":
    main()
