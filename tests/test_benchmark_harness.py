"""The benchmark harness's own logic (it is a script, not part of crmscan, but its figures go in README)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

run = pytest.importorskip("run", reason="benchmarks/run.py not importable")


def result(seconds: float | None, status: str = "ok") -> object:
    return run.RunResult(tool="t", mode="command", status=status, seconds=seconds)


def test_median_run_picks_the_middle_time_and_notes_every_run() -> None:
    runs = [result(2.17), result(1.06), result(1.10)]
    chosen = run.median_run(runs)
    assert chosen.seconds == 1.10
    assert chosen.notes[-1] == "median of 3 runs (s: 1.06, 1.10, 2.17)"


def test_median_run_skips_failed_runs_and_says_so() -> None:
    chosen = run.median_run([result(None, "error"), result(3.0), result(1.0)])
    assert chosen.seconds == 1.0  # lower middle of two
    assert chosen.notes[-1].endswith("; 1 run(s) failed")


def test_median_run_of_one_adds_no_note() -> None:
    only = result(1.5)
    assert run.median_run([only]) is only and only.notes == []


def test_all_failed_returns_the_first() -> None:
    first = result(None, "unavailable")
    assert run.median_run([first, result(None, "error")]) is first
