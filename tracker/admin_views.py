"""The committee's pages in the admin: the dashboard (the admin's first page), the period report, the
commitment follow-up, mission scorecards, assignment exports and the task import.

`install(admin.site)` puts these URLs in front of the admin's own (in the "admin" namespace), so the
dashboard answers at /admin/ and every ModelAdmin registered anywhere keeps working. Views parse input,
call a selector (`tracker.dashboard`) or a service, and render.
"""

import datetime
from dataclasses import replace
from urllib.parse import quote_plus, urlencode

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from missions.models import Mission
from tracker import audit, charts, dashboard, exports, imports, permissions, tables
from tracker.dashboard_forms import CommitmentFilterForm, DashboardFilterForm, ImportUploadForm
from tracker.models import Assignment, Commitment, Status, Task, Theme, Timeliness

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_PAGE_ROWS = 300
# The dashboard shows the latest directives and commitments (ten years bring hundreds of each); the period
# report and the spreadsheet have them all.
DASHBOARD_LATEST_ROWS = 30

# Changelist parameters of each figure (the admin's filters: status, timeliness, …).
FIGURE_PARAMS = {
    "total": {"status__in": ",".join(s for s in Status.values if s != Status.CANCELLED)},
    "completed": {"status__exact": Status.COMPLETED},
    "on_time": {"timeliness": Timeliness.COMPLETED_ON_TIME},
    "late": {"timeliness": Timeliness.COMPLETED_LATE},
    "overdue": {"timeliness": Timeliness.OVERDUE},
    "blocked": {"status__exact": Status.BLOCKED},
    "due_soon": {"timeliness": Timeliness.DUE_SOON},
}


def timeliness_colours() -> dict[str, str]:
    from tracker.admin import TIMELINESS_COLOURS

    return TIMELINESS_COLOURS


class AdminLinks:
    """Links from figures to the admin lists they count (same scope, plus the figure's own filter)."""

    def __init__(self, scope: dashboard.Scope):
        self.scope = scope
        self.changelist = reverse("admin:tracker_assignment_changelist")
        params = {}
        if scope.start:
            params["deadline__gte"] = scope.start.isoformat()
        if scope.end:
            params["deadline__lte"] = scope.end.isoformat()
        if scope.region:
            params["mission__region__exact"] = scope.region
        if scope.theme_id:
            params["task__themes__id__exact"] = scope.theme_id
        if scope.mission_id:
            params["mission__id__exact"] = scope.mission_id
        self.params = params
        self._encoded: dict[tuple, tuple[set, str]] = {}

    def _base(self, figure: str | None, timeliness: str | None) -> dict:
        params = dict(self.params)
        params.update(FIGURE_PARAMS[figure or "total"])
        if timeliness:
            params.pop("status__in", None)
            params["timeliness"] = timeliness
        return params

    @staticmethod
    def _filter_params(filters: dict) -> dict:
        params = {}
        for name, value in filters.items():
            if value is None:
                continue
            if name == "region":
                params["mission__region__exact"] = value
            elif name == "mission":
                params["mission__id__exact"] = value
            elif name == "theme":
                params["task__themes__id__exact"] = value
            elif name in ("directive", "commitment"):
                if value == "none":
                    params[f"task__{name}__isnull"] = "True"
                else:
                    params[f"task__{name}__id__exact"] = value
            else:
                raise ValueError(name)
        return params

    def _params(self, figure: str | None, timeliness: str | None, filters: dict) -> dict:
        params = self._base(figure, timeliness)
        params.update(self._filter_params(filters))
        return params

    def assignments(self, figure: str | None = None, *, timeliness: str | None = None, **filters) -> str:
        """The admin's assignment list filtered to what a figure counts."""
        # A page has thousands of these links: the figure's part of the query is encoded once.
        key = (figure, timeliness)
        if key not in self._encoded:
            base = self._base(figure, timeliness)
            self._encoded[key] = (set(base), urlencode(base))
        names, encoded = self._encoded[key]
        extra = self._filter_params(filters)
        if not extra:
            return f"{self.changelist}?{encoded}"
        if names.isdisjoint(extra):  # the names are plain words: only the values need quoting
            return f"{self.changelist}?{encoded}&" + "&".join(f"{k}={quote_plus(str(v))}" for k, v in extra.items())
        return f"{self.changelist}?{urlencode(self._params(figure, timeliness, filters))}"

    def export(self, fmt: str, figure: str | None = None, *, timeliness: str | None = None, **filters) -> str:
        """The same list as `assignments`, exported to CSV or XLSX."""
        url = reverse("admin:tracker_assignment_export", args=[fmt])
        return f"{url}?{urlencode(self._params(figure, timeliness, filters))}"

    def pending_extensions(self) -> str:
        params = {"state__exact": "pending"}
        if self.scope.start:
            params["assignment__deadline__gte"] = self.scope.start.isoformat()
        if self.scope.end:
            params["assignment__deadline__lte"] = self.scope.end.isoformat()
        if self.scope.region:
            params["assignment__mission__region__exact"] = self.scope.region
        if self.scope.theme_id:
            params["assignment__task__themes__id__exact"] = self.scope.theme_id
        if self.scope.mission_id:
            params["assignment__mission__id__exact"] = self.scope.mission_id
        return f"{reverse('admin:tracker_extensionrequest_changelist')}?{urlencode(params)}"

    def scorecard(self, mission_id: int) -> str:
        return reverse("admin:tracker_scorecard", args=[mission_id]) + self._period_query()

    def commitment(self, commitment_id: int) -> str:
        return reverse("admin:tracker_commitment_followup_detail", args=[commitment_id])

    def _period_query(self) -> str:
        params = {}
        if self.scope.start:
            params["start"] = self.scope.start.isoformat()
        if self.scope.end:
            params["end"] = self.scope.end.isoformat()
        if self.scope.theme_id:
            params["theme"] = self.scope.theme_id
        if params:
            params["period"] = "custom"
        return f"?{urlencode(params)}" if params else ""


def scope_lines(scope: dashboard.Scope, now: datetime.datetime, theme: Theme | None = None) -> list[str]:
    """What a report covers, in words, for its heading and its spreadsheet."""
    region = dict(Mission.Region.choices).get(scope.region) if scope.region else _("all regions")
    lines = [
        tables.scope_phrase(scope),
        _("Region: %(region)s") % {"region": region},
        _("Theme: %(theme)s") % {"theme": theme or _("all themes")},
        _("Figures as of %(time)s (Ha Noi time)") % {"time": timezone.localtime(now).strftime("%d/%m/%Y %H:%M")},
    ]
    return lines


def timeliness_series(rows: list[tuple[str, dashboard.Figures]]) -> list[charts.Series]:
    colours = timeliness_colours()
    parts = [
        (Timeliness.COMPLETED_ON_TIME, "on_time"),
        (Timeliness.COMPLETED_LATE, "late"),
        (Timeliness.ON_TRACK, "on_track"),
        (Timeliness.DUE_SOON, "due_soon"),
        (Timeliness.OVERDUE, "overdue"),
    ]
    return [
        charts.Series(str(Timeliness(category).label), colours[category], [getattr(f, name) for _label, f in rows])
        for category, name in parts
    ]


def dashboard_charts(dash: dashboard.Dashboard) -> dict:
    """The dashboard's charts, each with the table of its numbers ("<name>_table")."""
    regions = [(_("All regions"), dash.key), *[(row.label, row.figures) for row in dash.regions]]
    themes = [(row.label, row.figures) for row in dash.themes]
    region_title = _("Where the work stands, by region")
    theme_title = _("Where the work stands, by theme")
    return {
        "regions": charts.stacked_bars(
            [label for label, _f in regions], timeliness_series(regions), title=region_title
        ),
        "regions_table": tables.chart_table("chart-regions", region_title, regions),
        "themes": charts.stacked_bars(
            [label for label, _f in themes], timeliness_series(themes), title=theme_title, width=900
        )
        if themes
        else "",
        "themes_table": tables.chart_table("chart-themes", theme_title, themes),
        "trend": charts.month_columns(dash.trend, title=_("Completed and fell overdue, by month")),
        "reports": charts.columns(
            [tables.month_label(p.month) for p in dash.trend],
            [charts.Series(_("Reports filed"), "#5f6b7a", [p.reports for p in dash.trend])],
            title=_("Reports filed, by month"),
            height=180,
        ),
    }


def key_tiles(key: dashboard.KeyFigures, links: AdminLinks) -> list[dict]:
    rate = key.rate
    return [
        {"id": "total", "label": _("Assignments"), "value": key.total, "url": links.assignments("total")},
        {
            "id": "completed",
            "label": _("Completed"),
            "value": key.completed,
            "url": links.assignments("completed"),
            "hint": _("%(on_time)d on time, %(late)d late") % {"on_time": key.on_time, "late": key.late},
        },
        {
            "id": "rate",
            "label": _("On-time rate"),
            "value": "—" if rate is None else f"{rate:.1f}%",
            "url": links.assignments("on_time"),
            "hint": _("completed on time ÷ (completed + overdue)"),
        },
        {
            "id": "overdue",
            "label": _("Overdue"),
            "value": key.overdue,
            "url": links.assignments("overdue"),
            "tone": "bad" if key.overdue else "",
        },
        {
            "id": "blocked",
            "label": _("Blocked"),
            "value": key.blocked,
            "url": links.assignments("blocked"),
            "tone": "warn" if key.blocked else "",
        },
        {
            "id": "due_soon",
            "label": _("Due in the next 7 days"),
            "value": key.due_soon,
            "url": links.assignments("due_soon"),
        },
        {
            "id": "pending_extensions",
            "label": _("Pending extension requests"),
            "value": key.pending_extensions,
            "url": links.pending_extensions(),
            "tone": "warn" if key.pending_extensions else "",
        },
    ]


def _query(request, drop: tuple[str, ...] = ()) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def _attachment_name(stem: str, scope: dashboard.Scope | None, ext: str, now: datetime.datetime) -> str:
    parts = [stem]
    if scope and scope.start:
        parts.append(scope.start.isoformat())
    if scope and scope.end:
        parts.append(scope.end.isoformat())
    if not (scope and scope.has_period):
        parts.append(timezone.localtime(now).strftime("%Y-%m-%d"))
    return f"{'_'.join(parts)}.{ext}"


class CommitteeViews:
    """The committee's views, bound to an admin site (for its login check and its page context)."""

    def __init__(self, site):
        self.site = site

    def get_urls(self) -> list:
        wrap = self.site.admin_view
        return [
            path("", wrap(self.dashboard_view), name="tracker_dashboard"),
            path("tracker/committee/dashboard.xlsx", wrap(self.dashboard_xlsx_view), name="tracker_dashboard_xlsx"),
            path("tracker/committee/report/", wrap(self.report_view), name="tracker_report"),
            path("tracker/committee/report.xlsx", wrap(self.report_xlsx_view), name="tracker_report_xlsx"),
            path("tracker/committee/commitments/", wrap(self.commitments_view), name="tracker_commitment_followup"),
            path(
                "tracker/committee/commitments/<int:pk>/",
                wrap(self.commitment_view),
                name="tracker_commitment_followup_detail",
            ),
            path("tracker/committee/scorecard/<int:mission_id>/", wrap(self.scorecard_view), name="tracker_scorecard"),
            path(
                "tracker/committee/assignments.<str:fmt>",
                wrap(self.assignments_export_view),
                name="tracker_assignment_export",
            ),
            path("tracker/committee/import/", wrap(self.task_import_view), name="tracker_task_import"),
            path(
                "tracker/committee/import/template.xlsx",
                wrap(self.task_import_template_view),
                name="tracker_task_import_template",
            ),
        ]

    # --- helpers ---

    def _check(self, request) -> None:
        if not permissions.is_committee(request.user):
            raise PermissionDenied

    def _filters(self, request, now: datetime.datetime, **form_kwargs) -> tuple[DashboardFilterForm, dashboard.Scope]:
        form = DashboardFilterForm(request.GET or None, **form_kwargs)
        if form.is_bound and not form.is_valid():
            messages.warning(request, _("Some filters were not understood and were not applied; see below."))
        return form, form.scope(dashboard.committee_today(now))

    def _context(self, request, **extra) -> dict:
        return {**self.site.each_context(request), **extra}

    def _dashboard(self, request, now: datetime.datetime):
        themes = list(Theme.objects.all())  # read once: for the filter's choices and the figures by theme
        form, scope = self._filters(request, now, themes=themes)
        dash = dashboard.dashboard(
            scope, now=now, mission_sort=request.GET.get("sort"), language=get_language() or "vi", themes=themes
        )
        theme = form.cleaned_data.get("theme") if form.is_bound and form.is_valid() else None
        return form, scope, dash, theme, dash.zones

    # --- dashboard ---

    def dashboard_view(self, request):
        self._check(request)
        now = timezone.now()
        form, scope, dash, theme, _zones = self._dashboard(request, now)
        links = AdminLinks(scope)
        latest = replace(
            dash,
            directives=dash.directives[:DASHBOARD_LATEST_ROWS],
            commitments=dash.commitments[:DASHBOARD_LATEST_ROWS],
        )
        page_tables = {t.key: t for t in tables.dashboard_tables(latest, links)}
        page_tables["directives"].more = len(dash.directives) - len(latest.directives)
        page_tables["commitments"].more = len(dash.commitments) - len(latest.commitments)
        query = _query(request, drop=("sort",))
        sort_links = {}
        for column in page_tables["missions"].columns:
            if not column.sort:
                continue
            if dash.mission_sort == column.sort:
                wanted = f"-{column.sort}"
            elif dash.mission_sort == f"-{column.sort}":
                wanted = column.sort
            else:  # numbers and dates first from the largest, names from A
                wanted = f"-{column.sort}" if column.kind in ("int", "percent", "datetime") else column.sort
            sort_links[column.key] = f"?{query}&sort={wanted}" if query else f"?sort={wanted}"
        context = self._context(
            request,
            title=_("Steering committee dashboard"),
            form=form,
            scope=scope,
            dash=dash,
            tiles=key_tiles(dash.key, links),
            tables=page_tables,
            charts=dashboard_charts(dash),
            mission_sort_links=sort_links,
            worst_link=f"?{query}" if query else "?",
            period=tables.period_label(scope),
            lines=scope_lines(scope, now, theme),
            query=query,
            commitments_without_tasks=dash.commitments_without_tasks,
        )
        return TemplateResponse(request, "admin/tracker/dashboard/index.html", context)

    def dashboard_xlsx_view(self, request):
        self._check(request)
        now = timezone.now()
        _form, scope, dash, theme, _zones = self._dashboard(request, now)
        title = _("Economic diplomacy dashboard")
        workbook = exports.tables_xlsx(tables.dashboard_tables(dash), title=title, lines=scope_lines(scope, now, theme))
        return FileResponse(
            workbook, as_attachment=True, filename=_attachment_name("dashboard", scope, "xlsx", now), content_type=XLSX
        )

    # --- period report ("báo cáo sơ kết") ---

    def _report_tables(self, dash: dashboard.Dashboard, zones, *, limit: int | None, links=None) -> list:
        overdue = dashboard.overdue_assignments(dash.scope, now=dash.now, zones=zones)
        pending = dashboard.pending_extensions(dash.scope)
        t = {x.key: x for x in tables.dashboard_tables(dash, links)}
        overdue_table = tables.overdue_table(overdue, dash.now, limit=limit)
        pending_table = tables.pending_extension_table(pending, limit=limit)
        if limit:
            overdue_table.more = max(0, dash.key.overdue - limit)
            pending_table.more = max(0, dash.key.pending_extensions - limit)
        return [
            t["key_figures"],
            t["timeliness"],
            t["regions"],
            t["themes"],
            t["directives"],
            t["commitments"],
            t["trend"],
            overdue_table,
            t["silent"],
            pending_table,
            t["missions"],
        ]

    def report_view(self, request):
        self._check(request)
        now = timezone.now()
        _form, scope, dash, theme, zones = self._dashboard(request, now)
        report_tables = self._report_tables(dash, zones, limit=REPORT_PAGE_ROWS)
        query = _query(request, drop=("sort",))
        context = self._context(
            request,
            title=_("Period report on economic diplomacy tasks"),
            dash=dash,
            scope=scope,
            period=tables.period_label(scope),
            lines=scope_lines(scope, now, theme),
            tables=report_tables,
            query=query,
            overdue_xlsx=AdminLinks(scope).export("xlsx", "overdue"),
        )
        return TemplateResponse(request, "admin/tracker/dashboard/report.html", context)

    def report_xlsx_view(self, request):
        self._check(request)
        now = timezone.now()
        _form, scope, dash, theme, zones = self._dashboard(request, now)
        title = _("Period report on economic diplomacy tasks")
        workbook = exports.tables_xlsx(
            self._report_tables(dash, zones, limit=None), title=title, lines=scope_lines(scope, now, theme)
        )
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=_attachment_name("period-report", scope, "xlsx", now),
            content_type=XLSX,
        )

    # --- scorecards ---

    def scorecard_view(self, request, mission_id: int):
        self._check(request)
        mission = permissions.get_scorecard_mission(request.user, pk=mission_id)
        now = timezone.now()
        form, scope = self._filters(request, now, with_region=False)
        card = dashboard.scorecard(mission, scope, now=now)
        links = AdminLinks(
            dashboard.Scope(start=scope.start, end=scope.end, theme_id=scope.theme_id, mission_id=mission.pk)
        )
        context = self._context(
            request,
            title=_("Scorecard: %(mission)s") % {"mission": mission.name},
            card=card,
            form=form,
            period=tables.scope_phrase(scope),
            links={
                key: links.assignments(key)
                for key in ("total", "completed", "on_time", "overdue", "blocked", "due_soon")
            },
            trend=tables.trend_table(card.trend),
            trend_chart=charts.month_columns(card.trend, title=_("The mission's months"), reports=True),
            admin=True,
        )
        return TemplateResponse(request, "admin/tracker/dashboard/scorecard.html", context)

    # --- commitment follow-up ---

    def commitments_view(self, request):
        self._check(request)
        now = timezone.now()
        form = CommitmentFilterForm(request.GET or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        if form.is_bound and not form.is_valid():
            messages.warning(request, _("Some filters were not understood and were not applied; see below."))
        qs = dashboard.commitment_followup(now=now, **filters)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        context = self._context(
            request,
            title=_("Commitment follow-up"),
            form=form,
            page=page,
            without_tasks=dashboard.commitments_without_tasks(),
            query=_query(request, drop=("page",)),
        )
        return TemplateResponse(request, "admin/tracker/dashboard/commitments.html", context)

    def commitment_view(self, request, pk: int):
        self._check(request)
        commitment = get_object_or_404(Commitment.objects.prefetch_related("themes"), pk=pk)
        detail = dashboard.commitment_detail(commitment, now=timezone.now())
        context = self._context(request, title=str(commitment), detail=detail, commitment=commitment)
        return TemplateResponse(request, "admin/tracker/dashboard/commitment.html", context)

    # --- exports of assignment lists ---

    def assignments_export_view(self, request, fmt: str):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        model_admin = self.site._registry[Assignment]
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:tracker_assignment_changelist")
        try:
            cl = model_admin.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, _("These filters are not valid; nothing was exported."))
            return HttpResponseRedirect(changelist)
        queryset = cl.get_queryset(request)
        now = timezone.now()
        if fmt == "csv":
            response = StreamingHttpResponse(exports.assignments_csv(queryset), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{_attachment_name("assignments", None, "csv", now)}"'
            )
            return response
        workbook = exports.assignments_xlsx(queryset, title=_("Assignments"))
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=_attachment_name("assignments", None, "xlsx", now),
            content_type=XLSX,
        )

    # --- import of tasks ---

    def _check_import(self, request) -> None:
        if not self.site._registry[Task].has_add_permission(request):
            raise PermissionDenied

    def task_import_template_view(self, request):
        self._check_import(request)
        return FileResponse(
            imports.build_template(), as_attachment=True, filename="task-import-template.xlsx", content_type=XLSX
        )

    def task_import_view(self, request):
        self._check_import(request)
        form = ImportUploadForm()
        preview = None
        if request.method == "POST" and "payload" in request.POST:
            try:
                raw_rows = imports.unsign(request.POST["payload"])
            except signing.BadSignature:
                messages.error(request, _("This preview has expired or was changed; upload the file again."))
                return HttpResponseRedirect(reverse("admin:tracker_task_import"))
            preview = imports.check(raw_rows)
            if preview.ok:
                try:
                    created = imports.tasks_import(preview=preview, created_by=request.user)
                except ValidationError as exc:
                    messages.error(request, _("Nothing was imported: %(error)s") % {"error": "; ".join(exc.messages)})
                else:
                    audit.admin_action_log(
                        user=request.user,
                        objects=created,
                        flag=audit.ADDITION,
                        message=_("Imported from a spreadsheet, with its assignments."),
                    )
                    messages.success(
                        request,
                        _("Imported %(tasks)d tasks and %(assignments)d assignments.")
                        % {"tasks": len(created), "assignments": preview.assignment_count},
                    )
                    return HttpResponseRedirect(reverse("admin:tracker_task_changelist"))
        elif request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                preview = imports.preview_file(form.cleaned_data["file"])
        context = self._context(
            request,
            title=_("Import tasks from a spreadsheet"),
            form=form,
            preview=preview,
            columns=imports.COLUMNS,
            opts=Task._meta,
        )
        return TemplateResponse(request, "admin/tracker/dashboard/import.html", context)


def install(site) -> None:
    """Puts the committee's views in front of the admin site's own URLs (once)."""
    if getattr(site, "_tracker_committee_views", False):
        return
    views = CommitteeViews(site)
    original = site.get_urls

    def get_urls():
        return [*views.get_urls(), *original()]

    site.get_urls = get_urls
    site._tracker_committee_views = True
