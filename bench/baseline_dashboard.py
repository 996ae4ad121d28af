"""The dashboard as first written, for `make bench` to measure beside the product: one aggregate query per table
(key figures, regions, missions, themes, directives, commitments, trend, silent missions), each a full scan with
the scope tested inside every conditional count. Same rule (`tracker.timeliness`) and the same result."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, F, Max, Q, QuerySet

from missions.models import Mission
from tracker import timeliness
from tracker.dashboard import (
    DEFAULT_MISSION_SORT,
    MISSION_SORTS,
    SILENT_DAYS,
    Dashboard,
    Figures,
    KeyFigures,
    Row,
    Scope,
    TrendPoint,
    _committee_midnight,
    _context,
    commitments_without_tasks,
    figure_aggregates,
    rate_expression,
    trend_months,
)
from tracker.models import Assignment, ExtensionRequest, Report, Status, Theme, Timeliness


def key_figures(
    scope: Scope, *, now: datetime.datetime | None = None, zones: Iterable[str] | None = None
) -> KeyFigures:
    """The headline numbers (two queries)."""
    now, zones = _context(now, zones)
    counts = Assignment.objects.filter(scope.q()).aggregate(**figure_aggregates(timeliness.conditions(now, zones)))
    pending = ExtensionRequest.objects.filter(scope.q("assignment__"), state=ExtensionRequest.State.PENDING).count()
    return KeyFigures(**Figures.from_row(counts).__dict__, pending_extensions=pending)


def by_region(scope: Scope, *, now: datetime.datetime | None = None, zones: Iterable[str] | None = None) -> list[Row]:
    """Every region (with no work, a row of zeros), in the order of the region list."""
    now, zones = _context(now, zones)
    prefix = "assignments__"
    rows = {
        r["region"]: r
        for r in Mission.objects.order_by()
        .values("region")
        .annotate(**figure_aggregates(timeliness.conditions(now, zones, prefix), prefix=prefix, base=scope.q(prefix)))
    }
    regions = [(value, label) for value, label in Mission.Region.choices if not scope.region or value == scope.region]
    return [Row(value, str(label), Figures.from_row(rows.get(value, {}))) for value, label in regions]


def _mission_ordering(sort: str | None, language: str) -> list:
    """ORDER BY for the mission table; "worst" (the default) puts the most overdue, least punctual first."""
    if not sort or sort.lstrip("-") not in MISSION_SORTS:
        return [
            F("overdue").desc(),
            F("rate").asc(nulls_last=True),
            F("blocked").desc(),
            F("total").desc(),
            "code",
        ]
    descending = sort.startswith("-")
    primary, *rest = MISSION_SORTS[sort.lstrip("-")]
    if primary == "name":
        primary = "name_en" if language.startswith("en") else "name_vi"
    first = F(primary).desc(nulls_last=True) if descending else F(primary).asc(nulls_last=True)
    return [first, *rest]


def by_mission(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: Iterable[str] | None = None,
    sort: str | None = None,
    language: str = "vi",
) -> QuerySet:
    """Every active mission (and any inactive one with work in scope), with its figures, worst first.

    Rows are Mission objects annotated with the figure names, `rate` and `last_report` (one query).
    """
    now, zones = _context(now, zones)
    prefix = "assignments__"
    qs = Mission.objects.all()
    if scope.region:
        qs = qs.filter(region=scope.region)
    if scope.mission_id:
        qs = qs.filter(pk=scope.mission_id)
    in_scope = scope.q(prefix)
    qs = qs.annotate(
        **figure_aggregates(timeliness.conditions(now, zones, prefix), prefix=prefix, base=in_scope),
        last_report=Max(f"{prefix}last_reported_at", filter=in_scope),
    ).annotate(rate=rate_expression())
    return qs.filter(Q(is_active=True) | Q(total__gt=0)).order_by(*_mission_ordering(sort, language))


def by_theme(scope: Scope, *, now: datetime.datetime | None = None, zones: Iterable[str] | None = None) -> list[Row]:
    """Every theme, with the work tagged with it (work with two themes counts in both rows)."""
    now, zones = _context(now, zones)
    prefix = "tasks__assignments__"
    qs = Theme.objects.annotate(
        **figure_aggregates(timeliness.conditions(now, zones, prefix), prefix=prefix, base=scope.q(prefix))
    )
    if scope.theme_id:
        qs = qs.filter(pk=scope.theme_id)
    return [Row(theme.pk, str(theme), Figures.from_row(theme), {"code": theme.code}) for theme in qs]


def _grouped(scope: Scope, group: str, labels: tuple[str, ...], now, zones, order: tuple[str, ...]) -> list[dict]:
    return list(
        Assignment.objects.filter(scope.q())
        .values(group, *labels)
        .annotate(**figure_aggregates(timeliness.conditions(now, zones)))
        .annotate(rate=rate_expression())
        .order_by(*order)
    )


def by_directive(
    scope: Scope, *, now: datetime.datetime | None = None, zones: Iterable[str] | None = None
) -> list[Row]:
    """Each directive with work in scope (and a row for tasks without a directive), latest directive first."""
    now, zones = _context(now, zones)
    group = "task__directive"
    labels = ("task__directive__title", "task__directive__number", "task__directive__issued_on")
    rows = _grouped(scope, group, labels, now, zones, (F("task__directive__issued_on").desc(nulls_last=True), group))
    return [
        Row(
            r[group],
            r["task__directive__title"] or "",
            Figures.from_row(r),
            {"number": r["task__directive__number"] or "", "issued_on": r["task__directive__issued_on"]},
        )
        for r in rows
    ]


def by_commitment(
    scope: Scope, *, now: datetime.datetime | None = None, zones: Iterable[str] | None = None
) -> list[Row]:
    """Each commitment with work in scope (and a row for tasks serving no commitment), latest signed first."""
    now, zones = _context(now, zones)
    group = "task__commitment"
    labels = ("task__commitment__title", "task__commitment__partners", "task__commitment__signed_on")
    rows = _grouped(scope, group, labels, now, zones, (F("task__commitment__signed_on").desc(nulls_last=True), group))
    return [
        Row(
            r[group],
            r["task__commitment__title"] or "",
            Figures.from_row(r),
            {"partners": r["task__commitment__partners"] or "", "signed_on": r["task__commitment__signed_on"]},
        )
        for r in rows
    ]


def trend(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: Iterable[str] | None = None,
    months: list[tuple[datetime.date, datetime.date]] | None = None,
) -> list[TrendPoint]:
    """Per month: completions, assignments that fell overdue, reports filed (two queries, any number of rows)."""
    now, zones = _context(now, zones)
    months = months or trend_months(scope, now)
    if not months:
        return []
    conds = timeliness.conditions(now, zones)
    fell_overdue = conds[Timeliness.OVERDUE] | conds[Timeliness.COMPLETED_LATE]
    day = datetime.timedelta(days=1)
    first, last = months[0][0], months[-1][1]
    assignment_counts = {}
    report_counts = {}
    for i, (start, end) in enumerate(months):
        assignment_counts[f"c{i}"] = Count(
            "id", filter=Q(status=Status.COMPLETED, completed_on__gte=start, completed_on__lte=end)
        )
        # Overdue from the day after the deadline: deadlines from the eve of the month to its second-last day.
        assignment_counts[f"o{i}"] = Count(
            "id", filter=fell_overdue & Q(deadline__gte=start - day, deadline__lte=end - day)
        )
        report_counts[f"r{i}"] = Count(
            "id",
            filter=Q(created_at__gte=_committee_midnight(start), created_at__lt=_committee_midnight(end + day)),
        )
    window = Q(completed_on__gte=first, completed_on__lte=last) | Q(deadline__gte=first - day, deadline__lte=last)
    done = Assignment.objects.filter(scope.events_q(), window).aggregate(**assignment_counts)
    filed = (
        Report.objects.filter(
            scope.events_q("assignment__"),
            created_at__gte=_committee_midnight(first),
            created_at__lt=_committee_midnight(last + day),
        )
        .order_by()
        .aggregate(**report_counts)
    )
    return [
        TrendPoint(start, done[f"c{i}"] or 0, done[f"o{i}"] or 0, filed[f"r{i}"] or 0)
        for i, (start, _end) in enumerate(months)
    ]


def silent_missions(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: Iterable[str] | None = None,
    days: int = SILENT_DAYS,
) -> QuerySet:
    """Active missions with open work in scope and no report on it for `days` days, longest silent first.

    Rows are Mission objects annotated with `open_assignments`, `overdue` and `last_report` (one query).
    """
    now, zones = _context(now, zones)
    prefix = "assignments__"
    in_scope = scope.q(prefix)
    open_work = ~Q(**{f"{prefix}status__in": [Status.COMPLETED, Status.CANCELLED]})
    overdue = timeliness.conditions(now, zones, prefix)[Timeliness.OVERDUE]
    qs = Mission.objects.active()
    if scope.region:
        qs = qs.filter(region=scope.region)
    if scope.mission_id:
        qs = qs.filter(pk=scope.mission_id)
    return (
        qs.annotate(
            open_assignments=Count(f"{prefix}id", filter=in_scope & open_work),
            overdue=Count(f"{prefix}id", filter=in_scope & overdue),
            last_report=Max(f"{prefix}last_reported_at", filter=in_scope),
        )
        .filter(open_assignments__gt=0)
        .filter(Q(last_report__isnull=True) | Q(last_report__lt=now - datetime.timedelta(days=days)))
        .order_by(F("last_report").asc(nulls_first=True), "code")
    )


def dashboard(
    scope: Scope,
    *,
    now: datetime.datetime | None = None,
    zones: Iterable[str] | None = None,
    mission_sort: str | None = None,
    language: str = "vi",
    themes=None,
) -> Dashboard:
    """Everything on the dashboard, one query per table (as the view was: the time zones and the commitments
    without a task read apart)."""
    now, zones = _context(now, zones)
    sort = mission_sort if mission_sort and mission_sort.lstrip("-") in MISSION_SORTS else DEFAULT_MISSION_SORT
    zones = list(zones)
    return Dashboard(
        scope=scope,
        now=now,
        key=key_figures(scope, now=now, zones=zones),
        regions=by_region(scope, now=now, zones=zones),
        missions=list(by_mission(scope, now=now, zones=zones, sort=mission_sort, language=language)),
        themes=by_theme(scope, now=now, zones=zones),
        directives=by_directive(scope, now=now, zones=zones),
        commitments=by_commitment(scope, now=now, zones=zones),
        trend=trend(scope, now=now, zones=zones),
        silent=list(silent_missions(scope, now=now, zones=zones)),
        mission_sort=sort,
        zones=zones,
        commitments_without_tasks=commitments_without_tasks(),
    )
