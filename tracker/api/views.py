"""The API's endpoints. Each parses input, reads through a selector or writes through one service, and renders.

Who sees what is `tracker.permissions`: a list shows only what the user may see, so another mission's object
answers 404; a write the user may not make answers 403.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from missions.models import Mission
from tracker import permissions, selectors, services
from tracker.api import serializers as s
from tracker.api.base import FilterBackend, OrderingFilter
from tracker.filters import (
    AssignmentFilter,
    CommitmentFilter,
    DirectiveFilter,
    ExtensionRequestFilter,
    MissionFilter,
    ReportFilter,
    TaskFilter,
)
from tracker.models import Assignment, Commitment, Directive, ExtensionRequest, Report, Task


class CommitteeMayWrite(BasePermission):
    """Anyone signed in reads what they may see; only the committee writes directives, commitments and tasks.

    On an object the check comes after the lookup, so another mission's object answers 404, not 403.
    """

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or view.detail or permissions.can_manage_tasks(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or permissions.can_manage_tasks(request.user)


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends = [FilterBackend, OrderingFilter]
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head"]


class CatalogueViewSet(ReadViewSet):
    """Read for everyone who may see the object; create (POST) and change (PATCH) for the committee."""

    permission_classes = [IsAuthenticated, CommitteeMayWrite]
    http_method_names = ["get", "post", "patch", "head"]
    create_service = None
    update_service = None
    id_argument = ""

    def _render(self, pk, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_service(created_by=request.user, **serializer.validated_data)
        return self._render(obj.pk, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.update_service(
            **{self.id_argument: obj.pk}, updated_by=request.user, changes=serializer.validated_data
        )
        return self._render(obj.pk)


@extend_schema_view(
    list=extend_schema(summary=_("Missions"), description=_("The committee sees every mission; a member, their own.")),
    retrieve=extend_schema(summary=_("A mission")),
)
class MissionViewSet(ReadViewSet):
    queryset = Mission.objects.none()
    serializer_class = s.MissionSerializer
    filterset_class = MissionFilter
    ordering_fields = ["code", "name_en", "name_vi", "country", "region", "kind"]
    ordering = ["code"]

    def get_queryset(self):
        return selectors.mission_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Directives"), description=_("A member sees the directives their tasks serve.")),
    retrieve=extend_schema(summary=_("A directive")),
    create=extend_schema(summary=_("Record a directive (committee)")),
    partial_update=extend_schema(summary=_("Change a directive (committee)")),
)
class DirectiveViewSet(CatalogueViewSet):
    queryset = Directive.objects.none()
    serializer_class = s.DirectiveSerializer
    filterset_class = DirectiveFilter
    ordering_fields = ["issued_on", "title", "number", "created_at"]
    ordering = ["-issued_on"]
    create_service = staticmethod(services.directive_create)
    update_service = staticmethod(services.directive_update)
    id_argument = "directive_id"

    def get_queryset(self):
        return selectors.directive_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("Commitments"), description=_("A member sees the commitments their tasks serve.")
    ),
    retrieve=extend_schema(summary=_("A commitment")),
    create=extend_schema(summary=_("Record a commitment (committee)")),
    partial_update=extend_schema(summary=_("Change a commitment (committee)")),
)
class CommitmentViewSet(CatalogueViewSet):
    queryset = Commitment.objects.none()
    serializer_class = s.CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["signed_on", "title", "value_usd", "created_at"]
    ordering = ["-signed_on"]
    create_service = staticmethod(services.commitment_create)
    update_service = staticmethod(services.commitment_update)
    id_argument = "commitment_id"

    def get_queryset(self):
        return selectors.commitment_list(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Tasks"), description=_("A member sees the tasks assigned to their mission.")),
    retrieve=extend_schema(summary=_("A task")),
    create=extend_schema(summary=_("Record a task (committee)")),
    partial_update=extend_schema(summary=_("Change a task (committee)")),
)
class TaskViewSet(CatalogueViewSet):
    queryset = Task.objects.none()
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["created_at", "title", "default_deadline", "priority"]
    ordering = ["-created_at"]
    create_service = staticmethod(services.task_create)
    update_service = staticmethod(services.task_update)
    id_argument = "task_id"

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)

    @extend_schema(
        summary=_("Assign the task to missions (committee)"),
        description=_("Missions that already carry the task are left as they are; the answer lists the new ones."),
        request=s.TaskAssignSerializer,
        responses={
            201: inline_serializer("TaskAssigned", {"created": s.AssignmentSerializer(many=True)}),
        },
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, **kwargs):  # kwargs: the format suffix (".json")
        task = self.get_object()
        serializer = s.TaskAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.task_assign(
            task=task, missions=data["missions"], deadline=data.get("deadline"), role=data["role"]
        )
        assignments = selectors.assignment_list(user=request.user).filter(
            task=task, mission__in=[a.mission_id for a in created]
        )
        return Response(
            {"created": s.AssignmentSerializer(assignments.order_by("mission__code"), many=True).data},
            status=status.HTTP_201_CREATED,
        )


class ZonesMixin:
    @cached_property
    def zones(self) -> dict[str, list[int]]:
        """The time zones of the work the user sees, for the timeliness annotation and filter: read once a request,
        a member's with their memberships (`permissions.visible_timezones`, as the portal's list)."""
        return permissions.visible_timezones(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary=_("Assignments"),
        description=_(
            "Each mission's assignments, with the same filters as the portal. "
            "`timeliness=overdue&mission=<id>` lists a mission's overdue work."
        ),
    ),
    retrieve=extend_schema(summary=_("An assignment")),
)
class AssignmentViewSet(ZonesMixin, ReadViewSet):
    queryset = Assignment.objects.none()
    serializer_class = s.AssignmentSerializer
    filter_backends = [FilterBackend]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user, zones=self.zones)


@extend_schema_view(
    list=extend_schema(summary=_("Progress reports"), description=_("Newest first.")),
    retrieve=extend_schema(summary=_("A progress report")),
    create=extend_schema(
        summary=_("File a progress report"),
        description=_(
            "Moves the assignment to the report's status, by the same rules as the portal. A mission member "
            "reports on their mission's work; only the committee cancels or reopens. Send `expected_version` "
            "(the assignment's `version` you saw) to be told, with 409, when someone reported in the meantime."
        ),
        request=s.ReportCreateSerializer,
        responses={
            201: s.ReportSerializer,
            409: OpenApiResponse(s.StaleErrorSerializer, description=_("Someone reported in the meantime.")),
        },
    ),
)
class ReportViewSet(mixins.CreateModelMixin, ReadViewSet):
    queryset = Report.objects.none()
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    http_method_names = ["get", "post", "head"]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = s.ReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.report_submit(
            assignment_id=data["assignment"].pk,
            author=request.user,
            status=data["status"],
            percent=data["percent"],
            results=data["results"],
            obstacles=data["obstacles"],
            obstacle_cause=data["obstacle_cause"],
            proposals=data["proposals"],
            expected_version=data["expected_version"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=201)


@extend_schema_view(
    list=extend_schema(summary=_("Deadline extension requests"), description=_("Newest first.")),
    retrieve=extend_schema(summary=_("A deadline extension request")),
    create=extend_schema(
        summary=_("Ask for a later deadline (mission head or deputy)"),
        request=s.ExtensionRequestCreateSerializer,
        responses={201: s.ExtensionRequestSerializer},
    ),
)
class ExtensionRequestViewSet(mixins.CreateModelMixin, ReadViewSet):
    queryset = ExtensionRequest.objects.none()
    serializer_class = s.ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilter
    ordering_fields = ["created_at", "requested_deadline"]
    ordering = ["-created_at"]
    http_method_names = ["get", "post", "head"]

    def get_queryset(self):
        return selectors.extension_request_list(user=self.request.user)

    def _render(self, pk, **kwargs) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = s.ExtensionRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        extension = services.extension_request_create(
            assignment_id=data["assignment"].pk,
            requested_by=request.user,
            requested_deadline=data["requested_deadline"],
            reason=data["reason"],
        )
        return self._render(extension.pk, status=status.HTTP_201_CREATED)

    def _decide(self, request, *, approve: bool) -> Response:
        extension = self.get_object()
        if not permissions.can_decide_extension(request.user):
            raise PermissionDenied
        serializer = s.ExtensionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.extension_decide(
            extension_id=extension.pk, decided_by=request.user, approve=approve, note=serializer.validated_data["note"]
        )
        return self._render(extension.pk)

    decision_responses = {
        200: s.ExtensionRequestSerializer,
        409: OpenApiResponse(s.AlreadyDecidedErrorSerializer, description=_("Decided already.")),
    }

    @extend_schema(
        summary=_("Approve: the assignment takes the requested deadline (committee)"),
        request=s.ExtensionDecisionSerializer,
        responses=decision_responses,
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        return self._decide(request, approve=True)

    @extend_schema(
        summary=_("Reject: the deadline stays (committee)"),
        request=s.ExtensionDecisionSerializer,
        responses=decision_responses,
        filters=False,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._decide(request, approve=False)


class SummaryView(ZonesMixin, GenericAPIView):
    """The dashboard's key figures over the assignments the user may see, narrowed by the assignment filters."""

    queryset = Assignment.objects.none()
    permission_classes = [IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = AssignmentFilter
    pagination_class = None

    @extend_schema(summary=_("Key figures"), responses=s.SummarySerializer, filters=True)
    def get(self, request):
        queryset = self.filter_queryset(permissions.visible_assignments(request.user))
        figures = selectors.assignment_key_figures(queryset=queryset, now=timezone.now(), zones=self.zones)
        return Response(s.SummarySerializer(figures).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    """Unknown URLs under /api/: the same JSON 404 as a missing object."""
    raise NotFound
