"""The quarantine: inputs the screening held back, waiting for a platform admin's decision.

A held input never reaches a model. The record keeps what an admin needs to decide (reasons,
score, the scrubbed text, who sent it and when) and a hash of the original, so a released
input can be sent again and pass screening without the admin's decision being bypassable by a
different text. Personal data is scrubbed before it is stored.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import structlog

from generator.errors import QuarantineNotFound, UserError
from generator.guard.storage import Clock, bookwright_home, connect, sha256_text, utc_now

Status = Literal["held", "released", "rejected"]
log = structlog.get_logger("bookwright.guard")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS quarantine (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    environment TEXT NOT NULL,
    vector TEXT NOT NULL,
    reasons TEXT NOT NULL,
    score REAL NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    scrubbed_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'held',
    decided_by TEXT,
    decided_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS quarantine_status ON quarantine (status, created_at);
"""


def text_hash(text: str) -> str:
    """The hash a quarantined text is remembered by."""
    return sha256_text(text)


@dataclass(frozen=True)
class QuarantineEntry:
    """One held input and, once decided, the decision.

    Attributes:
        text: the scrubbed text; on release, this is what the conversation resumes with.
        text_hash: SHA-256 of the original text, to recognise it when it is sent again.
    """

    id: str
    created_at: datetime
    user_id: str
    tenant_id: str
    environment: str
    vector: str
    reasons: tuple[str, ...]
    score: float
    text: str
    text_hash: str
    status: Status
    decided_by: str | None
    decided_at: datetime | None
    note: str


class QuarantineStore:
    """SQLite-backed quarantine; one file per installation."""

    def __init__(self, path: Path | None = None, *, clock: Clock = utc_now) -> None:
        """Open (or create) the store at ``path`` (default ``BOOKWRIGHT_HOME/quarantine.db``)."""
        self.path = path or bookwright_home() / "quarantine.db"
        self.clock = clock
        self._db = connect(self.path)
        self._db.executescript(_SCHEMA)

    def hold(
        self,
        *,
        original: str,
        scrubbed: str,
        user_id: str,
        tenant_id: str,
        environment: str,
        vector: str,
        reasons: list[str],
        score: float,
    ) -> QuarantineEntry:
        """Store an input the screening stopped and return its record."""
        entry_id = f"q_{uuid.uuid4().hex[:12]}"
        self._db.execute(
            "INSERT INTO quarantine (id, created_at, user_id, tenant_id, environment, vector,"
            " reasons, score, text, text_hash, scrubbed_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                entry_id,
                self.clock().isoformat(),
                user_id,
                tenant_id,
                environment,
                vector,
                json.dumps(reasons),
                score,
                scrubbed,
                text_hash(original),
                text_hash(scrubbed),
            ),
        )
        log.warning(
            "guard.quarantined",
            quarantine_id=entry_id,
            user=user_id,
            tenant=tenant_id,
            vector=vector,
            score=score,
            reasons=reasons,
        )
        return self.show(entry_id)

    def list(self, *, status: Status | None = "held") -> list[QuarantineEntry]:
        """Entries with ``status`` (all when None), oldest first."""
        query = "SELECT * FROM quarantine"
        rows = (
            self._db.execute(f"{query} WHERE status = ? ORDER BY created_at", (status,))
            if status
            else self._db.execute(f"{query} ORDER BY created_at")
        )
        return [_entry(row) for row in rows]

    def show(self, entry_id: str) -> QuarantineEntry:
        """One entry, or ``QuarantineNotFound``."""
        row = self._db.execute("SELECT * FROM quarantine WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise QuarantineNotFound(
                f"no quarantined input has id {entry_id!r}; `bookwright quarantine list` "
                "shows the held ones"
            )
        return _entry(row)

    def release(self, entry_id: str, *, admin: str, note: str = "") -> QuarantineEntry:
        """Let a held input through; the returned entry's ``text`` resumes the conversation."""
        return self._decide(entry_id, "released", admin=admin, note=note)

    def reject(self, entry_id: str, *, admin: str, note: str = "") -> QuarantineEntry:
        """Refuse a held input for good."""
        return self._decide(entry_id, "rejected", admin=admin, note=note)

    def is_released(self, text: str, *, tenant_id: str) -> bool:
        """True when an admin released this exact text (original or scrubbed) for the tenant."""
        digest = text_hash(text)
        row = self._db.execute(
            "SELECT 1 FROM quarantine WHERE status = 'released' AND tenant_id = ?"
            " AND (text_hash = ? OR scrubbed_hash = ?) LIMIT 1",
            (tenant_id, digest, digest),
        ).fetchone()
        return row is not None

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _decide(self, entry_id: str, status: Status, *, admin: str, note: str) -> QuarantineEntry:
        if not admin.strip():
            raise UserError("a quarantine decision needs the deciding admin's id")
        current = self.show(entry_id)
        if current.status != "held":
            raise UserError(
                f"quarantine entry {entry_id} was already {current.status} by "
                f"{current.decided_by}; decisions are final"
            )
        self._db.execute(
            "UPDATE quarantine SET status = ?, decided_by = ?, decided_at = ?, note = ?"
            " WHERE id = ? AND status = 'held'",
            (status, admin, self.clock().isoformat(), note, entry_id),
        )
        log.warning("guard.quarantine_decided", quarantine_id=entry_id, status=status, admin=admin)
        return self.show(entry_id)


def _entry(row: sqlite3.Row) -> QuarantineEntry:
    return QuarantineEntry(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        user_id=row["user_id"],
        tenant_id=row["tenant_id"],
        environment=row["environment"],
        vector=row["vector"],
        reasons=tuple(json.loads(row["reasons"])),
        score=row["score"],
        text=row["text"],
        text_hash=row["text_hash"],
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=datetime.fromisoformat(row["decided_at"]) if row["decided_at"] else None,
        note=row["note"],
    )
