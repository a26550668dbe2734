"""The rate report runs and our own figures are perfect; deepset is reported, held to a floor."""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import ROOT


def _bench() -> object:
    spec = importlib.util.spec_from_file_location("guard_rates", ROOT / "bench" / "guard_rates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["guard_rates"] = module
    spec.loader.exec_module(module)
    return module


def test_rates_over_our_cases_and_deepset() -> None:
    """All our injections held, nothing benign held; deepset held-out false positives stay low."""
    rates = {r.name: r for r in _bench().compute()}  # type: ignore[attr-defined]
    ours = rates["ours (quarantine vs allow)"]
    assert (ours.detection, ours.false_positive) == (1.0, 0.0)
    assert rates["sample spec turns"].flagged == 0
    held_out = rates["deepset 547-662 (held out)"]
    assert held_out.attacks == 60 and held_out.benign == 56
    assert held_out.false_positive <= 0.05
    assert held_out.detection >= 0.15
