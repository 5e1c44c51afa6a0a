"""Timing helpers shared by the runner and the scenarios that measure their own way."""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    ours: float  # seconds (or any unit where less is better, as long as both sides share it)
    baseline: float
    target: float | None  # None: shown for information, never failed
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def passed(self) -> bool:
        return self.target is None or self.ratio <= self.target

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "pass" if self.passed else "FAIL"


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def interleaved_medians(ours, baseline, *, repeat: int) -> tuple[float, float]:
    """Median seconds of each, run in turns (ours first on even turns, the baseline on odd)."""
    ours(), baseline()  # warm caches and connections once
    ours_timings, baseline_timings = [], []
    for turn in range(repeat):
        if turn % 2 == 0:
            ours_timings.append(_timed(ours))
            baseline_timings.append(_timed(baseline))
        else:
            baseline_timings.append(_timed(baseline))
            ours_timings.append(_timed(ours))
    return statistics.median(ours_timings), statistics.median(baseline_timings)


def median_seconds(function, *, repeat: int) -> float:
    """One side alone (kept for scenarios that time a single function)."""
    function()
    return statistics.median(_timed(function) for _ in range(repeat))
