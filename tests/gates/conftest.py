"""Gate fixtures: a copy of the fitness app's manifest, a real gate log and keyring in tmp."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.gates import Gates
from tests.conftest import EXAMPLES

FIXED_NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ADMINS = ("ana", "bo", "cy")


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """An app folder holding the fitness example's manifest.

    Refunds are added to its audit events when missing: the committed example predates the
    invariant that online payments audit refunds (idempotent once the example is regenerated).
    """
    folder = tmp_path / "fitness"
    folder.mkdir()
    data = yaml.safe_load((EXAMPLES / "fitness" / "manifest.yaml").read_text(encoding="utf-8"))
    events = data.setdefault("audit", {}).setdefault("events", [])
    if "refund" not in events:
        events.append("refund")
    (folder / "manifest.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """BOOKWRIGHT_HOME for this test: keyring and gate log."""
    return tmp_path / "home"


@pytest.fixture
def gates(home: Path) -> Iterator[Gates]:
    """A gate service with three platform admins and a fixed clock."""
    service = Gates(home / "gates.db", home=home, clock=lambda: FIXED_NOW)
    first, *others = ADMINS
    service.add_admin(first)
    for admin in others:
        service.add_admin(admin, sponsor=first)
    yield service
    service.close()


@pytest.fixture
def edited(app_dir: Path) -> Callable[[Callable[[dict[str, Any]], None]], dict[str, Any]]:
    """The app's manifest as data, changed by the given function."""

    def make(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        data = yaml.safe_load((app_dir / "manifest.yaml").read_text(encoding="utf-8"))
        data = copy.deepcopy(data)
        change(data)
        return data  # type: ignore[no-any-return]

    return make


def raise_staff_cap(data: dict[str, Any]) -> None:
    """Staff refund cap 5000 -> 8000 (the fitness example has no prices to cap it)."""
    data["roles"][0]["refund_cap"]["amount_minor"] = 8000


def longer_hold(data: dict[str, Any]) -> None:
    """Hold 10 -> 15 minutes."""
    data["booking"]["hold_minutes"] = 15
