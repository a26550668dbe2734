"""Where the guard keeps its files, the clock it reads, and how it opens SQLite.

Both stores are plain SQLite files under ``BOOKWRIGHT_HOME`` (default ``~/.bookwright``): one
installation, no server needed. Tests point them at temporary folders and pass a fixed clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, in UTC so stored times compare across machines."""
    return datetime.now(UTC)


def bookwright_home(environ: dict[str, str] | None = None) -> Path:
    """The folder for local state: ``BOOKWRIGHT_HOME`` or ``~/.bookwright``."""
    env = os.environ if environ is None else environ
    return Path(env.get("BOOKWRIGHT_HOME") or Path.home() / ".bookwright")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating its folder) a SQLite file with WAL so readers never block the writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always hashes the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


GENESIS = "0" * 64
"""The ``prev_hash`` of the first row of every hash chain."""


def chain_problems(
    db: sqlite3.Connection,
    *,
    table: str,
    head_table: str,
    row_hash: Callable[[dict[str, Any]], str],
) -> tuple[int, list[str]]:
    """Walk a hash-chained table; (rows, every edited, deleted or missing row it found).

    Each row holds ``seq``, ``prev_hash`` and ``hash``; the head table remembers the last row,
    so rows cut from the end are found too. ``table`` and ``head_table`` are our own constants,
    never user input.
    """
    problems: list[str] = []
    expected_seq, expected_prev, count = 1, GENESIS, 0
    for row in db.execute(f"SELECT * FROM {table} ORDER BY seq"):  # noqa: S608
        record = dict(row)
        count += 1
        if record["seq"] != expected_seq:
            problems.append(f"rows {expected_seq}..{record['seq'] - 1} were deleted")
        if record["prev_hash"] != expected_prev:
            problems.append(f"row {record['seq']} does not follow the row before it")
        if row_hash(record) != record["hash"]:
            problems.append(f"row {record['seq']} was edited after it was written")
        expected_seq, expected_prev = record["seq"] + 1, record["hash"]

    head = db.execute(f"SELECT seq, hash FROM {head_table} WHERE id = 1").fetchone()  # noqa: S608
    last = expected_seq - 1
    if head is not None and (head["seq"], head["hash"]) != (last, expected_prev):
        problems.append(
            f"the chain ends at row {last} but its head is row {head['seq']}"
            " (rows deleted from the end, or the head was edited)"
        )
    return count, problems


def append_chained(
    db: sqlite3.Connection,
    *,
    table: str,
    head_table: str,
    fields: dict[str, Any],
    row_hash: Callable[[dict[str, Any]], str],
    in_transaction: Callable[[int], None] | None = None,
) -> int:
    """Append one row to a hash chain and move its head, all in one transaction.

    The row gets the next ``seq`` and the previous row's hash; ``in_transaction`` (given the
    new ``seq``) runs before the commit, so anything it writes lands with the row or not at all.
    Returns the new ``seq``.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        head = db.execute(f"SELECT seq, hash FROM {head_table} WHERE id = 1").fetchone()  # noqa: S608
        prev_seq, prev_hash = (head["seq"], head["hash"]) if head else (0, GENESIS)
        row = {"seq": prev_seq + 1, **fields, "prev_hash": prev_hash}
        row["hash"] = row_hash(row)

        db.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",  # noqa: S608
            tuple(row.values()),
        )
        if in_transaction is not None:
            in_transaction(row["seq"])
        db.execute(
            f"INSERT INTO {head_table} (id, seq, hash) VALUES (1, ?, ?)"  # noqa: S608
            " ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            (row["seq"], row["hash"]),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return int(row["seq"])
