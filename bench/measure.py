"""Timing, query counting and the table `make bench` prints."""

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Target:
    """The issue's figures for one row; None where it sets none."""

    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    speedup: float | None = None

    def describe(self) -> str:
        parts = []
        if self.median_ms is not None:
            parts.append(f"med≤{self.median_ms:g}")
        if self.p95_ms is not None:
            parts.append(f"p95≤{self.p95_ms:g}")
        if self.queries is not None:
            parts.append(f"q≤{self.queries}")
        if self.speedup is not None:
            parts.append(f"≥{self.speedup:g}×")
        return " ".join(parts)


@dataclass(frozen=True)
class Case:
    """One row of the table: what is measured, the straightforward version beside it, and the target."""

    name: str
    run: Callable[[], object]
    baseline: Callable[[], object] | None = None
    target: Target | None = None
    warmup: int | None = None  # None: BENCH_WARMUP
    repeat: int | None = None  # None: BENCH_REPEAT
    # The callables time themselves (in another process) and return a Sample.
    self_timed: bool = False
    # Run untimed before each call (warm-up, timed and counted), e.g. the write a first view comes after.
    before: Callable[[], object] | None = None


@dataclass(frozen=True)
class Sample:
    """What a self-timed callable returns: its time, its queries and a note for under the table."""

    ms: float
    queries: int
    note: str = ""


@dataclass(frozen=True)
class Figures:
    median_ms: float
    p95_ms: float
    queries: int


@dataclass(frozen=True)
class Row:
    case: Case
    figures: Figures
    baseline: Figures | None
    notes: tuple[str, ...] = ()

    @property
    def speedup(self) -> float | None:
        if self.baseline is None or not self.figures.median_ms:
            return None
        return self.baseline.median_ms / self.figures.median_ms

    def verdict(self) -> str:
        t = self.case.target
        if t is None:
            return ""
        misses = []
        if t.median_ms is not None and self.figures.median_ms > t.median_ms:
            misses.append("median")
        if t.p95_ms is not None and self.figures.p95_ms > t.p95_ms:
            misses.append("p95")
        if t.queries is not None and self.figures.queries > t.queries:
            misses.append("queries")
        if t.speedup is not None and (self.speedup or 0) < t.speedup:
            misses.append("speed-up")
        return "met" if not misses else "MISSED: " + ", ".join(misses)


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


# Django also logs the statements that open and close a transaction; they are not queries of the page.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _count_queries(fn: Callable[[], object], before: Callable[[], object] | None = None) -> int:
    """The SQL statements a call sends, BEGIN and COMMIT (and savepoints) aside."""
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return sum(1 for q in ctx.captured_queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL))


def measure(case: Case, *, warmup: int, repeat: int) -> Row:
    """Warms up, then times the product and its baseline alternately (so both see the same machine load),
    then counts each one's queries in a separate, untimed call. The garbage collector runs (untimed) before
    every timed call, so the baseline's garbage does not land on the product's time."""
    fns = [case.run] + ([case.baseline] if case.baseline else [])
    if case.self_timed:
        return _measure_self_timed(case, fns, warmup=warmup, repeat=repeat)
    before = case.before or (lambda: None)
    for _ in range(warmup):
        for fn in fns:
            before()
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, samples, strict=True):
            before()
            gc.collect()  # untimed: each call pays for its own garbage, not for the previous call's
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    figures = [
        Figures(statistics.median(times), _p95(times), _count_queries(fn, case.before))
        for fn, times in zip(fns, samples, strict=True)
    ]
    return Row(case, figures[0], figures[1] if case.baseline else None)


def _measure_self_timed(case: Case, fns: list, *, warmup: int, repeat: int) -> Row:
    for _ in range(warmup):
        for fn in fns:
            fn()
    samples: list[list[Sample]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, taken in zip(fns, samples, strict=True):
            taken.append(fn())
    figures = [
        Figures(statistics.median(s.ms for s in taken), _p95([s.ms for s in taken]), taken[-1].queries)
        for taken in samples
    ]
    notes = tuple(taken[-1].note for taken in samples if taken[-1].note)
    return Row(case, figures[0], figures[1] if case.baseline else None, notes)


def table(rows: list[Row]) -> str:
    head = (
        f"{'':44} {'median':>8} {'p95':>8} {'queries':>7} │ {'baseline':>8} {'p95':>8} {'queries':>7} │ "
        f"{'speed-up':>8} │ target"
    )
    unit = f"{'':44} {'ms':>8} {'ms':>8} {'':>7} │ {'ms':>8} {'ms':>8} {'':>7} │ {'':>8} │"
    lines = [head, unit, "─" * len(head)]
    for row in rows:
        f, b = row.figures, row.baseline
        base = f"{b.median_ms:8.1f} {b.p95_ms:8.1f} {b.queries:7d}" if b else f"{'—':>8} {'—':>8} {'—':>7}"
        speed = f"{row.speedup:7.1f}×" if row.speedup is not None else f"{'—':>8}"
        target = row.case.target.describe() if row.case.target else ""
        verdict = row.verdict()
        lines.append(
            f"{row.case.name:44.44} {f.median_ms:8.1f} {f.p95_ms:8.1f} {f.queries:7d} │ {base} │ {speed} │ "
            f"{target}{'  ' + verdict if verdict else ''}"
        )
    notes = [f"  {row.case.name}: {note}" for row in rows for note in row.notes]
    notes.append("  queries: SQL statements sent; the BEGIN and COMMIT around a transaction are not counted.")
    return "\n".join(lines + [""] + notes)
