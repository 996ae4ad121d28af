"""`/api/v1/` (included from config.urls), and the schema and its documentation page under `/api/`."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from tracker.api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("missions", views.MissionViewSet, basename="mission")
router.register("directives", views.DirectiveViewSet, basename="directive")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("reports", views.ReportViewSet, basename="report")
router.register("extension-requests", views.ExtensionRequestViewSet, basename="extension-request")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/summary/", views.SummaryView.as_view(), name="summary"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view: the page and its start-up script come apart, so the CSP (no inline scripts) lets it run.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# Anything else under /api/ answers the API's JSON 404, not the site's HTML page.
urlpatterns.append(re_path(r"^.*$", views.not_found))
