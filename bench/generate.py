"""Whole-process timings of Bookwright's main job, as ratios against a baseline of the same run.

Figures: ``bookwright render`` of the fitness manifest and ``bookwright new`` end to end on the
fitness spec (offline planner), each against a bare ``python -c pass`` start measured in the same
run, so the ratios stay comparable across machines. Run: ``make bench``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = ROOT / "tests" / "fixtures" / "specs" / "fitness-studio.md"
MANIFEST = ROOT / "generated_examples" / "fitness" / "manifest.yaml"
RUNS = 3


def timed(command: list[str]) -> float:
    """Median wall time of ``RUNS`` runs of a command that must succeed."""
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print each figure in seconds and as a multiple of the baseline."""
    with tempfile.TemporaryDirectory() as scratch:
        baseline = timed([sys.executable, "-c", "pass"])
        figures = {
            "bookwright --help": timed([str(BIN / "bookwright"), "--help"]),
            "bookwright render (fitness)": timed(
                [str(BIN / "bookwright"), "render", str(MANIFEST), "--out", f"{scratch}/r"]
            ),
            "bookwright new (fitness, offline)": timed(
                [str(BIN / "bookwright"), "new", "--spec", str(SPEC), "--out", f"{scratch}/n"]
            ),
        }

    print(f"baseline: python -c pass  {baseline:8.3f} s  1.0x  (median of {RUNS})")
    for name, seconds in figures.items():
        print(f"{name:36} {seconds:8.3f} s  {seconds / baseline:7.1f}x baseline")


if __name__ == "__main__":
    main()
