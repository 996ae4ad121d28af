"""The straightforward versions a first implementation would write, measured beside the product in the same run.

- The admin: a ModelAdmin with the same columns and filters, but without `list_select_related` (each row
  fetches its task and mission), with full result counts, timeliness computed per row in Python, the
  filters as Django draws them (a link per directive and per mission), inlines without `select_related`,
  and task and mission as plain selects on the change page. Mounted on its own AdminSite, only in the
  bench's URLs.
- A report: the assignment read without a lock, saved with every column, each statement its own
  transaction (autocommit).

Same rules (`tracker.timeliness`, `tracker.transitions`, `tracker.permissions`): only the way they are used differs.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tracker import permissions, timeliness, transitions
from tracker.models import Assignment, ExtensionRequest, Report, Status, Timeliness


class BaselineAdminSite(admin.AdminSite):
    site_header = "Baseline admin (bench only)"


site = BaselineAdminSite(name="baseline_admin")


class TimelinessFilter(admin.SimpleListFilter):
    title = "timeliness"
    parameter_name = "timeliness"

    def lookups(self, request, model_admin):
        return Timeliness.choices

    def queryset(self, request, queryset):
        if self.value() in Timeliness.values:
            return queryset.filter(timeliness.filter_q(self.value()))
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["created_at", "author", "previous_status", "status", "percent", "results", "obstacles", "proposals"]
    readonly_fields = fields


class ExtensionInline(admin.TabularInline):
    model = ExtensionRequest
    fk_name = "assignment"
    extra = 0
    fields = ["created_at", "requested_by", "current_deadline", "requested_deadline", "reason", "state", "decided_by"]
    readonly_fields = fields


@admin.register(Assignment, site=site)
class AssignmentAdmin(admin.ModelAdmin):
    # Django's own list page: the product's template links to its exports, which only the product's site has.
    change_list_template = "admin/change_list.html"
    # Callables, as the product has (Django would add select_related by itself for plain foreign-key columns).
    list_display = [
        "mission_code",
        "task_title",
        "role",
        "deadline",
        "status",
        "timeliness",
        "percent",
        "last_reported_at",
    ]
    list_display_links = ["task_title"]
    list_filter = [
        "status",
        TimelinessFilter,
        "mission__region",
        "mission__kind",
        "deadline",
        "role",
        "task__directive",
        "task__themes",
        "mission",
    ]
    search_fields = ["task__title", "mission__code", "mission__name_vi", "mission__name_en"]
    list_per_page = 100
    readonly_fields = ["status", "percent", "completed_on", "last_reported_at", "version", "original_deadline"]
    inlines = [ReportInline, ExtensionInline]

    @admin.display(description="mission")
    def mission_code(self, obj):
        return obj.mission.code

    @admin.display(description="task")
    def task_title(self, obj):
        return obj.task.title

    @admin.display(description="timeliness")
    def timeliness(self, obj):
        return obj.get_timeliness()


def report_submit(*, assignment_id: int, author, status: str, percent: int, results: str = "") -> Report:
    """A report the straightforward way: no row lock, no version check, a full save, autocommit."""
    assignment = Assignment.objects.get(pk=assignment_id)
    if not permissions.can_report(author, assignment):
        raise PermissionDenied
    stored = transitions.check(
        current=assignment.status,
        new=status,
        percent=percent,
        obstacles="",
        by_committee=permissions.is_committee(author),
    )
    now = timezone.now()
    report = Report.objects.create(
        assignment=assignment,
        author=author,
        created_at=now,
        previous_status=assignment.status,
        status=status,
        percent=stored,
        results=results,
    )
    assignment.status = status
    assignment.percent = stored
    assignment.completed_on = assignment.mission.local_today(now) if status == Status.COMPLETED else None
    assignment.last_reported_at = now
    assignment.version += 1
    assignment.save()
    return report


# --- the portal, the API and the reminders, the straightforward way ------------------------------------------


def portal_assignment_list(*, user, zones=None):
    """The portal's (and the API's) rows without their task and mission joined: each row reads both."""
    return timeliness.annotate(permissions.visible_assignments(user), zones=zones)


def portal_filter_choices(*, user):
    """Every theme, directive, commitment and mission offered, whatever the user's work."""
    from missions.models import Mission
    from tracker.models import Commitment, Directive, Theme

    return {
        "theme": Theme.objects.all(),
        "directive": Directive.objects.all(),
        "commitment": Commitment.objects.all(),
        "mission": Mission.objects.all(),
    }


def portal_filter_options(*, user, mission_filter):
    """No options read ahead: each select iterates its queryset (a query and a model object per option) and is
    drawn by Django's widget templates."""
    return {}


def portal_assignment_detail(*, user, pk):
    assignment = permissions.get_visible_assignment(user, pk)
    assignment.timeliness = timeliness.of(assignment)
    return assignment


def portal_assignment_timeline(*, assignment):
    """The timeline without joins: each report reads its author, cause and attachments, each request its people."""
    from tracker import selectors

    events = [selectors.TimelineEvent("report", r.created_at, r.author, r) for r in assignment.reports.all()]
    for request in assignment.extension_requests.all():
        events.append(selectors.TimelineEvent("extension_requested", request.created_at, request.requested_by, request))
        if request.decided_at:
            events.append(selectors.TimelineEvent("extension_decided", request.decided_at, request.decided_by, request))
    events.extend(selectors._audit_events(assignment))
    events.extend(selectors._reminder_events(assignment))
    order = {"assigned": 0, "changed": 1, "extension_requested": 2, "extension_decided": 3, "report": 4, "reminder": 5}
    events.sort(key=lambda e: (e.at or timezone.now(), order.get(e.kind, 9)), reverse=True)
    return events


def portal_report_submit(*, assignment_id: int, author, status: str, percent: int, results: str = "", **_ignored):
    """The portal's POST with the straightforward report (above) in place of the service."""
    return report_submit(assignment_id=assignment_id, author=author, status=status, percent=percent, results=results)
