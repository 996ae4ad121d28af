"""The steering committee's figures: key figures, breakdowns, monthly trends, scorecards, commitment follow-up.

Every figure is counted in the database with conditional aggregates (`Count(..., filter=...)`), in a
number of queries that does not depend on how many assignments or reports there are. Timeliness comes
from `tracker.timeliness` (one rule), with the missions' time zones read once per request.

What the figures mean (the dashboard shows these notes to its readers):
- Scope: the assignments of the chosen region, theme (and mission, for a scorecard) whose current
  deadline falls in the period. Cancelled assignments are left out of every figure.
- Completed, completed on time / late, overdue, due in the next 7 days: the timeliness rule.
- On-time rate: assignments completed on time ÷ (completed + overdue), i.e. of the work that is finished or
  past its deadline, the share finished by its deadline. None (shown "—") when there is no such work.
- Trends count events in each month of the period: completions (by completion day), assignments that
  fell overdue (on the day after their deadline, if not completed by then) and reports filed (Ha Noi
  time). Region and theme apply; the period only chooses the months.
- Silent missions: active missions with open work in scope and no report on that work for 30 days.
"""

import datetime
import functools
import hashlib
import itertools
import json
import operator
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from missions.models import Mission
from tracker import cache, timeliness, transitions
from tracker.models import (
    Assignment,
    Commitment,
    Directive,
    ExtensionRequest,
    Report,
    Status,
    Task,
    Theme,
    Timeliness,
)

SILENT_DAYS = 30
# The scans' results are cached under the database's state (`Scans._cache_key_base`): an entry is never read again
# once anything is written, and goes at the latest after this many seconds.
SCANS_CACHE_TIMEOUT = 15 * 60
MAX_TREND_MONTHS = 36
DEFAULT_TREND_MONTHS = 12

T = TypeVar("T")


# --- scope and periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which assignments the figures count: by deadline period, region, theme and mission."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    region: str | None = None
    theme_id: int | None = None
    mission_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        """The assignments in scope; `prefix` reaches an assignment through a relation ("assignments__")."""
        q = self.events_q(prefix)
        if self.start:
            q &= Q(**{f"{prefix}deadline__gte": self.start})
        if self.end:
            q &= Q(**{f"{prefix}deadline__lte": self.end})
        return q

    def events_q(self, prefix: str = "") -> Q:
        """Like `q`, without the period: for trends, whose months come from the period."""
        q = ~Q(**{f"{prefix}status": Status.CANCELLED})
        if self.region:
            q &= Q(**{f"{prefix}mission__region": self.region})
        if self.theme_id:
            tagged = Task.themes.through.objects.filter(theme_id=self.theme_id).values("task_id")
            q &= Q(**{f"{prefix}task_id__in": tagged})
        if self.mission_id:
            q &= Q(**{f"{prefix}mission_id": self.mission_id})
        return q

    @property
    def has_period(self) -> bool:
        return bool(self.start or self.end)


PERIODS = ("month", "last_month", "quarter", "last_quarter", "half", "last_half", "year", "last_year")


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_dates(name: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of a named period around `today` (this month, last quarter, this year, …)."""
    length = {"month": 1, "quarter": 3, "half": 6, "year": 12}
    base = name.removeprefix("last_")
    if base not in length:
        raise ValueError(name)
    months = length[base]
    first = datetime.date(today.year, (today.month - 1) // months * months + 1, 1)
    if name.startswith("last_"):
        first = _add_months(first, -months)
    return first, _add_months(first, months) - datetime.timedelta(days=1)


def committee_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today in Ha Noi, where the committee sits."""
    return timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _committee_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def trend_months(scope: Scope, now: datetime.datetime) -> list[tuple[datetime.date, datetime.date]]:
    """The months a trend covers: those of the period (at most 36, the latest), else the last 12."""
    last = _month_start(scope.end or committee_today(now))
    if scope.start:
        first = _month_start(scope.start)
        last = max(last, first)
    else:
        first = _add_months(last, -(DEFAULT_TREND_MONTHS - 1))
    first = max(first, _add_months(last, -(MAX_TREND_MONTHS - 1)))
    months = []
    month = first
    while month <= last:
        following = _add_months(month, 1)
        months.append((month, following - datetime.timedelta(days=1)))
        month = following
    return months


# --- figures -----------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts behind every row of the dashboard, a scorecard and the commitment follow-up."""

    total: int = 0
    completed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    due_soon: int = 0
    on_track: int = 0
    blocked: int = 0
    in_progress: int = 0
    not_started: int = 0

    FIELDS = (
        "total",
        "completed",
        "on_time",
        "late",
        "overdue",
        "due_soon",
        "on_track",
        "blocked",
        "in_progress",
        "not_started",
    )

    @classmethod
    def from_row(cls, row) -> "Figures":
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name, 0)
        return cls(**{name: get(name) or 0 for name in cls.FIELDS})

    @property
    def rate(self) -> float | None:
        """On-time rate in percent (see the module's notes), None when nothing is finished or overdue."""
        return rate(self.on_time, self.completed + self.overdue)

    @property
    def open(self) -> int:
        return self.total - self.completed


def rate(on_time: int, due: int) -> float | None:
    return round(100.0 * on_time / due, 1) if due else None


def figure_aggregates(conds: dict[str, Q], *, prefix: str = "", base: Q | None = None) -> dict:
    """Conditional counts of assignments reached through `prefix`, each limited to `base` (the scope)."""
    base = base or Q()
    path = f"{prefix}id"

    def count(q: Q | None = None) -> Count:
        condition = base & q if q is not None else base
        return Count(path, filter=condition) if condition else Count(path)

    status = f"{prefix}status"
    return {
        "total": count(),
        "completed": count(Q(**{status: Status.COMPLETED})),
        "on_time": count(conds[Timeliness.COMPLETED_ON_TIME]),
        "late": count(conds[Timeliness.COMPLETED_LATE]),
        "overdue": count(conds[Timeliness.OVERDUE]),
        "due_soon": count(conds[Timeliness.DUE_SOON]),
        "on_track": count(conds[Timeliness.ON_TRACK]),
        "blocked": count(Q(**{status: Status.BLOCKED})),
        "in_progress": count(Q(**{status: Status.IN_PROGRESS})),
        "not_started": count(Q(**{status: Status.NOT_STARTED})),
    }


def rate_expression() -> Cast:
    """The on-time rate of annotated rows (percent, NULL when there is nothing due), for ordering in the database."""
    return Cast(F("on_time"), FloatField()) * Value(100.0) / NullIf(F("completed") + F("overdue"), 0)


def _context(
    now: datetime.datetime | None, zones: timeliness.Zones | None
) -> tuple[datetime.datetime, timeliness.Zones]:
    return now or timezone.now(), timeliness.resolve_zones(zones)


@dataclass
class KeyFigures(Figures):
    pending_extensions: int = 0


def key_figures(
    scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> KeyFigures:
    """The headline numbers (two queries)."""
    now, zones = _context(now, zones)
    counts = Assignment.objects.filter(scope.q()).aggregate(**figure_aggregates(timeliness.conditions(now, zones)))
    pending = ExtensionRequest.objects.filter(scope.q("assignment__"), state=ExtensionRequest.State.PENDING).count()
    return KeyFigures(**Figures.from_row(counts).__dict__, pending_extensions=pending)


@dataclass
class Row:
    """One row of a breakdown: what it is (key, label) and its figures."""

    key: object
    label: str
    figures: Figures
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.figures.rate


MISSION_SORTS = {
    "code": ("code",),
    "name": ("name",),
    "region": ("region", "code"),
    "total": ("total", "code"),
    "completed": ("completed", "code"),
    "rate": ("rate", "code"),
    "overdue": ("overdue", "code"),
    "blocked": ("blocked", "code"),
    "due_soon": ("due_soon", "code"),
    "last_report": ("last_report", "code"),
}
DEFAULT_MISSION_SORT = "worst"


# --- the shared scans --------------------------------------------------------------------------------------
#
# The dashboard's figures come from three scans, whatever the number of rows:
# - assignments grouped by mission and status: key figures, regions, missions and silent missions;
# - assignments grouped by task and status, summed per directive, per commitment and per theme in the same
#   statement (a WITH query);
# - the trend: completions and assignments that fell overdue by month, and reports filed by month (one
#   statement of four single-row parts).
# Grouping by status leaves each timeliness category only its condition on dates to test
# (`timeliness.parts`): far cheaper than ten conditional counts per row. Cancelled work is counted in its
# own group and left out here, which spares a test on every row.
# Each scan's result is cached under the database's state, the scope and each time zone's day
# (`Scans._cache_key_base`): the page read again with nothing written since costs none of the three.
# The two assignment scans are also cached in slices, so that the first view after a write counts again only what
# the write can have changed:
# - open work (not started, in progress, blocked), under the database's state as above: counted afresh after any
#   write, as a report moves it and its timeliness moves with the days;
# - settled work (completed or cancelled) by its deadline: before last year, from then to the month before last
#   (`Scans._cutoffs`), and since, each under the tokens of its deadline months and of the tasks' structure
#   (`SettledWork`, replaced by database triggers in the transaction of any write that changes them, however it
#   is made). A report on open work changes none; a completion, which comes around its deadline, changes the
#   smallest, most recent slice, a late one the middle slice, seldom the oldest.
# The slices a view misses are counted in one statement (a column says each row's slice), so a view sends as many
# statements as before. The missions, the themes and the pending extensions are always read.


@dataclass
class TrendPoint:
    month: datetime.date
    completed: int
    fell_overdue: int
    reports: int


CATEGORY_FIELDS = {
    Timeliness.COMPLETED_ON_TIME: "on_time",
    Timeliness.COMPLETED_LATE: "late",
    Timeliness.OVERDUE: "overdue",
    Timeliness.DUE_SOON: "due_soon",
    Timeliness.ON_TRACK: "on_track",
}
STATUS_FIELDS = {
    Status.COMPLETED: "completed",
    Status.BLOCKED: "blocked",
    Status.IN_PROGRESS: "in_progress",
    Status.NOT_STARTED: "not_started",
}


# The state of the database the statement reads, for keys of cached figures: PostgreSQL's snapshot (which
# transactions' writes it sees; it differs as soon as any transaction in the cluster has written since, in any
# process and by any path: the ORM, raw SQL, a restore), the server's start time (a new server counts transactions
# anew), and which database, role and schemas the statement reads (one snapshot serves every database of a
# cluster). NULL inside a transaction that has written (its own writes are not in the snapshot's numbers) and on
# a standby (whose snapshot does not list the transactions in progress, so a commit may leave it unchanged).
_DATA_STATE = RawSQL(
    "CASE WHEN pg_current_xact_id_if_assigned() IS NULL AND NOT pg_is_in_recovery()"
    " THEN concat_ws(' ', current_database(), current_user, current_setting('search_path'),"
    " pg_postmaster_start_time(), pg_current_snapshot()) END",
    (),
    output_field=CharField(),
)
# The settled work's tokens (`SettledWork`), with which database, role and schemas the statement reads, as JSON;
# NULL where `_DATA_STATE` is.
_SETTLED_STATE = RawSQL(
    "CASE WHEN pg_current_xact_id_if_assigned() IS NULL AND NOT pg_is_in_recovery()"
    " THEN json_build_array(current_database(), current_user, current_setting('search_path'),"
    " (SELECT json_object_agg(name, token ORDER BY name) FROM tracker_settledwork))::text END",
    (),
    output_field=CharField(),
)
# The trend's months that ended longer ago than this are closed: their reports are counted under the "reports"
# token, which the database replaces for a report filed with a time more than 30 days ago (`SettledWork`).
CLOSED_AFTER = datetime.timedelta(days=35)
# What the scans count changes with this module and the timeliness rule (their code, DUE_SOON_DAYS, …): entries
# made by other code are not read, in a rolling deploy either.
_CODE = hashlib.sha256(Path(__file__).read_bytes() + Path(timeliness.__file__).read_bytes()).hexdigest()


class _CountOf(Subquery):
    """The number of rows of a queryset, as a value in another query's SELECT (run once: it is not correlated)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


class _Tally:
    """Adds rows counted per status (`n`, and `t_<category>`: how many meet the category's date condition) into
    lists of counts in the order of `Figures.FIELDS`; each status adds only the counts that concern it."""

    def __init__(self, parts: dict[str, tuple[list[str], Q]]):
        self.parts = parts
        self.columns = ["n", *[f"t_{category}" for category in parts]]
        position = {name: i for i, name in enumerate(Figures.FIELDS)}
        self.plan: dict[str, list[tuple[int, int]]] = {}  # status -> (position in `columns`, position in FIELDS)
        for status in Status.values:
            adds = [(0, position["total"])]
            if status in STATUS_FIELDS:
                adds.append((0, position[STATUS_FIELDS[status]]))
            for column, (category, (statuses, _q)) in enumerate(parts.items(), start=1):
                if status in statuses:
                    adds.append((column, position[CATEGORY_FIELDS[category]]))
            self.plan[status] = adds

    def aggregates(self) -> dict:
        """The counts named as `columns`: every row, and those meeting each category's date condition."""
        dated = {f"t_{category}": Count("id", filter=dates) for category, (_s, dates) in self.parts.items()}
        return {"n": Count("*"), **dated}

    def add(self, totals: dict, key, status: str, values) -> None:
        """Adds one row's counts (`values` in the order of `columns`) to those of `key` in `totals`."""
        counts = totals.get(key)
        if counts is None:
            counts = totals[key] = [0] * len(Figures.FIELDS)
        for column, at in self.plan[status]:
            counts[at] += values[column] or 0


def _add(totals: dict, key, counts: list[int]) -> None:
    """Adds counts (in the order of `Figures.FIELDS`) to those of `key` in `totals`."""
    mine = totals.get(key)
    if mine is None:
        totals[key] = list(counts)
    else:
        for i, n in enumerate(counts):
            mine[i] += n


def _slicing(slices: list[Q], *, everything: bool) -> tuple[Q, Value | Case]:
    """The rows of the given slices (all rows when they are `everything`), and each row's slice as a column."""
    where = Q() if everything else functools.reduce(operator.or_, slices)
    if len(slices) == 1:
        return where, Value(0, output_field=IntegerField())
    whens = [When(q, then=Value(i)) for i, q in enumerate(slices[:-1])]
    return where, Case(*whens, default=Value(len(slices) - 1), output_field=IntegerField())


def _key(base: tuple, name: str, extra: tuple) -> str:
    return "dashboard-scan:" + hashlib.sha256(repr((*base, name, extra)).encode()).hexdigest()


def _sum(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for f in figures:
        for name in Figures.FIELDS:
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


def _raw_rate(f: Figures) -> float | None:
    """The on-time rate unrounded, for ordering (as the database would compute it)."""
    due = f.completed + f.overdue
    return f.on_time * 100.0 / due if due else None


class Scans:
    """The figures of one scope at one moment, each scan run once when first needed (see above)."""

    def __init__(
        self,
        scope: Scope,
        *,
        now: datetime.datetime | None = None,
        zones: timeliness.Zones | None = None,
        themes: Iterable[Theme] | None = None,
    ):
        self.scope = scope
        self.now = now or timezone.now()
        self._zones = None if zones is None else timeliness.resolve_zones(zones)
        self._themes = None if themes is None else list(themes)

    # reference data

    @cached_property
    def all_missions(self) -> list[Mission]:
        """Every mission (their time zones, regions and names), with two counts the page shows along."""
        pending = ExtensionRequest.objects.filter(self.scope.q("assignment__"), state=ExtensionRequest.State.PENDING)
        without_tasks = Commitment.objects.filter(tasks__isnull=True)
        postgresql = connection.vendor == "postgresql"
        state = {"data_state": _DATA_STATE, "settled_state": _SETTLED_STATE} if postgresql else {}
        return list(
            Mission.objects.annotate(
                pending_extensions_count=_CountOf(pending.order_by().values("pk")),
                commitments_without_tasks_count=_CountOf(without_tasks.order_by().values("pk")),
                **state,
            ).order_by("code")
        )

    @cached_property
    def zones(self) -> timeliness.Zones:
        """{zone: [mission id, …]} of every mission, from the missions read for the page."""
        if self._zones is not None:
            return self._zones
        return timeliness.zones_of((m.timezone, m.pk) for m in self.all_missions)

    @cached_property
    def themes(self) -> list[Theme]:
        return self._themes if self._themes is not None else list(Theme.objects.all())

    @cached_property
    def parts(self) -> dict:
        return timeliness.parts(self.now, self.zones)

    @property
    def pending_extensions(self) -> int:
        return self.all_missions[0].pending_extensions_count if self.all_missions else 0

    @property
    def commitments_without_tasks(self) -> int:
        return self.all_missions[0].commitments_without_tasks_count if self.all_missions else 0

    # the scans' results, kept for as long as the database does not change

    @cached_property
    def _cache_key_base(self) -> tuple | None:
        """What every scan's key holds: the database's state (see `_DATA_STATE`), the scope, each time zone's day
        and missions; None when the state cannot be told (SQLite, a standby)."""
        state = getattr(self.all_missions[0], "data_state", None) if self.all_missions else None
        if state is None:
            return None
        zones = self.zones
        days = sorted(
            (
                zone,
                timezone.localtime(self.now, zoneinfo.ZoneInfo(zone)).date().isoformat(),
                tuple(zones[zone]) if isinstance(zones, Mapping) else (),
            )
            for zone in set(zones)
        )
        database = connection.settings_dict
        return (_CODE, settings.TIME_ZONE, database["HOST"], database["PORT"], state, self.scope, days)

    @cached_property
    def _cutoffs(self) -> tuple[datetime.date, datetime.date]:
        """Where the slices of settled work part (see above): the first of January of last year and the first day of
        the month before last, in Ha Noi."""
        today = committee_today(self.now)
        return datetime.date(today.year - 1, 1, 1), _add_months(today, -2)

    @cached_property
    def _settled_state(self) -> tuple[tuple, dict[str, str]] | None:
        """What the keys of settled work's counts hold (the tokens apart), and the tokens by name; None when they
        cannot be told."""
        raw = getattr(self.all_missions[0], "settled_state", None) if self.all_missions else None
        if raw is None:
            return None
        database, user, search_path, tokens = json.loads(raw)
        database_settings = connection.settings_dict
        regions = [m.pk for m in self.all_missions if m.region == self.scope.region] if self.scope.region else None
        where = (database_settings["HOST"], database_settings["PORT"], database, user, search_path)
        return (_CODE, settings.TIME_ZONE, *where, self.scope, regions), tokens or {}

    @cached_property
    def _deadline_tokens(self) -> dict[datetime.date, str]:
        """The settled work's tokens by deadline month ("deadline:YYYY-MM" as the month's first day), for both scans."""
        _base, tokens = self._settled_state
        return {
            datetime.date.fromisoformat(f"{name.removeprefix('deadline:')}-01"): token
            for name, token in tokens.items()
            if name.startswith("deadline:")
        }

    def _can_cache(self) -> bool:
        """Not inside a transaction: it may write between reading the state and a scan, which would count its
        uncommitted work; nor when given the zones without the missions (no query made just for the state)."""
        return not (connection.in_atomic_block or (self._zones is not None and "all_missions" not in self.__dict__))

    def _cached(self, name: str, compute: Callable[[], T], *extra) -> T:
        """`compute()`'s result, from the cache when the same scan was made on the same data (see
        `_cache_key_base`)."""
        base = self._cache_key_base if self._can_cache() else None
        if base is None:
            return compute()
        return cache.remember(_key(base, name, extra), compute, timeout=SCANS_CACHE_TIMEOUT, what="dashboard figures")

    def _slices(self, name: str) -> list[tuple[Q, str]] | None:
        """The slices of an assignment scan with their cache keys (see above); None when they cannot be cached."""
        if not self._can_cache() or self._cache_key_base is None or self._settled_state is None:
            return None
        settled, tokens = self._settled_state
        slices = [(Q(status__in=timeliness.OPEN_STATUSES), _key(self._cache_key_base, name, ("open",)))]
        bounds = [None, *self._cutoffs, None]
        for start, end in itertools.pairwise(bounds):
            q = Q(status__in=sorted(transitions.CLOSED))
            if start:
                q &= Q(deadline__gte=start)
            if end:
                q &= Q(deadline__lt=end)
            mine = {
                m: t for m, t in self._deadline_tokens.items() if (not start or m >= start) and (not end or m < end)
            }
            slices.append((q, _key(settled, name, ("settled", start, end, tokens.get("structure"), mine))))
        return slices

    def _sliced(self, name: str, scan: Callable[[list[Q]], list[T]]) -> list[T]:
        """Each slice's result of `scan` (which counts the slices it is given in one statement), from the cache
        where it holds them; one slice, all the work, when they cannot be cached."""
        slices = self._slices(name)
        if slices is None:
            return scan([Q()], everything=True)
        keys = [key for _q, key in slices]
        found = cache.read_many(keys, what="dashboard figures")
        missing = [i for i, key in enumerate(keys) if found.get(key) is None]
        if missing:
            counted = scan([slices[i][0] for i in missing], everything=len(missing) == len(slices))
            fresh = {keys[i]: value for i, value in zip(missing, counted, strict=True)}
            cache.store_many(fresh, timeout=SCANS_CACHE_TIMEOUT, what="dashboard figures")
            found.update(fresh)
        return [found[key] for key in keys]

    def _missions_in_scope(self) -> list[Mission]:
        s = self.scope
        return [
            m
            for m in self.all_missions
            if (not s.region or m.region == s.region) and (not s.mission_id or m.pk == s.mission_id)
        ]

    def _where(self, *, period: bool = True, prefix: str = "") -> Q:
        """The scope but for cancelled work (which the scans count apart); regions as their missions' ids."""
        s, p = self.scope, prefix
        q = Q()
        if s.region:
            q &= Q(**{f"{p}mission_id__in": [m.pk for m in self.all_missions if m.region == s.region]})
        if s.theme_id:
            tagged = Task.themes.through.objects.filter(theme_id=s.theme_id).values("task_id")
            q &= Q(**{f"{p}task_id__in": tagged})
        if s.mission_id:
            q &= Q(**{f"{p}mission_id": s.mission_id})
        if period and s.start:
            q &= Q(**{f"{p}deadline__gte": s.start})
        if period and s.end:
            q &= Q(**{f"{p}deadline__lte": s.end})
        return q

    # assignments by mission and status

    @cached_property
    def _by_mission(self) -> dict[int, tuple[Figures, datetime.datetime | None]]:
        totals: dict[int, list[int]] = {}
        last: dict[int, datetime.datetime] = {}
        for counted, reported in self._sliced("by_mission", self._scan_by_mission):
            for mission_id, counts in counted.items():
                _add(totals, mission_id, counts)
            for mission_id, when in reported.items():
                if mission_id not in last or when > last[mission_id]:
                    last[mission_id] = when
        return {pk: (Figures(*counts), last.get(pk)) for pk, counts in totals.items()}

    def _scan_by_mission(self, slices: list[Q], *, everything: bool) -> list[tuple[dict, dict]]:
        """For each slice: {mission id: counts in the order of `Figures.FIELDS`}, {mission id: last report}."""
        tally = _Tally(self.parts)
        where, slice_no = _slicing(slices, everything=everything)
        rows = (
            Assignment.objects.filter(self._where(), where)
            .order_by()
            .annotate(slice_no=slice_no)
            .values("slice_no", "mission_id", "status")
            .annotate(**tally.aggregates(), last_report=Max("last_reported_at"))
            .values_list("slice_no", "mission_id", "status", "last_report", *tally.columns)
        )
        found: list[tuple[dict, dict]] = [({}, {}) for _ in slices]
        try:
            rows = list(rows)
        except EmptyResultSet:
            rows = []
        for at, mission_id, status, last_report, *counts in rows:
            if status == Status.CANCELLED:
                continue
            totals, last = found[at]
            tally.add(totals, mission_id, status, counts)
            if last_report is not None and (mission_id not in last or last_report > last[mission_id]):
                last[mission_id] = last_report
        return found

    def _figures_of(self, mission: Mission) -> tuple[Figures, datetime.datetime | None]:
        return self._by_mission.get(mission.pk, (Figures(), None))

    def key_figures(self) -> KeyFigures:
        total = _sum(f for f, _last in self._by_mission.values())
        return KeyFigures(**total.__dict__, pending_extensions=self.pending_extensions)

    def regions(self) -> list[Row]:
        sums: dict[str, list[Figures]] = {}
        for m in self.all_missions:
            if m.pk in self._by_mission:
                sums.setdefault(m.region, []).append(self._by_mission[m.pk][0])
        wanted = self.scope.region
        regions = [(value, label) for value, label in Mission.Region.choices if not wanted or value == wanted]
        return [Row(value, str(label), _sum(sums.get(value, []))) for value, label in regions]

    def missions(self, sort: str | None = None, language: str = "vi") -> list[Mission]:
        rows = []
        for m in self._missions_in_scope():
            f, last = self._figures_of(m)
            if not (m.is_active or f.total > 0):
                continue
            for name in Figures.FIELDS:
                setattr(m, name, getattr(f, name))
            m.last_report = last
            m.rate = _raw_rate(f)
            rows.append(m)
        return _sort_missions(rows, sort, language)

    def silent(self, days: int = SILENT_DAYS) -> list[Mission]:
        cutoff = self.now - datetime.timedelta(days=days)
        rows = []
        for m in self._missions_in_scope():
            f, last = self._figures_of(m)
            if not m.is_active or f.open <= 0 or (last is not None and last >= cutoff):
                continue
            m.open_assignments, m.overdue, m.last_report = f.open, f.overdue, last
            rows.append(m)
        rows.sort(key=lambda m: (m.last_report is not None, m.last_report or self.now, m.code))
        return rows

    # assignments by task and status, summed per directive, commitment and theme

    @cached_property
    def _by_task(self) -> dict[str, dict]:
        """{"directive"|"commitment"|"theme": {key: (labels, Figures)}}: one statement."""
        totals: dict[str, dict] = {"directive": {}, "commitment": {}, "theme": {}}
        labels: dict[tuple, tuple] = {}
        for counted, labelled in self._sliced("by_task", self._scan_by_task):
            for kind, found in counted.items():
                for key, counts in found.items():
                    _add(totals[kind], key, counts)
            labels.update(labelled)
        return {
            kind: {key: (labels[kind, key], Figures(*counts)) for key, counts in found.items()}
            for kind, found in totals.items()
        }

    def _scan_by_task(self, slices: list[Q], *, everything: bool) -> list[tuple[dict, dict]]:
        """For each slice: {kind: {key: counts in the order of `Figures.FIELDS`}}, {(kind, key): labels}."""
        tally = _Tally(self.parts)
        where, slice_no = _slicing(slices, everything=everything)
        found: list[tuple[dict, dict]] = [({"directive": {}, "commitment": {}, "theme": {}}, {}) for _ in slices]
        inner = (
            Assignment.objects.filter(self._where(), where)
            .order_by()
            .annotate(slice_no=slice_no)
            .values("slice_no", "task_id", "status")
            .annotate(**tally.aggregates())
        )
        try:
            inner_sql, params = inner.query.sql_with_params()
        except EmptyResultSet:
            return found
        qn = connection.ops.quote_name
        columns = tally.columns
        # Counts summed as integers (PostgreSQL sums bigints as numeric, slower by a tenth of the statement).
        sums = ", ".join(f"SUM(CAST(t.{qn(c)} AS integer)) AS {qn(c)}" for c in columns)
        task, directive, commitment = Task._meta, Directive._meta, Commitment._meta
        through = Task.themes.through._meta

        def col(meta, name):
            return qn(meta.get_field(name).column)

        def labelled(kind, meta, labels):
            """Sums per (directive or commitment, status), then their labels joined to those few rows."""
            label_cols = ", ".join(f"x.{col(meta, name)}" for name in labels)
            summed = ", ".join(f"g.{qn(c)}" for c in columns)
            # Only quoted table and column names and constant kinds go into the text; values are parameters.
            return (
                f"SELECT '{kind}' AS kind, g.slice_no, g.key, g.status, {label_cols}, {summed} FROM ("  # noqa: S608
                f"SELECT t.slice_no, t.{kind}_key AS key, t.status AS status, {sums} "
                f"FROM t GROUP BY t.slice_no, t.{kind}_key, t.status) g "
                f"LEFT OUTER JOIN {qn(meta.db_table)} x ON x.{qn(meta.pk.column)} = g.key"
            )

        # Each task's counts by status (ts), with its directive and commitment joined once (t) for both their sums.
        sql = (
            f"WITH ts AS ({inner_sql}), "  # noqa: S608
            f"t AS (SELECT ts.*, k.{col(task, 'directive')} AS directive_key, k.{col(task, 'commitment')} AS "
            f"commitment_key FROM ts INNER JOIN {qn(task.db_table)} k ON k.{qn(task.pk.column)} = ts.task_id) "
            + labelled("directive", directive, ("title", "number", "issued_on"))
            + " UNION ALL "
            + labelled("commitment", commitment, ("title", "partners", "signed_on"))
            + " UNION ALL "
            + f"SELECT 'theme' AS kind, t.slice_no, h.{col(through, 'theme')} AS key, t.status, NULL, NULL, NULL, "  # noqa: S608
            f"{sums} FROM t INNER JOIN {qn(through.db_table)} h ON h.{col(through, 'task')} = t.task_id "
            f"GROUP BY t.slice_no, h.{col(through, 'theme')}, t.status"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for kind, at, key, status, a, b, day, *counts in rows:
            if status == Status.CANCELLED:
                continue
            totals, labels = found[at]
            tally.add(totals[kind], key, status, counts)
            labels[kind, key] = (a, b, day)
        return found

    def directives(self) -> list[Row]:
        rows = [
            Row(key, title or "", f, {"number": number or "", "issued_on": _date(day)})
            for key, ((title, number, day), f) in self._by_task["directive"].items()
        ]
        return sorted(rows, key=_latest_first("issued_on"))

    def commitments(self) -> list[Row]:
        rows = [
            Row(key, title or "", f, {"partners": partners or "", "signed_on": _date(day)})
            for key, ((title, partners, day), f) in self._by_task["commitment"].items()
        ]
        return sorted(rows, key=_latest_first("signed_on"))

    def theme_rows(self) -> list[Row]:
        counted = self._by_task["theme"]
        return [
            Row(theme.pk, str(theme), counted[theme.pk][1] if theme.pk in counted else Figures(), {"code": theme.code})
            for theme in self.themes
            if not self.scope.theme_id or theme.pk == self.scope.theme_id
        ]

    # the trend

    def trend(self, months: list[tuple[datetime.date, datetime.date]] | None = None) -> list[TrendPoint]:
        """Per month: completions, assignments that fell overdue, reports filed: one statement of four parts."""
        months = months or trend_months(self.scope, self.now)
        if not months:
            return []
        return self._cached("trend", lambda: self._trend(months), months)

    def _trend(self, months: list[tuple[datetime.date, datetime.date]]) -> list[TrendPoint]:
        """The trend, with the reports of closed months (filed, and on cancelled work) from the cache where it
        holds them: they change only with what replaces the "reports" token (see `SettledWork`)."""
        closing = committee_today(self.now) - CLOSED_AFTER
        live = [i for i, (_start, end) in enumerate(months) if end >= closing]
        key = None
        if self._can_cache() and self._settled_state is not None:
            settled, tokens = self._settled_state
            key = _key(settled, "trend-closed", (months, live, tokens.get("structure"), tokens.get("reports")))
        closed = cache.read(key, what="dashboard figures") if key else None
        if closed is not None:
            counted = self._scan_trend(months, reports=live, cancelled=False)
            counted.update(closed)
        else:
            counted = self._scan_trend(months, reports=range(len(months)), cancelled=True)
            if key:
                closed = {
                    (kind, i): n
                    for (kind, i), n in counted.items()
                    if kind == "cancelled" or (kind == "reports" and i not in live)
                }
                cache.store(key, closed, timeout=SCANS_CACHE_TIMEOUT, what="dashboard figures")

        def get(kind: str, i: int) -> int:
            return counted.get((kind, i), 0)

        return [
            TrendPoint(start, get("completed", i), get("fell_overdue", i), get("reports", i) - get("cancelled", i))
            for i, (start, _end) in enumerate(months)
        ]

    def _scan_trend(
        self, months: list[tuple[datetime.date, datetime.date]], *, reports: Iterable[int], cancelled: bool
    ) -> dict[tuple[str, int], int]:
        """{(kind, month's index): count} of the given months' completions and assignments that fell overdue, the
        reports filed in the months listed in `reports`, and with `cancelled` those on cancelled work."""
        conds = timeliness.conditions(self.now, self.zones)
        fell_overdue = conds[Timeliness.OVERDUE] | conds[Timeliness.COMPLETED_LATE]
        day = datetime.timedelta(days=1)
        first, last = months[0][0], months[-1][1]
        where, reports_where = self._where(period=False), self._where(period=False, prefix="assignment__")

        def part(queryset, kind: str, column: str, ends: list):
            """Rows of the window by month: a CASE puts each row in its month (the first whose end it is before),
            one count per month; counting the column itself lets PostgreSQL answer from an index."""
            month = Case(
                *[When(**{f"{column}__lt": end}, then=Value(i)) for i, end in enumerate(ends)],
                default=Value(None),
                output_field=IntegerField(),
            )
            return (
                queryset.order_by()
                .annotate(kind=Value(kind), month=month)
                .values("kind", "month")
                .annotate(n=Count(column))
            )

        completed = part(
            Assignment.objects.filter(where, status=Status.COMPLETED, completed_on__gte=first, completed_on__lte=last),
            "completed",
            "completed_on",
            [end + day for _start, end in months],
        )
        # Overdue from the day after the deadline: deadlines from the eve of the month to its second-last day.
        overdue = part(
            Assignment.objects.filter(where, fell_overdue, deadline__gte=first - day, deadline__lte=last - day),
            "fell_overdue",
            "deadline",
            [end for _start, end in months],
        )
        # Reports on cancelled work are left out: counted apart (a few thousand, through the index on the
        # assignment and time) and taken away, so that all reports are counted from the index on the time alone.
        filed = Report.objects.filter(
            reports_where, created_at__gte=_committee_midnight(first), created_at__lt=_committee_midnight(last + day)
        )
        ends = [_committee_midnight(end + day) for _start, end in months]
        # A year's reports are a fifth of a million: each month is counted over its own range of the index
        # (an index-only count), which is a third of the time of putting every report in its month with a CASE.
        parts = [
            filed.filter(created_at__gte=_committee_midnight(months[i][0]), created_at__lt=ends[i])
            .order_by()
            .annotate(kind=Value("reports"), month=Value(i))
            .values("kind", "month")
            .annotate(n=Count("created_at"))
            for i in reports
        ]
        if cancelled:
            parts.append(part(filed.filter(assignment__status=Status.CANCELLED), "cancelled", "created_at", ends))
        counted: dict[tuple[str, int], int] = {}
        try:
            for row in completed.union(overdue, *parts, all=True):
                if row["month"] is not None:
                    counted[row["kind"], row["month"]] = int(row["n"])
        except EmptyResultSet:
            pass
        return counted


def _date(value) -> datetime.date | None:
    """A date column read by a raw statement (SQLite answers text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _latest_first(name: str):
    """Orders breakdown rows latest date first, rows without a date after, then by id (the empty row last)."""

    def key(row: Row):
        day = row.extra[name]
        return (day is None, -(day.toordinal()) if day else 0, row.key is None, row.key or 0)

    return key


def _sort_missions(rows: list[Mission], sort: str | None, language: str) -> list[Mission]:
    """The mission table's order; "worst" (the default) puts the most overdue, least punctual first."""
    if not sort or sort.lstrip("-") not in MISSION_SORTS:
        return sorted(rows, key=lambda m: (-m.overdue, m.rate is None, m.rate or 0.0, -m.blocked, -m.total, m.code))
    descending = sort.startswith("-")
    primary, *rest = MISSION_SORTS[sort.lstrip("-")]
    if primary == "name":
        primary = "name_en" if language.startswith("en") else "name_vi"
    rows = sorted(rows, key=lambda m: tuple(getattr(m, name) for name in rest))  # ties: the rest, ascending
    present = [m for m in rows if getattr(m, primary) is not None]
    present.sort(key=lambda m: getattr(m, primary), reverse=descending)  # stable: ties keep their order
    return present + [m for m in rows if getattr(m, primary) is None]  # no value: last, either way


def by_region(
    scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> list[Row]:
    """Every region (with no work, a row of zeros), in the order of the region list."""
    return Scans(scope, now=now, zones=zones).regions()


def by_mission(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: timeliness.Zones | None = None,
    sort: str | None = None,
    language: str = "vi",
) -> list[Mission]:
    """Every active mission (and any inactive one with work in scope), with its figures, worst first.

    Rows are Mission objects with the figure names, `rate` (unrounded) and `last_report` set (two queries).
    """
    return Scans(scope, now=now, zones=zones).missions(sort, language)


def by_theme(scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None) -> list[Row]:
    """Every theme, with the work tagged with it (work with two themes counts in both rows)."""
    return Scans(scope, now=now, zones=zones).theme_rows()


def by_directive(
    scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> list[Row]:
    """Each directive with work in scope (and a row for tasks without a directive), latest directive first."""
    return Scans(scope, now=now, zones=zones).directives()


def by_commitment(
    scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> list[Row]:
    """Each commitment with work in scope (and a row for tasks serving no commitment), latest signed first."""
    return Scans(scope, now=now, zones=zones).commitments()


def trend(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: timeliness.Zones | None = None,
    months: list[tuple[datetime.date, datetime.date]] | None = None,
) -> list[TrendPoint]:
    """Per month: completions, assignments that fell overdue, reports filed (one query, any number of rows)."""
    now, zones = _context(now, zones)
    return Scans(scope, now=now, zones=zones).trend(months)


def silent_missions(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: timeliness.Zones | None = None,
    days: int = SILENT_DAYS,
) -> list[Mission]:
    """Active missions with open work in scope and no report on it for `days` days, longest silent first.

    Rows are Mission objects with `open_assignments`, `overdue` and `last_report` set (two queries).
    """
    return Scans(scope, now=now, zones=zones).silent(days)


@dataclass
class Dashboard:
    scope: Scope
    now: datetime.datetime
    key: KeyFigures
    regions: list[Row]
    missions: list
    themes: list[Row]
    directives: list[Row]
    commitments: list[Row]
    trend: list[TrendPoint]
    silent: list
    mission_sort: str = DEFAULT_MISSION_SORT
    zones: timeliness.Zones = field(default_factory=dict)
    commitments_without_tasks: int = 0

    @property
    def timeliness_counts(self) -> list[tuple[str, int]]:
        """Where the work stands, in the timeliness categories."""
        k = self.key
        return [
            (Timeliness.ON_TRACK, k.on_track),
            (Timeliness.DUE_SOON, k.due_soon),
            (Timeliness.OVERDUE, k.overdue),
            (Timeliness.COMPLETED_ON_TIME, k.on_time),
            (Timeliness.COMPLETED_LATE, k.late),
        ]


def dashboard(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: timeliness.Zones | None = None,
    mission_sort: str | None = None,
    language: str = "vi",
    themes: Iterable[Theme] | None = None,
) -> Dashboard:
    """Everything on the dashboard in five queries whatever the number of rows: the missions (with their time
    zones), the themes (unless given), and the three scans."""
    scans = Scans(scope, now=now, zones=zones, themes=themes)
    sort = mission_sort if mission_sort and mission_sort.lstrip("-") in MISSION_SORTS else DEFAULT_MISSION_SORT
    return Dashboard(
        scope=scope,
        now=scans.now,
        key=scans.key_figures(),
        regions=scans.regions(),
        missions=scans.missions(mission_sort, language),
        themes=scans.theme_rows(),
        directives=scans.directives(),
        commitments=scans.commitments(),
        trend=scans.trend(),
        silent=scans.silent(),
        mission_sort=sort,
        zones=scans.zones,
        commitments_without_tasks=scans.commitments_without_tasks,
    )


# --- a mission's scorecard ---------------------------------------------------------------------------------


@dataclass
class Scorecard:
    mission: Mission
    scope: Scope
    now: datetime.datetime
    figures: KeyFigures
    network: Figures
    reports_filed: int
    extensions: dict
    trend: list[TrendPoint]
    assignments: list


SCORECARD_ASSIGNMENTS = 100


def _filed_in_period(scope: Scope) -> Q:
    q = Q()
    if scope.start:
        q &= Q(created_at__gte=_committee_midnight(scope.start))
    if scope.end:
        q &= Q(created_at__lt=_committee_midnight(scope.end + datetime.timedelta(days=1)))
    return q


def scorecard(
    mission: Mission, scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> Scorecard:
    """One mission's record over a period, beside the whole network's on-time rate (eight queries).

    Assignments count by deadline in the period; reports filed and extensions asked by the day they were
    made in the period (Ha Noi time).
    """
    now, zones = _context(now, zones)
    own = replace(scope, mission_id=mission.pk, region=None)
    network_scope = replace(scope, mission_id=None, region=None)
    conds = timeliness.conditions(now, zones)
    network = Figures.from_row(Assignment.objects.filter(network_scope.q()).aggregate(**figure_aggregates(conds)))
    reports_filed = Report.objects.filter(own.events_q("assignment__"), _filed_in_period(scope)).count()
    extensions = ExtensionRequest.objects.filter(own.events_q("assignment__"), _filed_in_period(scope)).aggregate(
        asked=Count("id"),
        approved=Count("id", filter=Q(state=ExtensionRequest.State.APPROVED)),
        rejected=Count("id", filter=Q(state=ExtensionRequest.State.REJECTED)),
        pending=Count("id", filter=Q(state=ExtensionRequest.State.PENDING)),
    )
    worst_first = timeliness.expression(now, zones)
    listed = (
        Assignment.objects.filter(own.q())
        .select_related("task")
        .annotate(timeliness=worst_first)
        .order_by(_severity(), "deadline", "id")
    )
    return Scorecard(
        mission=mission,
        scope=scope,
        now=now,
        figures=key_figures(own, now=now, zones=zones),
        network=network,
        reports_filed=reports_filed,
        extensions=extensions,
        trend=trend(own, now=now, zones=zones),
        assignments=list(listed[:SCORECARD_ASSIGNMENTS]),
    )


def _severity():
    """Orders annotated assignments: overdue, due soon, on track, then completed late and on time."""
    order = [
        Timeliness.OVERDUE,
        Timeliness.DUE_SOON,
        Timeliness.ON_TRACK,
        Timeliness.COMPLETED_LATE,
        Timeliness.COMPLETED_ON_TIME,
    ]
    return Case(
        *[When(timeliness=value, then=Value(i)) for i, value in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    ).asc()


# --- commitment follow-up ----------------------------------------------------------------------------------


def commitment_followup(
    *,
    now: datetime.datetime | None = None,
    zones: timeliness.Zones | None = None,
    status: str | None = None,
    kind: str | None = None,
    theme_id: int | None = None,
    without_tasks: bool = False,
    search: str = "",
) -> QuerySet:
    """Commitments with the progress of the work serving them rolled up, those without a task first.

    Rows are Commitment objects annotated with `tasks_count`, the figure names, `rate` and `progress`
    (average percent done of their assignments); themes are prefetched (two queries a page).
    """
    now, zones = _context(now, zones)
    prefix = "tasks__assignments__"
    live = ~Q(**{f"{prefix}status": Status.CANCELLED})
    qs = Commitment.objects.all()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if theme_id:
        qs = qs.filter(pk__in=Commitment.themes.through.objects.filter(theme_id=theme_id).values("commitment_id"))
    if search.strip():
        term = search.strip()
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(partners__icontains=term)
            | Q(occasion__icontains=term)
            | Q(partner_organisation__icontains=term)
        )
    qs = qs.annotate(
        tasks_count=Count("tasks", distinct=True),
        **figure_aggregates(timeliness.conditions(now, zones, prefix), prefix=prefix, base=live),
        progress=Coalesce(Avg(f"{prefix}percent", filter=live), Value(0.0), output_field=FloatField()),
    ).annotate(rate=rate_expression())
    if without_tasks:
        qs = qs.filter(tasks_count=0)
    no_task_first = Case(When(tasks_count=0, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.prefetch_related("themes").order_by(no_task_first, F("signed_on").desc(nulls_last=True), "title")


def commitments_without_tasks() -> int:
    return Commitment.objects.filter(tasks__isnull=True).count()


@dataclass
class CommitmentDetail:
    commitment: Commitment
    figures: Figures
    progress: float
    tasks: list


def commitment_detail(
    commitment: Commitment, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> CommitmentDetail:
    """A commitment, each task serving it rolled up, and every assignment of those tasks (three queries)."""
    now, zones = _context(now, zones)
    prefix = "assignments__"
    live = ~Q(**{f"{prefix}status": Status.CANCELLED})
    tasks = list(
        Task.objects.filter(commitment=commitment)
        .select_related("directive")
        .annotate(
            **figure_aggregates(timeliness.conditions(now, zones, prefix), prefix=prefix, base=live),
            progress=Coalesce(Avg(f"{prefix}percent", filter=live), Value(0.0), output_field=FloatField()),
        )
        .order_by("created_at", "id")
    )
    assignments = (
        Assignment.objects.filter(task__commitment=commitment)
        .select_related("mission")
        .annotate(timeliness=timeliness.expression(now, zones))
        .order_by("task_id", "mission__code")
    )
    by_task: dict[int, list] = {}
    for assignment in assignments:
        by_task.setdefault(assignment.task_id, []).append(assignment)
    total = Figures()
    weighted = 0.0
    for task in tasks:
        task.figures = Figures.from_row(task)
        task.assignment_list = by_task.get(task.pk, [])
        for name in Figures.FIELDS:
            setattr(total, name, getattr(total, name) + getattr(task.figures, name))
        weighted += task.progress * task.figures.total
    progress = round(weighted / total.total, 1) if total.total else 0.0
    return CommitmentDetail(commitment=commitment, figures=total, progress=progress, tasks=tasks)


# --- lists for the period report ---------------------------------------------------------------------------


def overdue_assignments(scope: Scope, *, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None):
    """The overdue assignments in scope, longest overdue first (a queryset: iterate it)."""
    now, zones = _context(now, zones)
    return (
        Assignment.objects.filter(scope.q(), timeliness.conditions(now, zones)[Timeliness.OVERDUE])
        .select_related("task", "mission")
        .order_by("deadline", "mission__code", "id")
    )


def pending_extensions(scope: Scope):
    """Extension requests waiting for the committee, oldest first (a queryset: iterate it)."""
    return (
        ExtensionRequest.objects.filter(scope.q("assignment__"), state=ExtensionRequest.State.PENDING)
        .select_related("assignment__task", "assignment__mission", "requested_by")
        .order_by("created_at", "id")
    )
