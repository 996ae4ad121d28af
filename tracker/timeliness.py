"""Timeliness: the one rule, as database conditions, an annotation, and for a single assignment.

Categories follow the Government Office's for tasks the Government assigns:
- completed on time / completed late: completed on or before / after the (current) deadline;
- overdue: open, and the deadline day has passed in the mission's time zone;
- due soon: open, and the deadline is today or within DUE_SOON_DAYS days in the mission's time zone;
- on track: open, with more time than that.
Cancelled assignments have no timeliness (None).

"Today" is a date in each mission's time zone. Around the world at one instant there are at most three
different local dates, so the conditions group the missions' time zones by their local date and compare
the deadline with that date: a CASE of at most three branches that PostgreSQL and SQLite both run.

`zones` are the missions' time zones, best with their missions' ids ({zone: [mission id, …]}, as
`mission_timezones()` gives them): the CASE then tests the assignment's own mission id, with no join to the
missions (a third of a full scan's time at 100,000 assignments), and lists only the missions whose day
differs from most missions' day. Given as names alone, it tests the mission's time zone.
"""

import datetime
import itertools
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Case, CharField, DateField, F, Q, QuerySet, Value, When
from django.utils import timezone

from missions.models import Mission
from tracker.models import Status, Timeliness

DUE_SOON_DAYS = 7
# Written as the statuses that are open rather than "not completed or cancelled", so that PostgreSQL can use the
# (status, deadline) and (mission, status, deadline) indexes for it (the check constraint allows no other status).
OPEN_STATUSES = [s for s in Status.values if s not in (Status.COMPLETED, Status.CANCELLED)]


Zones = Mapping[str, Sequence[int]] | Iterable[str]


def zones_of(pairs: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """{zone: [mission id, …]} from (time zone, mission id) pairs, each mission once."""
    zones: dict[str, list[int]] = {}
    for zone, pk in pairs:
        ids = zones.setdefault(zone, [])
        if pk not in ids:
            ids.append(pk)
    return zones


def mission_timezones() -> dict[str, list[int]]:
    """Every mission's time zone, with the ids of its missions (one query)."""
    return zones_of(Mission.objects.order_by("timezone", "id").values_list("timezone", "id"))


def resolve_zones(zones: Zones | None) -> Zones:
    """The zones as given (names read once into a list), or every mission's with its ids."""
    if zones is None:
        return mission_timezones()
    return zones if isinstance(zones, Mapping) else list(zones)


def _local_today(now: datetime.datetime, zones: Zones, prefix: str, plus_days: int = 0):
    """The date in each assignment's mission time zone at `now` (plus some days), as an expression."""
    groups: dict[datetime.date, list[str]] = defaultdict(list)
    for name in sorted(set(zones)):
        groups[timezone.localtime(now, zoneinfo.ZoneInfo(name)).date()].append(name)
    shift = datetime.timedelta(days=plus_days)
    if not groups:
        return Value(timezone.localtime(now).date() + shift, output_field=DateField())
    if len(groups) == 1:  # every mission is on the same day: a constant, which an index range can use
        return Value(next(iter(groups)) + shift, output_field=DateField())
    if not isinstance(zones, Mapping):
        whens = [
            When(**{f"{prefix}mission__timezone__in": names}, then=Value(day + shift)) for day, names in groups.items()
        ]
        return Case(*whens, default=Value(timezone.localtime(now).date() + shift), output_field=DateField())
    # By mission id: the day of most missions is the default, the other missions are listed.
    missions = {day: sorted(pk for name in names for pk in zones[name]) for day, names in groups.items()}
    common = max(missions, key=lambda day: len(missions[day]))
    whens = [
        When(**{f"{prefix}mission__in": ids}, then=Value(day + shift)) for day, ids in missions.items() if day != common
    ]
    return Case(*whens, default=Value(common + shift), output_field=DateField())


def _deadline_before(now: datetime.datetime, zones: Zones, prefix: str, plus_days: int = 0) -> Q:
    """The deadline is before the mission's local date at `now` (plus some days).

    By mission id, without a per-row CASE: with the missions' distinct local dates d1 < d2 (< d3), the deadline
    is before d1 for every mission; between d1 and d2 only for the missions already at d2 or later; and so on.
    The mission is tested only for the deadlines in those one or two days around the date line, so a scan
    compares dates and nothing else for almost every row."""
    if not isinstance(zones, Mapping):
        return Q(**{f"{prefix}deadline__lt": _local_today(now, zones, prefix, plus_days)})
    shift = datetime.timedelta(days=plus_days)
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for name, ids in zones.items():
        by_day[timezone.localtime(now, zoneinfo.ZoneInfo(name)).date()].extend(ids)
    if not by_day:
        by_day[timezone.localtime(now).date()] = []
    days = sorted(by_day)
    deadline = f"{prefix}deadline"
    q = Q(**{f"{deadline}__lt": days[0] + shift})
    for lower, day in itertools.pairwise(days):
        later = sorted(pk for d in days if d >= day for pk in by_day[d])
        earlier = sorted(pk for d in days if d < day for pk in by_day[d])
        # whichever list is shorter: the missions at that date or later, or not those before it
        mission = (
            Q(**{f"{prefix}mission__in": later})
            if len(later) <= len(earlier)
            else ~Q(**{f"{prefix}mission__in": earlier})
        )
        q |= Q(**{f"{deadline}__gte": lower + shift, f"{deadline}__lt": day + shift}) & mission
    return q


def parts(
    now: datetime.datetime | None = None, zones: Zones | None = None, prefix: str = ""
) -> dict[str, tuple[list[str], Q]]:
    """Each category as (the statuses it is about, the condition on dates): `conditions` joins the two.

    Apart for counting over rows grouped by status, where only the dates are left to test."""
    now = now or timezone.now()
    zones = resolve_zones(zones)
    overdue = _deadline_before(now, zones, prefix)  # before today
    within_soon = _deadline_before(now, zones, prefix, plus_days=DUE_SOON_DAYS + 1)  # on or before today + 7
    p = prefix
    completed = [Status.COMPLETED]
    return {
        Timeliness.COMPLETED_ON_TIME: (completed, Q(**{f"{p}completed_on__lte": F(f"{p}deadline")})),
        Timeliness.COMPLETED_LATE: (completed, Q(**{f"{p}completed_on__gt": F(f"{p}deadline")})),
        Timeliness.OVERDUE: (OPEN_STATUSES, overdue),
        Timeliness.DUE_SOON: (OPEN_STATUSES, ~overdue & within_soon),
        Timeliness.ON_TRACK: (OPEN_STATUSES, ~within_soon),
    }


def conditions(now: datetime.datetime | None = None, zones: Zones | None = None, prefix: str = "") -> dict[str, Q]:
    """One Q per timeliness category; `prefix` (e.g. "assignment__") reaches an assignment through a relation."""

    def status_is(statuses: list[str]) -> Q:
        if len(statuses) == 1:
            return Q(**{f"{prefix}status": statuses[0]})
        return Q(**{f"{prefix}status__in": statuses})

    return {category: status_is(statuses) & dates for category, (statuses, dates) in parts(now, zones, prefix).items()}


def expression(now: datetime.datetime | None = None, zones: Zones | None = None, prefix: str = "") -> Case:
    """The timeliness of each row as a CASE expression (NULL for cancelled assignments)."""
    whens = [When(q, then=Value(category)) for category, q in conditions(now, zones, prefix).items()]
    return Case(*whens, default=Value(None), output_field=CharField())


def annotate(queryset: QuerySet, now: datetime.datetime | None = None, zones: Zones | None = None) -> QuerySet:
    """Adds `timeliness` to an Assignment queryset, so it can be shown, ordered and counted in the database."""
    return queryset.annotate(timeliness=expression(now, zones))


def filter_q(category: str, now: datetime.datetime | None = None, zones: Zones | None = None) -> Q:
    """The condition for one category (raises ValueError for an unknown one)."""
    return conditions(now, zones)[Timeliness(category)]


def classify(
    *, status: str, deadline: datetime.date, completed_on: datetime.date | None, today: datetime.date
) -> str | None:
    """The same rule in Python, for one assignment whose mission's local date is known."""
    if status == Status.CANCELLED:
        return None
    if status == Status.COMPLETED:
        if completed_on is not None and completed_on <= deadline:
            return Timeliness.COMPLETED_ON_TIME
        return Timeliness.COMPLETED_LATE
    if deadline < today:
        return Timeliness.OVERDUE
    if deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Timeliness.DUE_SOON
    return Timeliness.ON_TRACK


def of(assignment, now: datetime.datetime | None = None) -> str | None:
    """Timeliness of one assignment in memory (its mission loaded)."""
    return classify(
        status=assignment.status,
        deadline=assignment.deadline,
        completed_on=assignment.completed_on,
        today=assignment.mission.local_today(now),
    )
