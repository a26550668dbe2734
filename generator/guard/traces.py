"""The trace: every model request, response, tool call and guard decision, append-only.

Each row carries the hash of the row before it, so editing or deleting any row breaks the chain
and ``verify`` says where. Triggers refuse UPDATE and DELETE, and a one-row head records the
last sequence number and hash, so cutting rows off the end is caught as well. Only scrubbed
content is ever written. Rows from production are marked as forbidden for training and
``export(for_training=True)`` refuses them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import structlog

from generator.errors import ExportRefused, TraceTampered
from generator.guard.storage import (
    Clock,
    append_chained,
    bookwright_home,
    canonical_json,
    chain_problems,
    connect,
    sha256_text,
    utc_now,
)

TraceKind = Literal["request", "response", "tool_call", "decision"]
PRODUCTION = "prod"
log = structlog.get_logger("bookwright.guard")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS traces (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    run_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    environment TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    duration_ms REAL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    training TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS traces_no_update BEFORE UPDATE ON traces
BEGIN SELECT RAISE(ABORT, 'traces are append-only'); END;
CREATE TRIGGER IF NOT EXISTS traces_no_delete BEFORE DELETE ON traces
BEGIN SELECT RAISE(ABORT, 'traces are append-only'); END;
"""
_HASHED = (
    "seq",
    "at",
    "run_id",
    "kind",
    "environment",
    "user_id",
    "tenant_id",
    "payload",
    "duration_ms",
    "input_tokens",
    "output_tokens",
    "training",
    "prev_hash",
)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking the hash chain."""

    rows: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row and the head check out."""
        return not self.problems


class TraceStore:
    """Hash-chained SQLite trace store."""

    def __init__(self, path: Path | None = None, *, clock: Clock = utc_now) -> None:
        """Open (or create) the store at ``path`` (default ``BOOKWRIGHT_HOME/traces.db``)."""
        self.path = path or bookwright_home() / "traces.db"
        self.clock = clock
        self._db = connect(self.path)
        self._db.executescript(_SCHEMA)

    def append(
        self,
        *,
        run_id: str,
        kind: TraceKind,
        environment: str,
        user_id: str,
        tenant_id: str,
        payload: dict[str, Any],
        duration_ms: float | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
    ) -> int:
        """Append one entry and return its sequence number."""
        fields = {
            "at": self.clock().isoformat(),
            "run_id": run_id,
            "kind": kind,
            "environment": environment,
            "user_id": user_id,
            "tenant_id": tenant_id,
            "payload": canonical_json(payload),
            "duration_ms": None if duration_ms is None else round(duration_ms, 3),
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "training": "forbidden" if environment == PRODUCTION else "allowed",
        }
        return append_chained(
            self._db, table="traces", head_table="chain_head", fields=fields, row_hash=_row_hash
        )

    def entries(self, *, run_id: str | None = None) -> list[dict[str, Any]]:
        """Entries in order, payloads decoded (for reports and tests)."""
        rows = (
            self._db.execute("SELECT * FROM traces WHERE run_id = ? ORDER BY seq", (run_id,))
            if run_id
            else self._db.execute("SELECT * FROM traces ORDER BY seq")
        )
        return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]

    def verify(self) -> Verification:
        """Walk the chain and report every edited, deleted or missing row."""
        count, problems = chain_problems(
            self._db, table="traces", head_table="chain_head", row_hash=_row_hash
        )
        outcome = Verification(rows=count, problems=problems)
        log.info("guard.trace_verified", rows=count, ok=outcome.ok, problems=len(problems))
        return outcome

    def verify_or_raise(self) -> Verification:
        """``verify``, raising ``TraceTampered`` when the chain is broken."""
        outcome = self.verify()
        if not outcome.ok:
            raise TraceTampered(f"{self.path}: " + "; ".join(outcome.problems))
        return outcome

    def export(self, *, for_training: bool, environment: str | None = None) -> list[dict[str, Any]]:
        """Entries (optionally of one environment); for training, production is refused.

        Refusing rather than filtering makes the rule visible: a request that would have
        included production transcripts fails loudly instead of silently returning less.
        """
        rows = [
            row
            for row in self.entries()
            if environment is None or row["environment"] == environment
        ]
        if for_training and any(row["training"] == "forbidden" for row in rows):
            log.warning("guard.training_export_refused", environment=environment)
            raise ExportRefused(
                "production transcripts are forbidden for training; export a non-production "
                "environment instead (e.g. environment='dev')"
            )
        return rows

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def _row_hash(row: dict[str, Any]) -> str:
    return sha256_text(canonical_json({key: row[key] for key in _HASHED}))


def verify_traces(path: Path | None = None) -> Verification:
    """Library entry point for ``bookwright trace verify``."""
    store = TraceStore(path)
    try:
        return store.verify()
    finally:
        store.close()
