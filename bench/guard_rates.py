"""Detection and false-positive rates of the guard's screening, over our cases and deepset.

Our cases: injections.jsonl rows expecting ``quarantine`` must be held; benign.jsonl rows and
every sample spec turn must pass. deepset-pi: thresholds were tuned on ids 1-546 only; the
figures that count are on 547-662 (its labels follow another product's threat model, where any
off-task request is an injection, so its detection rate is a floor, not a target).

Run: ``.venv/bin/python bench/guard_rates.py``
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.guard.policy import load_policy  # noqa: E402
from generator.guard.screening import Screener  # noqa: E402

CASES = ROOT / "tests" / "fixtures" / "cases"
SPECS = ROOT / "tests" / "fixtures" / "specs"
DEEPSET = Path("/work/shared/cases/public/deepset-pi.jsonl")
TUNE_LAST_ID = 546


@dataclass(frozen=True)
class Rates:
    """Detection over attacks, false positives over benign inputs."""

    name: str
    attacks: int
    detected: int
    benign: int
    flagged: int

    @property
    def detection(self) -> float:
        return self.detected / self.attacks if self.attacks else 0.0

    @property
    def false_positive(self) -> float:
        return self.flagged / self.benign if self.benign else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<28} detection {self.detection:6.1%} ({self.detected}/{self.attacks})"
            f"   false positives {self.false_positive:6.1%} ({self.flagged}/{self.benign})"
        )


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _spec_turns() -> list[str]:
    turns: list[str] = []
    for path in sorted(SPECS.glob("*.md")):
        if path.name != "README.md":
            body = path.read_text(encoding="utf-8").split("expect:")[0]
            turns += [t.strip() for t in re.split(r"^## turn \d+\n", body, flags=re.M)[1:]]
    return turns


def _rates(name: str, screener: Screener, rows: list[tuple[str, str, bool]]) -> Rates:
    attacks = [(t, v) for t, v, is_attack in rows if is_attack]
    benign = [(t, v) for t, v, is_attack in rows if not is_attack]
    detected = sum(screener.screen(t, v).suspicious for t, v in attacks)  # type: ignore[arg-type]
    flagged = sum(screener.screen(t, v).suspicious for t, v in benign)  # type: ignore[arg-type]
    return Rates(name, len(attacks), detected, len(benign), flagged)


def compute() -> list[Rates]:
    """The rate table: ours, the spec turns, and deepset's tuning and held-out splits."""
    screener = Screener(load_policy().injection)
    ours = [
        (c["text"], c["vector"], True)
        for c in _jsonl(CASES / "injections.jsonl")
        if c["expect"] == "quarantine"
    ]
    ours += [(c["text"], c["vector"], False) for c in _jsonl(CASES / "benign.jsonl")]
    specs = [(turn, "chat", False) for turn in _spec_turns()]

    deepset = _jsonl(DEEPSET)

    def split(keep: bool) -> list[tuple[str, str, bool]]:
        return [
            (r["text"], "chat", r["label"] == "injection")
            for r in deepset
            if (int(r["id"].rsplit("-", 1)[1]) <= TUNE_LAST_ID) == keep
        ]

    return [
        _rates("ours (quarantine vs allow)", screener, ours),
        _rates("sample spec turns", screener, specs),
        _rates("deepset 1-546 (tuning)", screener, split(True)),
        _rates("deepset 547-662 (held out)", screener, split(False)),
    ]


if __name__ == "__main__":
    for rates in compute():
        print(rates.line())
