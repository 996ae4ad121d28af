"""Reads that cross relations: the querysets behind lists, filters and pages."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, DateField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone, translation

from missions.models import Mission
from tracker import cache, options_cache, permissions, timeliness
from tracker.models import (
    Assignment,
    Commitment,
    Directive,
    ExtensionRequest,
    Report,
    ReportAttachment,
    Status,
    Task,
    Theme,
    Timeliness,
)


def assignment_list(*, user, zones: timeliness.Zones | None = None) -> QuerySet:
    """The assignments a user may see, with task and mission joined and timeliness annotated."""
    qs = permissions.visible_assignments(user).select_related("task", "mission")
    return timeliness.annotate(qs, zones=zones)


# The columns the portal's list shows (tracker.templatetags.portal.assignment_rows): its rows load no others.
PORTAL_LIST_COLUMNS = (
    "id", "deadline", "original_deadline", "status", "percent", "last_reported_at", "completed_on",
    "task__id", "task__title",
    "mission__id", "mission__code", "mission__name_vi", "mission__name_en", "mission__timezone",
)  # fmt: skip


def portal_assignment_list(*, user, zones: timeliness.Zones | None = None) -> QuerySet:
    """The portal list's rows: `assignment_list` with only the columns the page shows."""
    return assignment_list(user=user, zones=zones).only(*PORTAL_LIST_COLUMNS)


# The API's lists: each joins what its rows show, so a page costs the same number of queries at any size.


def mission_list(*, user) -> QuerySet:
    return permissions.visible_missions(user)


def directive_list(*, user) -> QuerySet:
    return permissions.visible_directives(user)


def commitment_list(*, user) -> QuerySet:
    return permissions.visible_commitments(user).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("code"))
    )


def task_list(*, user) -> QuerySet:
    return (
        permissions.visible_tasks(user)
        .select_related("directive", "commitment")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("code")))
    )


def report_list(*, user) -> QuerySet:
    return (
        permissions.visible_reports(user)
        .select_related("assignment__task", "assignment__mission", "author", "obstacle_cause")
        .prefetch_related(Prefetch("attachments", queryset=ReportAttachment.objects.order_by("pk")))
    )


def extension_request_list(*, user) -> QuerySet:
    return permissions.visible_extension_requests(user).select_related(
        "assignment__task", "assignment__mission", "requested_by", "decided_by"
    )


def assignment_key_figures(
    *, queryset: QuerySet, now: datetime.datetime | None = None, zones: timeliness.Zones | None = None
) -> dict[str, Any]:
    """The dashboard's key figures over a set of assignments, counted in one aggregate query.

    `on_time_rate` is the share (in %) of completed assignments completed on or before their deadline,
    None while none is completed; `due_within_7_days` are open assignments due today or in the next 7 days
    (the "due soon" timeliness); `pending_extensions` are extension requests waiting for a decision.
    """
    now = now or timezone.now()
    by = timeliness.conditions(now, zones)
    pending = Exists(ExtensionRequest.objects.filter(assignment=OuterRef("pk"), state=ExtensionRequest.State.PENDING))
    # Counted over the ids of the (possibly joined or DISTINCT) filtered set: still one query, never a row twice.
    assignments = Assignment.objects.filter(pk__in=queryset.order_by().values("pk"))
    figures = assignments.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        completed_on_time=Count("pk", filter=by[Timeliness.COMPLETED_ON_TIME]),
        overdue=Count("pk", filter=by[Timeliness.OVERDUE]),
        blocked=Count("pk", filter=Q(status=Status.BLOCKED)),
        due_within_7_days=Count("pk", filter=by[Timeliness.DUE_SOON]),
        pending_extensions=Count("pk", filter=Q(pending)),
    )
    completed = figures["completed"]
    figures["on_time_rate"] = round(100 * figures["completed_on_time"] / completed, 1) if completed else None
    figures["as_of"] = now
    return figures


def timeliness_counts(
    *,
    user,
    zones: timeliness.Zones | None = None,
    now: datetime.datetime | None = None,
    matching: QuerySet | None = None,
) -> dict[str, int]:
    """How many of the user's visible assignments there are, in all and in each timeliness category, and (as
    "matching") how many are in `matching`, a filtered list of them: one query."""
    conditions = timeliness.conditions(now=now, zones=zones)
    counted = {category: Count("pk", filter=q) for category, q in conditions.items()}
    if matching is not None and not matching.query.is_empty():
        counted["matching"] = Count("pk", filter=Q(pk__in=matching.order_by().values("pk")))
    counts = permissions.visible_assignments(user).order_by().aggregate(total=Count("pk"), **counted)
    result = {key: counts[key] or 0 for key in ["total", *Timeliness.values]}
    if matching is not None:
        result["matching"] = counts.get("matching") or 0
    return result


def assignment_filter_choices(*, user) -> dict[str, QuerySet]:
    """What the list's filters offer: for a mission, only the themes, directives and commitments of its work."""
    if permissions.is_committee(user):
        return {
            "theme": Theme.objects.all(),
            "directive": Directive.objects.all(),
            "commitment": Commitment.objects.all(),
            "mission": Mission.objects.all(),
        }
    mission_ids = permissions.mission_ids(user)
    tasks = Task.objects.filter(assignments__mission_id__in=mission_ids)
    return {
        "theme": Theme.objects.filter(Exists(tasks.filter(themes=OuterRef("pk")))),
        "directive": Directive.objects.filter(Exists(tasks.filter(directive=OuterRef("pk")))),
        "commitment": Commitment.objects.filter(Exists(tasks.filter(commitment=OuterRef("pk")))),
        "mission": Mission.objects.filter(pk__in=mission_ids),
    }


def assignment_filter_options(*, user, mission_filter: bool) -> dict[str, list[tuple[int, str]]]:
    """The (id, label) options of the list's theme, directive, commitment and (with `mission_filter`) mission
    selects: the objects of `assignment_filter_choices`, latest first for directives and commitments, labelled in
    the active language.

    Cached between requests (`tracker.options_cache`) under the version of the data they are drawn from, the
    user's missions (or the committee's all), `mission_filter` and the language. The version comes with a member's
    memberships, or with the committee's read of every mission's time zone (`options_cache.version`); on a miss one
    more query reads the options (a UNION of four)."""
    english = (translation.get_language() or "vi").startswith("en")
    version = options_cache.version(user)
    if version is None:  # no version to file them under (an emptied database): read, not cached
        return _filter_options(user=user, mission_filter=mission_filter, english=english)
    if permissions.is_committee(user):
        whose = "committee"
    else:  # a digest of the missions' ids keeps the key short for a member of many
        ids = ",".join(map(str, permissions.mission_ids(user)))
        whose = "missions-" + hashlib.sha256(ids.encode()).hexdigest()[:32]
    key = f"portal-filter-options:{version}:{whose}:{int(mission_filter)}:{'en' if english else 'vi'}"
    return cache.remember(
        key,
        lambda: _filter_options(user=user, mission_filter=mission_filter, english=english),
        timeout=options_cache.TIMEOUT,
        what="filter options",
    )


def _filter_options(*, user, mission_filter: bool, english: bool) -> dict[str, list[tuple[int, str]]]:
    """`assignment_filter_options` read from the database, in one query. A mission's directives run into the
    hundreds: no model object each."""
    rows: dict[str, list[tuple]] = defaultdict(list)
    for kind, *row in _filter_option_rows(user=user, mission_filter=mission_filter):
        rows[kind].append(row)

    def name(row) -> str:
        return row[2] if english else row[1]

    def latest_first(row):  # undated last
        return (-(row[4] or datetime.date.min).toordinal(), row[1])

    options = {
        # Themes by group, then by name; missions by code.
        "theme": [(r[0], name(r)) for r in sorted(rows["theme"], key=lambda r: (r[3], name(r)))],
        "directive": [(r[0], f"{r[1]} ({r[4]:%d/%m/%Y})") for r in sorted(rows["directive"], key=latest_first)],
        "commitment": [(r[0], r[1]) for r in sorted(rows["commitment"], key=latest_first)],
    }
    if mission_filter:
        options["mission"] = [(r[0], f"{r[3]} · {name(r)}") for r in sorted(rows["mission"], key=lambda r: r[3])]
    return options


def _filter_option_rows(*, user, mission_filter: bool):
    """(kind, id, label, English label, sort key, day) of every option, in one query."""
    if permissions.is_committee(user):
        choices = assignment_filter_choices(user=user)

        def part(kind: str, a: str, b: str, sort: str | None, day: str | None):
            return (
                choices[kind]
                .order_by()
                .annotate(
                    o_kind=Value(kind),
                    o_a=F(a),
                    o_b=F(b),
                    o_sort=F(sort) if sort else Value(""),
                    o_day=F(day) if day else Cast(Value(None), DateField()),
                )
                .values_list("o_kind", "pk", "o_a", "o_b", "o_sort", "o_day")
            )

        parts = [
            part("theme", "name_vi", "name_en", "group", None),
            part("directive", "title", "title", None, "issued_on"),
            part("commitment", "title", "title", None, "signed_on"),
        ]
        if mission_filter:
            parts.append(part("mission", "name_vi", "name_en", "code", None))
        return parts[0].union(*parts[1:], all=True)
    # A mission's options are those of its own tasks, read once (a CTE) and matched by id: a third of the
    # time of testing each of hundreds of directives for a task of the mission.
    mission_ids = sorted(permissions.mission_ids(user))
    if not mission_ids:  # no mission, no work: nothing to offer
        return []
    tasks_sql, params = (
        Task.objects.filter(assignments__mission_id__in=mission_ids)
        .order_by()
        .values_list("id", "directive_id", "commitment_id")
        .query.sql_with_params()
    )
    q = connection.ops.quote_name
    tables = {model: q(model._meta.db_table) for model in (Theme, Task.themes.through, Directive, Commitment, Mission)}
    through = Task.themes.through._meta
    task_col = q(through.get_field("task").column)
    theme_col = q(through.get_field("theme").column)
    # Only the ORM's own SQL, quoted table and column names and placeholders are written into it.
    parts = [
        f"WITH mine (id, directive_id, commitment_id) AS MATERIALIZED ({tasks_sql})",
        f"SELECT 'theme', id, name_vi, name_en, {q('group')}, NULL FROM {tables[Theme]} WHERE id IN "  # noqa: S608
        f"(SELECT {theme_col} FROM {tables[Task.themes.through]} WHERE {task_col} IN (SELECT id FROM mine))",
        f"UNION ALL SELECT 'directive', id, title, title, '', issued_on FROM {tables[Directive]}"  # noqa: S608
        " WHERE id IN (SELECT directive_id FROM mine)",
        f"UNION ALL SELECT 'commitment', id, title, title, '', signed_on FROM {tables[Commitment]}"  # noqa: S608
        " WHERE id IN (SELECT commitment_id FROM mine)",
    ]
    if mission_filter:
        marks = ", ".join(["%s"] * len(mission_ids))
        parts.append(
            f"UNION ALL SELECT 'mission', id, name_vi, name_en, code, NULL FROM {tables[Mission]}"  # noqa: S608
            f" WHERE id IN ({marks})"
        )
        params = (*params, *mission_ids)
    sql = " ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # SQLite returns days from a raw query as text
        rows = [(*r[:5], datetime.date.fromisoformat(r[5]) if r[5] else None) for r in rows]
    return rows


def assignment_detail(*, user, pk) -> Assignment:
    """One assignment with everything its page shows about the task, or 404 if the user may not see it."""
    qs = Assignment.objects.select_related("task__directive", "task__commitment", "mission").prefetch_related(
        "task__themes"
    )
    assignment = permissions.get_visible_assignment(user, pk, qs)
    assignment.timeliness = timeliness.of(assignment)
    return assignment


def assignment_for_action(*, user, pk) -> Assignment:
    """One assignment with what the report and extension forms show (its task and mission), or 404."""
    return permissions.get_visible_assignment(user, pk, Assignment.objects.select_related("task", "mission"))


def pending_extension(*, assignment: Assignment) -> ExtensionRequest | None:
    return (
        assignment.extension_requests.filter(state=ExtensionRequest.State.PENDING)
        .select_related("requested_by")
        .first()
    )


def latest_report(*, assignment_id: int) -> Report | None:
    return (
        Report.objects.filter(assignment_id=assignment_id)
        .select_related("author", "obstacle_cause")
        .prefetch_related("attachments")
        .first()
    )


# The timeline ---------------------------------------------------------------------------------------------

# Fields whose changes the timeline shows from the audit trail. Status and percent move only through reports,
# which the timeline shows themselves.
TIMELINE_AUDITED_FIELDS = ("deadline", "original_deadline", "role", "task_id", "mission_id")


@dataclass
class TimelineEvent:
    kind: str  # "assigned", "report", "extension_requested", "extension_decided", "changed", "reminder"
    at: datetime.datetime
    actor: Any = None
    obj: Any = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{getattr(self.obj, 'pk', '')}"


def _display(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _audit_events(assignment: Assignment) -> list[TimelineEvent]:
    records = list(assignment.history.select_related("history_user").order_by("history_date", "history_id"))
    events: list[TimelineEvent] = []
    previous = None
    fields = {f.attname: f for f in Assignment._meta.concrete_fields}
    if not records or records[0].history_type != "+":
        # Made before its creation was recorded: the assignment's own creation time, without a name.
        events.append(
            TimelineEvent(
                "assigned", assignment.created_at, None, SimpleNamespace(deadline=assignment.original_deadline)
            )
        )
    for record in records:
        if record.history_type == "+":
            events.append(TimelineEvent("assigned", record.history_date, record.history_user, record))
        elif previous is not None:
            changes = []
            for name in TIMELINE_AUDITED_FIELDS:
                before, after = getattr(previous, name), getattr(record, name)
                if before != after:
                    model_field = fields[name]
                    changes.append(
                        (str(model_field.verbose_name), _display(model_field, before), _display(model_field, after))
                    )
            if changes:
                events.append(TimelineEvent("changed", record.history_date, record.history_user, record, changes))
        previous = record
    return events


def reminder_log_installed() -> bool:
    """Whether the reminders' delivery log exists (it is built alongside the portal)."""
    try:
        apps.get_model("tracker", "ReminderItem")
    except LookupError:
        return False
    return True


def _reminder_events(assignment: Assignment) -> list[TimelineEvent]:
    """Reminders sent about this assignment, from the reminders' delivery log: one query."""
    if not reminder_log_installed():
        return []
    items = (
        apps.get_model("tracker", "ReminderItem")
        .objects.filter(assignment=assignment, delivery__state="sent")
        .select_related("delivery__user")
        .order_by("delivery__sent_at", "id")
    )
    return [TimelineEvent("reminder", item.delivery.sent_at, None, item) for item in items]


def assignment_timeline(*, assignment: Assignment) -> list[TimelineEvent]:
    """Reports, extension requests and decisions, changes and reminders sent, newest first: a fixed number of
    queries."""
    events: list[TimelineEvent] = []
    reports = assignment.reports.select_related("author", "obstacle_cause").prefetch_related(
        Prefetch("attachments", queryset=ReportAttachment.objects.order_by("id"))
    )
    for report in reports:
        events.append(TimelineEvent("report", report.created_at, report.author, report))
    for request in assignment.extension_requests.select_related("requested_by", "decided_by"):
        events.append(TimelineEvent("extension_requested", request.created_at, request.requested_by, request))
        if request.decided_at:
            events.append(TimelineEvent("extension_decided", request.decided_at, request.decided_by, request))
    events.extend(_audit_events(assignment))
    events.extend(_reminder_events(assignment))
    order = {"assigned": 0, "changed": 1, "extension_requested": 2, "extension_decided": 3, "report": 4, "reminder": 5}
    events.sort(key=lambda e: (e.at or timezone.now(), order.get(e.kind, 9)), reverse=True)
    return events
