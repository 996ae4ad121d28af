"""The assignment FilterSet: one set of filters for the portal, the admin's exports and the API."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.models import Mission
from tracker import timeliness
from tracker.models import Assignment, Commitment, Directive, ExtensionRequest, Report, Status, Task, Theme, Timeliness
from tracker.timeliness import Zones


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    timeliness = django_filters.ChoiceFilter(
        label=_("Timeliness"), choices=Timeliness.choices, method="filter_timeliness"
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="task__themes", queryset=Theme.objects.all(), distinct=False
    )
    directive = django_filters.ModelChoiceFilter(
        label=_("Directive"), field_name="task__directive", queryset=Directive.objects.all()
    )
    commitment = django_filters.ModelChoiceFilter(
        label=_("Commitment"), field_name="task__commitment", queryset=Commitment.objects.all()
    )
    mission = django_filters.ModelChoiceFilter(label=_("Mission"), queryset=Mission.objects.all())
    region = django_filters.ChoiceFilter(
        label=_("Region"), field_name="mission__region", choices=Mission.Region.choices
    )
    deadline_after = django_filters.DateFilter(label=_("Deadline from"), field_name="deadline", lookup_expr="gte")
    deadline_before = django_filters.DateFilter(label=_("Deadline to"), field_name="deadline", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("deadline", "deadline"),
            ("status", "status"),
            ("percent", "percent"),
            ("last_reported_at", "last_reported_at"),
            ("task__title", "task"),
            ("mission__code", "mission"),
        ),
        field_labels={
            "deadline": _("Deadline"),
            "status": _("Status"),
            "percent": _("Percent done"),
            "last_reported_at": _("Last report"),
            "task__title": _("Task"),
            "mission__code": _("Mission"),
        },
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def __init__(self, *args, zones: Zones | None = None, **kwargs):
        self.zones = zones
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # End every sort with the primary key, so pages never repeat or skip rows that share a value.
        ordering = list(queryset.query.order_by)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            queryset = queryset.order_by(*ordering, "pk")
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(task__title__icontains=value)
            | Q(task__description__icontains=value)
            | Q(mission__code__icontains=value)
            | Q(mission__name_vi__icontains=value)
            | Q(mission__name_en__icontains=value)
        )

    def filter_timeliness(self, queryset, name, value):
        return queryset.filter(timeliness.filter_q(value, zones=self.zones))


# The other lists of the API. Ids of reports' and extension requests' assignments are plain numbers, so a filter
# never tells whether another mission's assignment exists: it only narrows what the user may already see.


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number in the database's range (a bigger one is a clear 400, never a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def _day_start(day: datetime.date) -> datetime.datetime | None:
    """Midnight at the start of a day in Ha Noi, as an aware datetime; None at the calendar's very ends, where
    every stored time is on the near side anyway (and the database could not hold the bound)."""
    try:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        start.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None
    return start


class MissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Mission.Kind.choices)
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Mission.Region.choices)
    country = django_filters.CharFilter(label=_("Country (ISO code)"), field_name="country", lookup_expr="iexact")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Mission
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name_vi__icontains=value)
            | Q(name_en__icontains=value)
            | Q(city__icontains=value)
            | Q(country_name__icontains=value)
        )


class DirectiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    issued_by = django_filters.ChoiceFilter(label=_("Issued by"), choices=Directive.Issuer.choices)
    issued_after = django_filters.DateFilter(label=_("Issued from"), field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(label=_("Issued to"), field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Directive
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(summary__icontains=value))


class CommitmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Commitment.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Commitment.Status.choices)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), distinct=False
    )
    partner = django_filters.CharFilter(label=_("Partner country (ISO code)"), method="filter_partner")
    signed_after = django_filters.DateFilter(label=_("Signed from"), field_name="signed_on", lookup_expr="gte")
    signed_before = django_filters.DateFilter(label=_("Signed to"), field_name="signed_on", lookup_expr="lte")

    class Meta:
        model = Commitment
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(occasion__icontains=value) | Q(partner_organisation__icontains=value)
        )

    def filter_partner(self, queryset, name, value):
        code = value.strip().upper()
        if not code:
            return queryset
        if len(code) != 2 or not (code.isascii() and code.isalpha()):
            return queryset.none()
        return queryset.filter(partners__iregex=rf"(^|,)\s*{code}\s*(,|$)")


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Task.Priority.choices)
    directive = django_filters.ModelChoiceFilter(label=_("Directive"), queryset=Directive.objects.all())
    commitment = django_filters.ModelChoiceFilter(label=_("Commitment"), queryset=Commitment.objects.all())
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), distinct=False
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ReportFilter(django_filters.FilterSet):
    assignment = IdFilter(label=_("Assignment"), field_name="assignment_id")
    mission = django_filters.ModelChoiceFilter(
        label=_("Mission"), field_name="assignment__mission", queryset=Mission.objects.all()
    )
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    submitted_after = django_filters.DateFilter(label=_("Submitted from (day)"), method="filter_submitted_after")
    submitted_before = django_filters.DateFilter(label=_("Submitted to (day)"), method="filter_submitted_before")

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_submitted_after(self, queryset, name, value):
        start = _day_start(value)
        return queryset if start is None else queryset.filter(created_at__gte=start)

    def filter_submitted_before(self, queryset, name, value):
        end = _day_start(value + datetime.timedelta(days=1)) if value < datetime.date.max else None
        return queryset if end is None else queryset.filter(created_at__lt=end)


class ExtensionRequestFilter(django_filters.FilterSet):
    assignment = IdFilter(label=_("Assignment"), field_name="assignment_id")
    mission = django_filters.ModelChoiceFilter(
        label=_("Mission"), field_name="assignment__mission", queryset=Mission.objects.all()
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=ExtensionRequest.State.choices)

    class Meta:
        model = ExtensionRequest
        fields: list[str] = []
