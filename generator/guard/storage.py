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
