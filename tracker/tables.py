"""The dashboard's, the period report's and the scorecard's figures as tables: one definition of each table,
rendered on pages (with links) and written to spreadsheets (without).

`links`, when given, turns numbers into links to the filtered list they count; it knows the URLs, these
tables only say which filters a row stands for (region, mission, theme, directive, commitment).
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import Protocol

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tracker import dashboard as figures_
from tracker.exports import Column, Table, TableRow, labels
from tracker.models import Status, Timeliness

FIGURE_KEYS = ("total", "completed", "on_time", "late", "overdue", "blocked", "due_soon")


class Links(Protocol):
    def assignments(self, figure: str | None = None, **filters) -> str: ...

    def scorecard(self, mission_id: int) -> str: ...

    def commitment(self, commitment_id: int) -> str: ...


def figure_columns() -> list[Column]:
    return [
        Column("total", _("Assignments"), "int", sort="total"),
        Column("completed", _("Completed"), "int", sort="completed"),
        Column("on_time", _("On time"), "int"),
        Column("late", _("Late"), "int"),
        Column("overdue", _("Overdue"), "int", sort="overdue"),
        Column("blocked", _("Blocked"), "int", sort="blocked"),
        Column("due_soon", _("Due in 7 days"), "int", sort="due_soon"),
        Column("rate", _("On-time rate"), "percent", sort="rate"),
    ]


def _figure_cells(f: figures_.Figures) -> list:
    return [f.total, f.completed, f.on_time, f.late, f.overdue, f.blocked, f.due_soon, f.rate]


def _figure_links(links: Links | None, **filters) -> dict[str, str]:
    if links is None:
        return {}
    return {key: links.assignments(key, **filters) for key in FIGURE_KEYS}


def month_label(day: datetime.date) -> str:
    return day.strftime("%m/%Y")


def period_label(scope: figures_.Scope) -> str:
    if scope.start and scope.end:
        return _("from %(start)s to %(end)s") % {
            "start": scope.start.strftime("%d/%m/%Y"),
            "end": scope.end.strftime("%d/%m/%Y"),
        }
    if scope.start:
        return _("from %(start)s") % {"start": scope.start.strftime("%d/%m/%Y")}
    if scope.end:
        return _("until %(end)s") % {"end": scope.end.strftime("%d/%m/%Y")}
    return _("all time")


def scope_phrase(scope: figures_.Scope) -> str:
    """Which assignments the figures count, as a phrase for headings."""
    if not scope.has_period:
        return _("All assignments, whatever their deadline")
    return _("Assignments with a deadline %(period)s") % {"period": period_label(scope)}


def key_figure_table(key: figures_.KeyFigures) -> Table:
    rows = [
        (_("Assignments"), key.total),
        (_("Completed"), key.completed),
        (_("Completed on time"), key.on_time),
        (_("Completed late"), key.late),
        (_("On-time rate (%)"), key.rate),
        (_("Overdue"), key.overdue),
        (_("Blocked"), key.blocked),
        (_("Due in the next 7 days"), key.due_soon),
        (_("Pending extension requests"), key.pending_extensions),
    ]
    return Table(
        "key_figures",
        _("Key figures"),
        [Column("figure", _("Figure")), Column("value", _("Value"), "int")],
        [TableRow([label, value]) for label, value in rows],
    )


def timeliness_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = []
    for category, count in dash.timeliness_counts:
        link = links.assignments(None, timeliness=category) if links else None
        rows.append(TableRow([Timeliness(category).label, count], cell_links={"count": link} if link else {}))
    return Table(
        "timeliness",
        _("Where the work stands"),
        [Column("category", _("Timeliness")), Column("count", _("Assignments"), "int")],
        rows,
    )


def chart_table(key: str, title: str, rows: list[tuple[str, figures_.Figures]]) -> Table:
    """The numbers behind a "where the work stands" chart: each bar's parts."""
    columns = [
        Column("label", _("Bar")),
        Column("on_time", str(Timeliness.COMPLETED_ON_TIME.label), "int"),
        Column("late", str(Timeliness.COMPLETED_LATE.label), "int"),
        Column("on_track", str(Timeliness.ON_TRACK.label), "int"),
        Column("due_soon", str(Timeliness.DUE_SOON.label), "int"),
        Column("overdue", str(Timeliness.OVERDUE.label), "int"),
        Column("total", _("Assignments"), "int"),
    ]
    return Table(
        key,
        title,
        columns,
        [TableRow([label, f.on_time, f.late, f.on_track, f.due_soon, f.overdue, f.total]) for label, f in rows],
    )


def region_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = [
        TableRow(
            [row.label, *_figure_cells(row.figures)],
            link=links.assignments(None, region=row.key) if links else None,
            cell_links=_figure_links(links, region=row.key),
        )
        for row in dash.regions
    ]
    return Table("regions", _("By region"), [Column("region", _("Region")), *figure_columns()], rows)


def mission_table(missions: Iterable, links: Links | None = None) -> Table:
    rows = []
    for m in missions:
        f = figures_.Figures.from_row(m)
        rows.append(
            TableRow(
                [m.code, m.name, m.get_region_display(), *_figure_cells(f), m.last_report],
                link=links.scorecard(m.pk) if links else None,
                cell_links=_figure_links(links, mission=m.pk),
                css="" if m.is_active else "inactive",
            )
        )
    columns = [
        Column("code", _("Code"), sort="code", width=16),
        Column("mission", _("Mission"), sort="name", width=40),
        Column("region", _("Region"), sort="region", width=18),
        *figure_columns(),
        Column("last_report", _("Last report"), "datetime", sort="last_report", width=18),
    ]
    return Table(
        "missions",
        _("By mission"),
        columns,
        rows,
        note=_("Worst first: most overdue, then lowest on-time rate, then most blocked."),
    )


def theme_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = [
        TableRow(
            [row.label, row.extra.get("code", ""), *_figure_cells(row.figures)],
            link=links.assignments(None, theme=row.key) if links else None,
            cell_links=_figure_links(links, theme=row.key),
        )
        for row in dash.themes
    ]
    return Table(
        "themes",
        _("By theme"),
        [Column("theme", _("Theme")), Column("code", _("Code"), width=14), *figure_columns()],
        rows,
        note=_("Work with several themes counts under each of them."),
    )


def directive_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = []
    for row in dash.directives:
        filters = {"directive": row.key if row.key is not None else "none"}
        rows.append(
            TableRow(
                [
                    row.extra["number"],
                    row.label or _("(no directive)"),
                    row.extra["issued_on"],
                    *_figure_cells(row.figures),
                ],
                link=links.assignments(None, **filters) if links else None,
                cell_links=_figure_links(links, **filters),
            )
        )
    columns = [
        Column("number", _("Reference number"), width=16),
        Column("directive", _("Directive"), width=50),
        Column("issued_on", _("Issued on"), "date"),
        *figure_columns(),
    ]
    return Table("directives", _("By directive"), columns, rows)


def commitment_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = []
    for row in dash.commitments:
        filters = {"commitment": row.key if row.key is not None else "none"}
        rows.append(
            TableRow(
                [
                    row.label or _("(no commitment)"),
                    row.extra["partners"],
                    row.extra["signed_on"],
                    *_figure_cells(row.figures),
                ],
                link=(links.commitment(row.key) if row.key is not None else links.assignments(None, **filters))
                if links
                else None,
                cell_links=_figure_links(links, **filters),
            )
        )
    columns = [
        Column("commitment", _("Commitment"), width=50),
        Column("partners", _("Partners"), width=14),
        Column("signed_on", _("Signed on"), "date"),
        *figure_columns(),
    ]
    return Table("commitments", _("By commitment"), columns, rows)


def trend_table(points: list[figures_.TrendPoint]) -> Table:
    return Table(
        "trend",
        _("Trend by month"),
        [
            Column("month", _("Month"), width=10),
            Column("completed", _("Completed"), "int"),
            Column("fell_overdue", _("Fell overdue"), "int"),
            Column("reports", _("Reports filed"), "int"),
        ],
        [TableRow([month_label(p.month), p.completed, p.fell_overdue, p.reports]) for p in points],
        note=_(
            "Completions by completion day; an assignment falls overdue on the day after its deadline "
            "if not completed by then; reports by the day they were filed (Ha Noi time)."
        ),
    )


def silent_table(dash: figures_.Dashboard, links: Links | None = None) -> Table:
    rows = []
    for m in dash.silent:
        days = (dash.now - m.last_report).days if m.last_report else None
        rows.append(
            TableRow(
                [m.code, m.name, m.get_region_display(), m.open_assignments, m.overdue, m.last_report, days],
                link=links.scorecard(m.pk) if links else None,
                cell_links={"overdue": links.assignments("overdue", mission=m.pk)} if links else {},
            )
        )
    columns = [
        Column("code", _("Code"), width=16),
        Column("mission", _("Mission"), width=40),
        Column("region", _("Region"), width=18),
        Column("open", _("Open assignments"), "int"),
        Column("overdue", _("Overdue"), "int"),
        Column("last_report", _("Last report"), "datetime", width=18),
        Column("days", _("Days without a report"), "int"),
    ]
    return Table(
        "silent",
        _("Missions with no report for %(days)d days") % {"days": figures_.SILENT_DAYS},
        columns,
        rows,
        note=_("A dash in “Last report” means the mission has never reported on this work."),
    )


def overdue_table(queryset, now: datetime.datetime, *, limit: int | None = None) -> Table:
    """The overdue assignments; on a page at most `limit` rows, in a spreadsheet all of them, read in chunks."""
    english = (get_language() or "vi").startswith("en")
    statuses = labels(Status.choices)
    today_in: dict[str, datetime.date] = {}
    fields = (
        "mission__code",
        "mission__name_vi",
        "mission__name_en",
        "mission__timezone",
        "task__title",
        "deadline",
        "status",
        "percent",
        "last_reported_at",
    )

    def rows():
        values = queryset.values(*fields)
        for r in values[:limit] if limit else values.iterator(chunk_size=2000):
            zone = r["mission__timezone"]
            if zone not in today_in:
                today_in[zone] = timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date()
            yield TableRow(
                [
                    r["mission__code"],
                    r["mission__name_en"] if english else r["mission__name_vi"],
                    r["task__title"],
                    r["deadline"],
                    (today_in[zone] - r["deadline"]).days,
                    statuses.get(r["status"], r["status"]),
                    r["percent"],
                    r["last_reported_at"],
                ]
            )

    columns = [
        Column("code", _("Mission code"), width=16),
        Column("mission", _("Mission"), width=40),
        Column("task", _("Task"), width=60),
        Column("deadline", _("Deadline"), "date"),
        Column("days", _("Days overdue"), "int"),
        Column("status", _("Status"), width=16),
        Column("percent", _("Percent done"), "int"),
        Column("last_report", _("Last report"), "datetime", width=18),
    ]
    return Table("overdue", _("Overdue assignments"), columns, list(rows()) if limit else rows())


def pending_extension_table(queryset, *, limit: int | None = None) -> Table:
    iterable = queryset[:limit] if limit else queryset.iterator(chunk_size=2000)
    rows = [
        TableRow(
            [
                r.assignment.mission.code,
                r.assignment.task.title,
                r.current_deadline,
                r.requested_deadline,
                r.created_at,
                str(r.requested_by.display_name),
                r.reason,
            ]
        )
        for r in iterable
    ]
    columns = [
        Column("code", _("Mission code"), width=16),
        Column("task", _("Task"), width=50),
        Column("current_deadline", _("Deadline when asked"), "date"),
        Column("requested_deadline", _("Requested deadline"), "date"),
        Column("asked_at", _("Asked at"), "datetime", width=18),
        Column("asked_by", _("Asked by"), width=24),
        Column("reason", _("Reason"), width=60),
    ]
    return Table("pending_extensions", _("Pending extension requests"), columns, rows)


def dashboard_tables(dash: figures_.Dashboard, links: Links | None = None) -> list[Table]:
    return [
        key_figure_table(dash.key),
        timeliness_table(dash, links),
        trend_table(dash.trend),
        region_table(dash, links),
        mission_table(dash.missions, links),
        theme_table(dash, links),
        directive_table(dash, links),
        commitment_table(dash, links),
        silent_table(dash, links),
    ]
