"""The gate log: admins, change sets, signed decisions and promotions, append-only in SQLite.

Same design as the guard's trace store (and its helpers): each row carries the hash of the row
before it, triggers refuse UPDATE and DELETE, and a one-row head records the last sequence
number and hash, so an edited, deleted or truncated row is found by :meth:`GateLog.chain`.
"""

from __future__ import annotations

import json
import sqlite3
from functools import partial
from pathlib import Path
from typing import Any, Literal

from generator.guard.storage import (
    Clock,
    append_chained,
    canonical_json,
    chain_problems,
    connect,
    sha256_text,
    utc_now,
)

EntryKind = Literal[
    "admin_added",
    "proposed",
    "applied",
    "approved",
    "rejected",
    "promoted",
    "quarantine_released",
    "quarantine_rejected",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS gate_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    change_id TEXT NOT NULL,
    environment TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gate_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gate_nonces (nonce TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS gate_log_no_update BEFORE UPDATE ON gate_log
BEGIN SELECT RAISE(ABORT, 'the gate log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS gate_log_no_delete BEFORE DELETE ON gate_log
BEGIN SELECT RAISE(ABORT, 'the gate log is append-only'); END;
"""
_HASHED = ("seq", "at", "kind", "change_id", "environment", "actor", "payload", "prev_hash")


class NonceReused(Exception):
    """A signed decision's nonce was recorded before (internal; the service words the error)."""


class GateLog:
    """Hash-chained, append-only SQLite log of everything the gates decide."""

    def __init__(self, path: Path, *, clock: Clock = utc_now) -> None:
        """Open (or create) the log at ``path``."""
        self.path = path
        self.clock = clock
        self._db = connect(path)
        self._db.executescript(_SCHEMA)

    def append(
        self,
        kind: EntryKind,
        *,
        change_id: str = "",
        environment: str = "",
        actor: str,
        payload: dict[str, Any],
        nonce: str | None = None,
    ) -> int:
        """Append one entry and return its sequence number.

        A ``nonce`` is claimed in the same transaction, so two writers can never both record
        the same signed decision; ``NonceReused`` says it was claimed already.
        """
        fields: dict[str, Any] = {
            "at": self.clock().isoformat(),
            "kind": kind,
            "change_id": change_id,
            "environment": environment,
            "actor": actor,
            "payload": canonical_json(payload),
        }
        claim = None if nonce is None else partial(self._claim, nonce)
        return append_chained(
            self._db,
            table="gate_log",
            head_table="gate_head",
            fields=fields,
            row_hash=row_hash,
            in_transaction=claim,
        )

    def _claim(self, nonce: str, seq: int) -> None:
        try:
            self._db.execute("INSERT INTO gate_nonces (nonce, seq) VALUES (?, ?)", (nonce, seq))
        except sqlite3.IntegrityError:
            raise NonceReused(nonce) from None

    def entries(self, *, change_id: str | None = None) -> list[dict[str, Any]]:
        """Entries in order with decoded payloads, optionally of one change set."""
        if change_id is None:
            rows = self._db.execute("SELECT * FROM gate_log ORDER BY seq")
        else:
            rows = self._db.execute(
                "SELECT * FROM gate_log WHERE change_id = ? ORDER BY seq", (change_id,)
            )
        return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]

    def chain_problems(self) -> tuple[int, list[str]]:
        """(rows, problems): every edited, deleted or missing row of the chain."""
        return chain_problems(self._db, table="gate_log", head_table="gate_head", row_hash=row_hash)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def row_hash(row: dict[str, Any]) -> str:
    """The hash a row must carry: its hashed columns, canonical JSON, SHA-256."""
    return sha256_text(canonical_json({key: row[key] for key in _HASHED}))
