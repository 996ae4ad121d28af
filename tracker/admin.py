"""The steering committee's admin: every model, with lists that cost a fixed number of queries."""

import html

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions.models import Mission
from tracker import services, timeliness
from tracker.audit import admin_action_log
from tracker.forms import AssignMissionsForm, options_html
from tracker.models import (
    Assignment,
    Commitment,
    Directive,
    ExtensionRequest,
    ObstacleCause,
    Report,
    ReportAttachment,
    Status,
    Task,
    Theme,
    Timeliness,
)

TIMELINESS_COLOURS = {
    Timeliness.ON_TRACK: "#1b6e3a",
    Timeliness.DUE_SOON: "#8a5a00",
    Timeliness.OVERDUE: "#b3261e",
    Timeliness.COMPLETED_ON_TIME: "#1f4e8c",
    Timeliness.COMPLETED_LATE: "#6b4c9a",
}


def timeliness_badge(value: str | None) -> str:
    if not value:
        return "—"
    return format_html(
        '<span class="tl-badge" style="background:{}">{}</span>', TIMELINESS_COLOURS[value], Timeliness(value).label
    )


def progress_bar(percent: int) -> str:
    return format_html(
        '<span class="tl-progress" role="progressbar" aria-valuenow="{0}" aria-valuemin="0" aria-valuemax="100">'
        '<span style="width:{0}%"></span></span> {0}%',
        percent,
    )


def zones_for(request) -> dict[str, list[int]]:
    """Missions' time zones, read once per request and shared by the annotation and the filter."""
    if not hasattr(request, "_tracker_zones"):
        request._tracker_zones = timeliness.mission_timezones()
    return request._tracker_zones


class TimelinessFilter(admin.SimpleListFilter):
    title = _("timeliness")
    parameter_name = "timeliness"

    def lookups(self, request, model_admin):
        return Timeliness.choices

    def queryset(self, request, queryset):
        if self.value() in Timeliness.values:
            return queryset.filter(timeliness.filter_q(self.value(), zones=zones_for(request)))
        return queryset


class DeadlineRangeFilter(admin.FieldListFilter):
    """Two date inputs: deadline from / to (yyyy-mm-dd or dd/mm/yyyy)."""

    template = "admin/tracker/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_gte = f"{field_path}__gte"
        self.lookup_lte = f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)  # takes our parameters
        self.values = {}
        for key in (self.lookup_gte, self.lookup_lte):
            raw = self.used_parameters.get(key) or [""]
            self.values[key] = self._parse(raw[-1] if isinstance(raw, list) else raw)

    @staticmethod
    def _parse(raw: str):
        import datetime

        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 (a calendar day)
            except (ValueError, AttributeError):
                continue
        return None

    def expected_parameters(self):
        return [self.lookup_gte, self.lookup_lte]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        filters = {k: v for k, v in self.values.items() if v is not None}
        return queryset.filter(**filters)

    def choices(self, changelist):
        yield {
            "gte_name": self.lookup_gte,
            "lte_name": self.lookup_lte,
            "gte": self.values[self.lookup_gte] or "",
            "lte": self.values[self.lookup_lte] or "",
            "others": [
                (k, v)
                for k, v in changelist.get_filters_params().items()
                if k not in (self.lookup_gte, self.lookup_lte)
                for v in (v if isinstance(v, list) else [v])
            ],
        }


class SelectFilter(admin.RelatedFieldListFilter):
    """A related-object filter drawn as one drop-down instead of a link per object.

    Directives and missions number in the hundreds after a few years: a link each (a query string built per
    object) made the filter panel the slowest part of the list. Here the options are written in one pass.
    """

    template = "admin/tracker/select_filter.html"

    def choices(self, changelist):
        selected = {str(v) for v in (self.lookup_val or [])}
        params = changelist.get_filters_params()
        yield {
            "name": self.lookup_kwarg,
            "any_selected": bool(selected) or bool(self.lookup_val_isnull),
            "all_url": changelist.get_query_string(remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]),
            "options": options_html(self.lookup_choices, selected),
            "others": [
                (k, v)
                for k, v in params.items()
                if k not in (self.lookup_kwarg, self.lookup_kwarg_isnull)
                for v in (v if isinstance(v, list) else [v])
            ],
        }


class DirectiveFilter(SelectFilter):
    """Directives run into the hundreds: their labels come from two columns, not from a model object each."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or Directive._meta.ordering
        rows = Directive.objects.order_by(*ordering).values_list("pk", "title", "issued_on")
        return [(pk, f"{title} ({d.day:02}/{d.month:02}/{d.year})") for pk, title, d in rows]


class CommitmentFilter(SelectFilter):
    """Commitments run into the hundreds too: a drop-down, labels from one column."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or Commitment._meta.ordering
        return list(Commitment.objects.order_by(*ordering).values_list("pk", "title"))


class AssignmentChangeList(ChangeList):
    """Row links carry the list's filters (to come back to the same list after a change), written once.

    Django's admin reverses each row's link and adds the filters by resolving that link again: about 0.2 ms
    a row, 20 ms of a filtered page of 100. The links come out the same. Rows load only the columns shown.
    """

    PK = "__pk__"

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.row_query, self.preserved_filters = self.preserved_filters, ""
        # One reverse() for the page, not one per row.
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.PK,),
            current_app=self.model_admin.admin_site.name,
        )
        self.change_url = f"{url}?{self.row_query}" if self.row_query else url

    def url_for_result(self, result):
        return self.change_url.replace(self.PK, quote(str(result.pk)), 1)

    def result_rows(self) -> list[list[str]]:
        """The page's rows as cells, the markup Django's admin writes for them (`items_for_result`), in one pass:
        Django formats, escapes and wraps each of the 800 cells of a page of 100 through several functions (about
        a third of the page's time). A popup (choosing an assignment from another form) is drawn by Django."""
        from django.contrib.admin.templatetags.admin_list import results

        if self.is_popup:
            return list(results(self))
        escape = html.escape
        date_format = formats.get_format("DATE_FORMAT")
        datetime_format = formats.get_format("DATETIME_FORMAT")
        empty = escape(str(self.model_admin.get_empty_value_display()))
        roles = {value: escape(str(label)) for value, label in Assignment.Role.choices}
        statuses = {value: escape(str(label)) for value, label in Status.choices}
        badges = {value: timeliness_badge(value) for value in [None, *Timeliness.values]}
        rows = []
        for a in self.result_list:
            reported = a.last_reported_at
            last = dateformat.format(timezone.localtime(reported), datetime_format) if reported else empty
            rows.append(
                [
                    mark_safe(  # noqa: S308 — every value is escaped or formatted from numbers and dates
                        f'<td class="field-mission_code">{escape(a.mission.code)}</td>'
                        f'<th class="field-task_title"><a href="{escape(self.url_for_result(a))}">'
                        f"{escape(a.task.title)}</a></th>"
                        f'<td class="field-role">{roles[a.role]}</td>'
                        f'<td class="field-deadline nowrap">{dateformat.format(a.deadline, date_format)}</td>'
                        f'<td class="field-status">{statuses[a.status]}</td>'
                        f'<td class="field-timeliness_display">{badges[a.timeliness or None]}</td>'
                        f'<td class="field-progress_display">{progress_bar(a.percent)}</td>'
                        f'<td class="field-last_reported_at nowrap">{last}</td>'
                    )
                ]
            )
        return rows

    def get_queryset(self, request, exclude_parameters=None):
        # Only the columns the list shows (a column reading another field would cost a query per row:
        # tests/test_scale_queries.py counts them).
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .only(
                "id", "task__title", "mission__code", "role", "deadline", "status", "percent", "completed_on",
                "last_reported_at",
            )
        )


class MissionFilter(SelectFilter):
    """Missions, read with the columns their names need only."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or Mission._meta.ordering
        return [(m.pk, str(m)) for m in Mission.objects.order_by(*ordering).only("id", "code", "name_vi", "name_en")]


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "previous_status", "status", "percent", "results", "obstacles", "proposals"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ExtensionInline(admin.TabularInline):
    model = ExtensionRequest
    fk_name = "assignment"
    extra = 0
    can_delete = False
    fields = ["created_at", "requested_by", "current_deadline", "requested_deadline", "reason", "state", "decided_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "decided_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def log_decision(request, extension: ExtensionRequest) -> None:
    """The committee's action log names who approved or rejected which request."""
    if extension.state == ExtensionRequest.State.APPROVED:
        message = gettext("Approved the extension: the deadline moves from %(old)s to %(new)s.") % {
            "old": extension.current_deadline.strftime("%d/%m/%Y"),
            "new": extension.requested_deadline.strftime("%d/%m/%Y"),
        }
    else:
        message = gettext("Rejected the extension to %(new)s.") % {
            "new": extension.requested_deadline.strftime("%d/%m/%Y")
        }
    admin_action_log(user=request.user, objects=[extension], message=message)


class CssMedia:
    css = {"all": ["tracker/admin.css"]}


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    # AssignmentChangeList.result_rows writes these columns' cells; tests/test_admin.py compares them with
    # Django's, so a column changed here without there fails the suite.
    list_display = [
        "mission_code",
        "task_title",
        "role",
        "deadline",
        "status",
        "timeliness_display",
        "progress_display",
        "last_reported_at",
    ]
    list_display_links = ["task_title"]
    list_filter = [
        "status",
        TimelinessFilter,
        "mission__region",
        "mission__kind",
        ("deadline", DeadlineRangeFilter),
        "role",
        ("task__directive", DirectiveFilter),
        ("task__commitment", CommitmentFilter),
        "task__themes",
        ("mission", MissionFilter),
    ]
    search_fields = ["task__title", "mission__code", "mission__name_vi", "mission__name_en"]
    list_select_related = ["task", "mission"]
    list_per_page = 100
    show_full_result_count = False
    # Counts beside every filter choice would cost a count per choice on every page: the dashboard gives them.
    show_facets = admin.ShowFacets.NEVER
    ordering = ["deadline", "id"]
    raw_id_fields = ["task", "mission"]
    # Status, percent and completion move only through reports; deadlines through extension decisions.
    readonly_fields = ["status", "percent", "completed_on", "last_reported_at", "version", "original_deadline"]
    inlines = [ReportInline, ExtensionInline]
    Media = CssMedia

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return timeliness.annotate(qs, zones=zones_for(request))

    def get_changelist(self, request, **kwargs):
        return AssignmentChangeList

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["status", "percent", "completed_on", "last_reported_at", "version"]
        return [*self.readonly_fields, "task", "mission"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=[f for f in form.changed_data if f in {"role", "deadline"}] or ["updated_at"])
        else:
            services.task_assign(task=obj.task, missions=[obj.mission], deadline=obj.deadline, role=obj.role)
            obj.pk = Assignment.objects.get(task=obj.task, mission=obj.mission).pk

    @admin.display(description=_("mission"), ordering="mission__code")
    def mission_code(self, obj):
        return obj.mission.code

    @admin.display(description=_("task"), ordering="task__title")
    def task_title(self, obj):
        return obj.task.title

    @admin.display(description=_("timeliness"), ordering="timeliness")
    def timeliness_display(self, obj):
        return timeliness_badge(obj.timeliness)

    @admin.display(description=_("progress"), ordering="percent")
    def progress_display(self, obj):
        return progress_bar(obj.percent)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ["mission", "role", "deadline", "status", "percent", "last_reported_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "directive", "commitment", "priority", "default_deadline", "assignment_count"]
    list_filter = ["priority", "themes", "directive"]
    search_fields = ["title", "description"]
    list_select_related = ["directive", "commitment"]
    filter_horizontal = ["themes"]
    autocomplete_fields = ["directive", "commitment"]
    readonly_fields = ["created_by"]
    inlines = [AssignmentInline]
    change_form_template = "admin/tracker/task/change_form.html"

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_assignments=Count("assignments"))

    @admin.display(description=_("missions"), ordering="n_assignments")
    def assignment_count(self, obj):
        return obj.n_assignments

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path("<int:task_id>/assign/", self.admin_site.admin_view(self.assign_view), name="tracker_task_assign"),
            *super().get_urls(),
        ]

    def assign_view(self, request, task_id: int):
        task = get_object_or_404(Task, pk=task_id)
        if not self.has_change_permission(request, task):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = AssignMissionsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                created = services.task_assign(
                    task=task,
                    missions=form.selected_missions(),
                    deadline=form.cleaned_data["deadline"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if created:
                    codes = sorted(a.mission.code for a in created)
                    admin_action_log(
                        user=request.user,
                        objects=[task],
                        message=gettext("Assigned to %(count)d missions: %(codes)s (deadline %(deadline)s).")
                        % {
                            "count": len(created),
                            "codes": ", ".join(codes),
                            "deadline": created[0].deadline.strftime("%d/%m/%Y"),
                        },
                    )
                messages.success(
                    request,
                    _("Assigned to %(count)d missions (missions that already had the task were left as they were).")
                    % {"count": len(created)},
                )
                return redirect(reverse("admin:tracker_task_change", args=[task.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Assign to missions"),
            "task": task,
            "form": form,
            "opts": self.model._meta,
            "original": task,
        }
        return TemplateResponse(request, "admin/tracker/task/assign.html", context)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "group"]
    list_filter = ["group"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "issued_on", "issued_by"]
    list_filter = ["issued_by"]
    search_fields = ["title", "number", "summary"]
    date_hierarchy = "issued_on"
    # A link typed without a scheme is taken as https://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "partners", "signed_on", "value_usd", "status"]
    list_filter = ["kind", "status", "themes"]
    search_fields = ["title", "partners", "occasion", "partner_organisation"]
    filter_horizontal = ["themes"]


@admin.register(ObstacleCause)
class ObstacleCauseAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "is_active", "position"]
    list_editable = ["is_active", "position"]


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are append-only: the admin shows them and never changes or deletes one."""

    list_display = ["created_at", "assignment", "author", "previous_status", "status", "percent"]
    list_filter = ["status", "assignment__mission__region", "obstacle_cause"]
    search_fields = ["assignment__task__title", "assignment__mission__code", "results", "obstacles"]
    list_select_related = ["assignment__task", "assignment__mission", "author"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "assignment",
        "requested_by",
        "current_deadline",
        "requested_deadline",
        "state",
        "created_at",
        "decided_by",
    ]
    list_filter = [
        "state",
        "assignment__mission__region",
        ("assignment__deadline", DeadlineRangeFilter),
        "assignment__task__themes",
    ]
    search_fields = ["assignment__task__title", "assignment__mission__code", "reason"]
    list_select_related = ["assignment__task", "assignment__mission", "requested_by", "decided_by"]
    readonly_fields = [
        "assignment",
        "requested_by",
        "current_deadline",
        "requested_deadline",
        "reason",
        "state",
        "decided_by",
        "decided_at",
    ]
    fields = [*readonly_fields, "decision_note"]
    actions = ["approve", "reject"]
    # "Approve" and "Reject" buttons on a pending request (the actions do the same for many at once).
    change_form_template = "admin/tracker/extensionrequest/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the decision note is editable here; decisions go through the actions.
        obj.save(update_fields=["decision_note", "updated_at"])

    def response_change(self, request, obj):
        decision = {"_approve": True, "_reject": False}
        chosen = [approve for key, approve in decision.items() if key in request.POST]
        if not chosen:
            return super().response_change(request, obj)
        try:
            decided = services.extension_decide(
                extension_id=obj.pk, decided_by=request.user, approve=chosen[0], note=obj.decision_note
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.WARNING)
        else:
            log_decision(request, decided)
            self.message_user(
                request,
                _("The request was approved; the mission is told by e-mail.")
                if chosen[0]
                else _("The request was rejected; the mission is told by e-mail."),
                messages.SUCCESS,
            )
        return redirect(reverse("admin:tracker_extensionrequest_change", args=[obj.pk]))

    def _decide(self, request, queryset, approve: bool):
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                decided = services.extension_decide(extension_id=pk, decided_by=request.user, approve=approve)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.WARNING)
            else:
                log_decision(request, decided)
                done += 1
        if done:
            self.message_user(request, _("%(count)d requests decided.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected requests"))
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected requests"))
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


# API tokens (issued and revoked by the committee), and the reminders' policy, preferences and log.
# The committee's dashboard (the admin's first page), report, follow-up, scorecards, exports and import.
from tracker import admin_views  # noqa: E402
from tracker import audit_admin as _audit_admin  # noqa: E402, F401 (the admin action log)
from tracker.api import admin as _api_admin  # noqa: E402, F401
from tracker.outbox import admin as _outbox_admin  # noqa: E402, F401 (e-mail triggered by actions)
from tracker.reminders import admin as _reminders_admin  # noqa: E402, F401

admin_views.install(admin.site)
