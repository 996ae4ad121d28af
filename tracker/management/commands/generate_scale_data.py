"""`manage.py generate_scale_data`: the benchmarks' data set (see `tracker.scale_data`).

It writes rows directly, bypassing `report_submit`: acceptable only because it is a generator for
benchmarks. It refuses to touch a database that already holds assignments unless told to `--append` to
them or to `--flush` all tracker work first.
"""

import datetime
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker import scale_data
from tracker.models import Assignment


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today takes a date as yyyy-mm-dd, not {value!r}.")


def _count(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"Expected a whole number, not {value!r}.")
    if number < 0:
        raise CommandError(f"Expected a number of rows (0 or more), not {value!r}.")
    return number


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place on a terminal, every tenth otherwise)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.perf_counter()
        self.shown = -1.0
        self.step = 0

    def __call__(self, what: str, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        now = time.perf_counter()
        if self.tty:
            if now - self.shown < 0.2 and done < total:
                return
            self.shown = now
        else:
            step = int(fraction * 10)
            if step <= self.step and done < total:
                return
            self.step = step
        filled = int(fraction * self.WIDTH)
        line = (
            f"{what:>8} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:>10,}/{total:,} "
            f"{fraction:6.1%} {now - self.started:6.1f} s"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Generates a large, realistic, deterministic data set for the benchmarks: directives, commitments, "
        "tasks assigned to one, several or all missions, and ten years of progress reports. Writes rows "
        "directly (COPY on PostgreSQL), bypassing the report service: for benchmarks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assignments", type=_count, default=100_000, help="Assignments to add (100,000).")
        parser.add_argument("--reports", type=_count, default=1_000_000, help="Reports to add (1,000,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: same seed and day, same data (1).")
        parser.add_argument(
            "--today", type=_day, default=None, help="The day the data leads up to, yyyy-mm-dd (today in Ha Noi)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--append", action="store_true", help="Add to the assignments already there.")
        mode.add_argument(
            "--flush",
            action="store_true",
            help="First delete ALL tracker work (reports, extension requests, assignments, tasks, directives, "
            "commitments); missions, users and themes stay.",
        )
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive")

    def handle(self, *args, assignments, reports, seed, today, append, flush, interactive, **options):
        if flush:
            existing = Assignment.objects.count()
            if existing and interactive:
                answer = input(
                    f"This deletes {existing:,} assignments and all other tracker work in this database. "
                    "Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was deleted.")
            scale_data.flush()
        bar = ProgressBar(sys.stderr)
        try:
            result = scale_data.generate(
                assignments=assignments, reports=reports, seed=seed, today=today, append=append, progress=bar
            )
        except scale_data.RefusedError as exc:
            raise CommandError(str(exc))
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.assignments:,} assignments and {result.reports:,} reports "
                f"({result.tasks:,} tasks, {result.directives:,} directives, {result.commitments:,} commitments) "
                f"in {result.seconds:.1f} s."
            )
        )
