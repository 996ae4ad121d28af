"""What the API reads and writes. Serializers parse and render only: every rule is in a service."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from missions.models import Mission, User
from tracker import permissions
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

# Errors


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text=_("The HTTP status code."))
    code = serializers.CharField(
        help_text=_(
            "A stable, machine-readable code: invalid, not_authenticated, authentication_failed, "
            "permission_denied, not_found, method_not_allowed, throttled, parse_error, unsupported_media_type, "
            "stale, already_decided."
        )
    )
    message = serializers.CharField(help_text=_("What went wrong, for a person."))
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_("Messages by field; `non_field_errors` for the request as a whole. Empty for other errors."),
    )


class LatestReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(source="created_at")
    author = serializers.CharField(source="author.display_name")
    status = serializers.ChoiceField(choices=Status.choices)
    percent = serializers.IntegerField()


class StaleErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(allow_null=True, help_text=_("The assignment's version now."))
    latest_report = LatestReportSerializer(allow_null=True, help_text=_("The report filed in the meantime."))


class AlreadyDecidedErrorSerializer(ErrorSerializer):
    state = serializers.ChoiceField(choices=ExtensionRequest.State.choices)


# Small references to related objects


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class MissionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = ["id", "code", "name_vi", "name_en"]


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "priority"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "name_vi", "name_en", "group"]


# Missions, directives, commitments, tasks


class MissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = [
            "id",
            "code",
            "kind",
            "name_vi",
            "name_en",
            "city",
            "country",
            "country_name",
            "timezone",
            "region",
            "email",
            "weekend",
            "is_active",
        ]
        read_only_fields = fields


class DirectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "title", "number", "issued_on", "issued_by", "summary", "url", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class CommitmentSerializer(serializers.ModelSerializer):
    themes = ThemeSerializer(many=True, read_only=True)
    theme_ids = serializers.PrimaryKeyRelatedField(
        source="themes",
        queryset=Theme.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text=_("Ids of the themes (see the `themes` of any commitment or task)."),
    )
    value_usd = serializers.DecimalField(
        max_digits=16, decimal_places=0, min_value=0, allow_null=True, required=False, label=_("value (USD)")
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "title",
            "kind",
            "partners",
            "partner_organisation",
            "signed_on",
            "occasion",
            "value_usd",
            "status",
            "description",
            "themes",
            "theme_ids",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class TaskSerializer(serializers.ModelSerializer):
    themes = ThemeSerializer(many=True, read_only=True)
    theme_ids = serializers.PrimaryKeyRelatedField(
        source="themes",
        queryset=Theme.objects.all(),
        many=True,
        write_only=True,
        required=False,
        help_text=_("Ids of the themes."),
    )
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "directive",
            "commitment",
            "priority",
            "default_deadline",
            "themes",
            "theme_ids",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at"]


class TaskAssignSerializer(serializers.Serializer):
    missions = serializers.PrimaryKeyRelatedField(
        queryset=Mission.objects.all(), many=True, allow_empty=False, help_text=_("Ids of the missions.")
    )
    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("A day in each mission's time zone; the task's default deadline if left out."),
    )
    role = serializers.ChoiceField(choices=Assignment.Role.choices, default=Assignment.Role.LEAD)


# Assignments and what moves them


class AssignmentSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer(read_only=True)
    mission = MissionRefSerializer(read_only=True)
    timeliness = serializers.ChoiceField(
        choices=Timeliness.choices,
        read_only=True,
        allow_null=True,
        help_text=_("Derived from status and deadline in the mission's time zone; null when cancelled."),
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "mission",
            "role",
            "original_deadline",
            "deadline",
            "status",
            "percent",
            "completed_on",
            "last_reported_at",
            "version",
            "timeliness",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleAssignmentField(serializers.PrimaryKeyRelatedField):
    """An assignment id; another mission's assignment is answered like one that does not exist."""

    default_error_messages = {"does_not_exist": _("There is no assignment with id {pk_value}.")}

    def get_queryset(self):
        return permissions.visible_assignments(self.context["request"].user).select_related("mission")


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = ReportAttachment
        fields = ["id", "name", "content_type", "size"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer(source="assignment.task", read_only=True)
    mission = MissionRefSerializer(source="assignment.mission", read_only=True)
    author = UserRefSerializer(read_only=True)
    submitted_at = serializers.DateTimeField(source="created_at", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "assignment",
            "task",
            "mission",
            "author",
            "submitted_at",
            "previous_status",
            "status",
            "percent",
            "results",
            "obstacles",
            "obstacle_cause",
            "proposals",
            "attachments",
        ]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    assignment = VisibleAssignmentField()
    status = serializers.ChoiceField(choices=Status.choices)
    percent = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Percent done; a completed assignment is stored as 100.")
    )
    results = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    obstacles = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text=_("Required when the status is `blocked` or an obstacle cause is given."),
    )
    obstacle_cause = serializers.PrimaryKeyRelatedField(
        queryset=ObstacleCause.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    proposals = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text=_(
            "The assignment's `version` your report is based on. When given and someone reported in the meantime, "
            "nothing is saved and the answer is 409 with code `stale`."
        ),
    )


class ExtensionRequestSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer(source="assignment.task", read_only=True)
    mission = MissionRefSerializer(source="assignment.mission", read_only=True)
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "task",
            "mission",
            "requested_by",
            "current_deadline",
            "requested_deadline",
            "reason",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields


class ExtensionRequestCreateSerializer(serializers.Serializer):
    assignment = VisibleAssignmentField()
    requested_deadline = serializers.DateField(help_text=_("Later than the assignment's current deadline."))
    reason = serializers.CharField(max_length=20000)


class ExtensionDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


# Summary


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text=_("When the figures were counted."))
    total = serializers.IntegerField(help_text=_("Assignments."))
    completed = serializers.IntegerField()
    completed_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text=_("Share of completed assignments completed on time, in %; null if none.")
    )
    overdue = serializers.IntegerField()
    blocked = serializers.IntegerField()
    due_within_7_days = serializers.IntegerField(help_text=_("Open, due today or in the next 7 days."))
    pending_extensions = serializers.IntegerField(help_text=_("Extension requests waiting for a decision."))
