"""The permission matrix: every route of the product, for every kind of person.

Routes: the mission portal (pages, forms, attachments, scorecards, preferences), the REST API (every endpoint and
method, with and without a format suffix), the committee's pages in the admin (dashboard, period report,
follow-up, scorecards, exports, import) and every page of every model registered in the admin.

People: anonymous; an officer and the head of mission A; the head of mission B; a committee member; a user with no
mission; and a deactivated user (the head of mission A whose account was switched off, still holding a session
and an API token). A deactivated account is treated exactly like a visitor who is not signed in.

Rules the matrix holds: a member sees their own mission's objects only; another mission's objects answer 404,
exactly like objects that do not exist; a write the person may not make answers 403 (or 404 when they may not see
the object); only the committee enters the admin. Every refused request changes nothing. A last test walks the URL
configuration and fails when a route is in no row, so a new page cannot escape the matrix.

The portal's rows run in the portal's world (tests/portal_world.py), the API's in the API's (tests/api_world.py).
"""

import datetime
import io
import json
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.urls import get_resolver, resolve, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from missions.models import Membership, User
from tests.api_world import build_world as build_api_world
from tests.factories import member
from tracker.models import (
    Assignment,
    Commitment,
    Directive,
    ExtensionRequest,
    OutboxMessage,
    Report,
    ReportAttachment,
    Task,
)
from tracker.reminders.models import ReminderDelivery, ReminderPreference

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "officer_a", "head_a", "head_b", "committee", "nomission", "inactive")
LOGIN = "login"  # a redirect to the portal's log-in page
ADMIN_LOGIN = "admin login"  # a redirect to the admin's log-in page
DETAIL = "detail"  # a redirect into the assignment's page, at the object
DENIED = {LOGIN, ADMIN_LOGIN, 400, 401, 403, 404, 405}


def expect(anonymous, officer_a, head_a, head_b, committee, nomission, inactive=None) -> dict:
    """Expected answers by person; a deactivated account gets what an anonymous visitor gets."""
    values = (anonymous, officer_a, head_a, head_b, committee, nomission, anonymous if inactive is None else inactive)
    return dict(zip(WHO, values, strict=True))


def everyone(answer) -> dict:
    return dict.fromkeys(WHO, answer)


def committee_only(answer=200) -> dict:
    """The committee's pages in the admin: everybody else is sent to the admin's log-in page."""
    return expect(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, answer, ADMIN_LOGIN)


@dataclass
class Row:
    name: str
    method: str
    url: object  # world -> URL
    expected: dict
    data: object = None  # world -> form data, or None


def _answer(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("portal:login")) and "next=" in location:
            return LOGIN
        if location.startswith(reverse("admin:login")) and "next=" in location:
            return ADMIN_LOGIN
        if "/portal/assignments/" in location and "#" in location:
            return DETAIL
    return response.status_code


def _consume(response) -> None:
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def snapshot() -> tuple:
    """What a refused request must leave exactly as it was."""
    return (
        Directive.objects.count(),
        Commitment.objects.count(),
        Task.objects.count(),
        list(Assignment.objects.order_by("pk").values_list("mission_id", "status", "percent", "deadline", "version")),
        Report.objects.count(),
        ReportAttachment.objects.count(),
        list(ExtensionRequest.objects.order_by("pk").values_list("state", "decided_by_id", "decision_note")),
        list(OutboxMessage.objects.order_by("pk").values_list("state", "attempts", "next_attempt_at")),
        list(ReminderDelivery.objects.order_by("pk").values_list("state", "next_attempt_at")),
        list(ReminderPreference.objects.order_by("pk").values_list("user_id", "due_soon", "overdue")),
        list(User.objects.order_by("pk").values_list("language", "is_active", "is_staff")),
        LogEntry.objects.count(),
    )


def run_row(client, people: dict, row: Row, world) -> dict:
    """Each person's answer; each request in a savepoint that is rolled back, so people do not see each other's
    writes. A refused request must change nothing."""
    url = row.url(world)
    answers = {}
    for who in WHO:
        with transaction.atomic():
            client.logout()
            if people[who] is not None:
                client.force_login(people[who], backend="django.contrib.auth.backends.ModelBackend")
            before = snapshot()
            data = row.data(world) if row.data else None
            response = getattr(client, row.method)(url, data) if data is not None else getattr(client, row.method)(url)
            _consume(response)
            answers[who] = _answer(response)
            if answers[who] in DENIED:
                assert snapshot() == before, f"{row.name}: a refused request by {who} changed something"
            transaction.set_rollback(True)
    return answers


# --- the portal's world, with the deactivated user --------------------------------------------------------


@pytest.fixture
def people(world) -> dict:
    inactive = member(world.mission_a, Membership.Role.HEAD, username="inactive_a")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "anonymous": None,
        "officer_a": world.officer_a,
        "head_a": world.head_a,
        "head_b": world.head_b,
        "committee": world.committee,
        "nomission": world.nomission,
        "inactive": inactive,
    }


def _a(name):
    return lambda w: reverse(f"portal:{name}", args=[w.assignment_a.pk])


def _b(name):
    return lambda w: reverse(f"portal:{name}", args=[w.assignment_b.pk])


def _report_data(assignment_attr):
    def data(w):
        a = Assignment.objects.get(pk=getattr(w, assignment_attr).pk)
        return {"status": "in_progress", "percent": 55, "results": "Progress", "version": a.version}

    return data


EXTENSION_DATA = {"requested_deadline": "01/01/2099", "reason": "The partner's elections."}

PORTAL = [
    Row("root", "get", lambda w: "/", everyone(302)),
    Row("home", "get", lambda w: reverse("portal:home"), expect(LOGIN, 200, 200, 200, 200, 200)),
    Row("login", "get", lambda w: reverse("portal:login"), expect(200, 302, 302, 302, 302, 302)),
    Row("password reset", "get", lambda w: reverse("portal:password_reset"), everyone(200)),
    Row("password reset sent", "get", lambda w: reverse("portal:password_reset_done"), everyone(200)),
    Row(
        "password reset link",
        "get",
        lambda w: reverse("portal:password_reset_confirm", args=["MQ", "bad-token"]),
        everyone(200),
    ),
    Row("password reset done", "get", lambda w: reverse("portal:password_reset_complete"), everyone(200)),
    Row("logout", "post", lambda w: reverse("portal:logout"), everyone(302)),
    Row("language", "post", lambda w: reverse("portal:set_language"), everyone(302), lambda w: {"language": "en"}),
    Row(
        "Django's language switch",
        "post",
        lambda w: reverse("set_language"),
        everyone(302),
        lambda w: {"language": "en"},
    ),
    Row("preferences", "get", lambda w: reverse("portal:preferences"), expect(LOGIN, 200, 200, 200, 200, 200)),
    Row(
        "preferences save",
        "post",
        lambda w: reverse("portal:preferences"),
        expect(LOGIN, 302, 302, 302, 302, 302),
        lambda w: {"overdue": "on"},
    ),
    # Mission A's objects.
    Row("A assignment", "get", _a("assignment_detail"), expect(LOGIN, 200, 200, 404, 200, 404)),
    Row("A report form", "get", _a("report_create"), expect(LOGIN, 200, 200, 404, 403, 404)),
    Row(
        "A report sent",
        "post",
        _a("report_create"),
        expect(LOGIN, DETAIL, DETAIL, 404, 403, 404),
        _report_data("assignment_a"),
    ),
    Row("A extension form", "get", _a("extension_create"), expect(LOGIN, 403, 200, 404, 403, 404)),
    # Mission A already waits for a decision: the head is told so (200), and nothing is saved.
    Row(
        "A extension sent",
        "post",
        _a("extension_create"),
        expect(LOGIN, 403, 200, 404, 403, 404),
        lambda w: EXTENSION_DATA,
    ),
    Row(
        "A report",
        "get",
        lambda w: reverse("portal:report_detail", args=[w.report_a.pk]),
        expect(LOGIN, DETAIL, DETAIL, 404, DETAIL, 404),
    ),
    Row(
        "A extension request",
        "get",
        lambda w: reverse("portal:extension_detail", args=[w.extension_a.pk]),
        expect(LOGIN, DETAIL, DETAIL, 404, DETAIL, 404),
    ),
    Row(
        "A attachment",
        "get",
        lambda w: reverse("portal:attachment_download", args=[w.attachment_a.pk]),
        expect(LOGIN, 200, 200, 404, 200, 404),
    ),
    # Mission B's objects: mission A's people get 404.
    Row("B assignment", "get", _b("assignment_detail"), expect(LOGIN, 404, 404, 200, 200, 404)),
    Row("B report form", "get", _b("report_create"), expect(LOGIN, 404, 404, 200, 403, 404)),
    Row(
        "B report sent",
        "post",
        _b("report_create"),
        expect(LOGIN, 404, 404, DETAIL, 403, 404),
        _report_data("assignment_b"),
    ),
    Row("B extension form", "get", _b("extension_create"), expect(LOGIN, 404, 404, 200, 403, 404)),
    Row(
        "B extension sent",
        "post",
        _b("extension_create"),
        expect(LOGIN, 404, 404, 200, 403, 404),
        lambda w: EXTENSION_DATA,
    ),
    Row(
        "B report",
        "get",
        lambda w: reverse("portal:report_detail", args=[w.report_b.pk]),
        expect(LOGIN, 404, 404, DETAIL, DETAIL, 404),
    ),
    Row(
        "B extension request",
        "get",
        lambda w: reverse("portal:extension_detail", args=[w.extension_b.pk]),
        expect(LOGIN, 404, 404, DETAIL, DETAIL, 404),
    ),
    Row(
        "B attachment",
        "get",
        lambda w: reverse("portal:attachment_download", args=[w.attachment_b.pk]),
        expect(LOGIN, 404, 404, 200, 200, 404),
    ),
    # Ids that exist nowhere answer the same as another mission's.
    Row(
        "missing assignment",
        "get",
        lambda w: reverse("portal:assignment_detail", args=[999999]),
        expect(LOGIN, *[404] * 5),
    ),
    Row(
        "missing attachment",
        "get",
        lambda w: reverse("portal:attachment_download", args=[999999]),
        expect(LOGIN, *[404] * 5),
    ),
    # Scorecards: a head sees their own mission's, the committee every one, nobody else any.
    Row("my scorecard", "get", lambda w: reverse("portal:scorecard"), expect(LOGIN, 404, 200, 200, 302, 404)),
    Row(
        "A scorecard",
        "get",
        lambda w: reverse("portal:scorecard") + "?mission=" + w.mission_a.code,
        expect(LOGIN, 404, 200, 404, 200, 404),
    ),
    Row(
        "B scorecard",
        "get",
        lambda w: reverse("portal:scorecard") + "?mission=" + w.mission_b.code,
        expect(LOGIN, 404, 404, 200, 200, 404),
    ),
    Row("health check", "get", lambda w: reverse("healthz"), everyone(200)),
]


def _admin(name, *args):
    return lambda w: reverse(f"admin:{name}", args=[a(w) if callable(a) else a for a in args])


ADMIN_PAGES = [
    Row("dashboard", "get", _admin("tracker_dashboard"), committee_only()),
    Row("dashboard workbook", "get", _admin("tracker_dashboard_xlsx"), committee_only()),
    Row("period report", "get", _admin("tracker_report"), committee_only()),
    Row("period report workbook", "get", _admin("tracker_report_xlsx"), committee_only()),
    Row("commitment follow-up", "get", _admin("tracker_commitment_followup"), committee_only()),
    Row(
        "commitment follow-up detail",
        "get",
        _admin("tracker_commitment_followup_detail", lambda w: w.assignment_a.task.commitment_id),
        committee_only(),
    ),
    Row("A scorecard (admin)", "get", _admin("tracker_scorecard", lambda w: w.mission_a.pk), committee_only()),
    Row("B scorecard (admin)", "get", _admin("tracker_scorecard", lambda w: w.mission_b.pk), committee_only()),
    Row("assignments CSV", "get", _admin("tracker_assignment_export", "csv"), committee_only()),
    Row("assignments XLSX", "get", _admin("tracker_assignment_export", "xlsx"), committee_only()),
    Row("assignments in another format", "get", _admin("tracker_assignment_export", "pdf"), committee_only(404)),
    Row("import", "get", _admin("tracker_task_import"), committee_only()),
    Row("import upload without a file", "post", _admin("tracker_task_import"), committee_only(), lambda w: {}),
    Row("import template", "get", _admin("tracker_task_import_template"), committee_only()),
    Row(
        "approve A's extension (button)",
        "post",
        _admin("tracker_extensionrequest_change", lambda w: w.extension_a.pk),
        committee_only(302),
        lambda w: {"decision_note": "", "_approve": "1"},
    ),
    Row(
        "reject extensions (list action)",
        "post",
        _admin("tracker_extensionrequest_changelist"),
        committee_only(302),
        lambda w: {"action": "reject", "_selected_action": [w.extension_a.pk, w.extension_b.pk]},
    ),
    Row(
        "assign a task",
        "post",
        _admin("tracker_task_assign", lambda w: w.assignment_a.task_id),
        committee_only(302),
        lambda w: {"scope": "chosen", "missions": [w.mission_b.pk], "deadline": "31/12/2030", "role": "lead"},
    ),
    Row(
        "send failed e-mail again",
        "post",
        _admin("tracker_outboxmessage_changelist"),
        committee_only(302),
        lambda w: {
            "action": "send_again",
            "_selected_action": list(OutboxMessage.objects.values_list("pk", flat=True)),
        },
    ),
    Row(
        "send failed reminders again",
        "post",
        _admin("tracker_reminderdelivery_changelist"),
        committee_only(302),
        lambda w: {"action": "retry", "_selected_action": list(ReminderDelivery.objects.values_list("pk", flat=True))},
    ),
    # The admin's own pages.
    Row("admin log-in", "get", _admin("login"), expect(200, 200, 200, 200, 302, 200)),
    Row("admin log-out", "post", _admin("logout"), everyone(302)),
    Row("admin password change", "get", _admin("password_change"), committee_only()),
    Row("admin password changed", "get", _admin("password_change_done"), committee_only()),
    Row("admin translations", "get", _admin("jsi18n"), committee_only()),
    Row("admin autocomplete without a field", "get", _admin("autocomplete"), committee_only(403)),
    Row(
        "admin app page", "get", lambda w: reverse("admin:app_list", kwargs={"app_label": "tracker"}), committee_only()
    ),
    Row("admin unknown page", "get", lambda w: "/admin/nothing-here/", committee_only(404)),
    Row(
        "admin view on site",
        "get",
        lambda w: reverse("admin:view_on_site", args=[_content_type_id(Assignment), w.assignment_a.pk]),
        committee_only(404),  # no object has a public page outside the portal's permission checks
    ),
    Row(
        "admin user's password",
        "get",
        _admin("auth_user_password_change", lambda w: w.head_a.pk),
        committee_only(),
    ),
]


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


@pytest.fixture
def admin_extras(world):
    """One object of every model registered in the admin, so each change, history and delete page is checked."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

    from tracker.audit import admin_action_log
    from tracker.models import Theme
    from tracker.outbox import services as outbox
    from tracker.reminders import services as reminders
    from tracker.reminders.models import ReminderPolicy

    Group.objects.create(name="Steering committee")
    call_command("setup_schedule", stdout=io.StringIO())
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    SolarSchedule.objects.create(event="sunrise", latitude=21.03, longitude=105.85)
    attempt = {"user_agent": "test", "ip_address": "203.0.113.5", "username": "x", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(failures_since_start=1, **attempt)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(locked_out=False, **attempt)
    Token.objects.create(user=world.head_a)
    Theme.objects.get_or_create(
        code="digital", defaults={"name_vi": "Kinh tế số", "name_en": "Digital", "group": "new"}
    )
    reminders.reminder_preference_update(user=world.head_a, overdue=False)
    ReminderPolicy.objects.get().save()  # an audit record of the policy (the migration installed it without one)
    ReminderDelivery.objects.create(
        kind="mission",
        local_date=timezone.localdate(),
        mission=world.mission_a,
        recipient=world.head_a.email,
        user=world.head_a,
        language="en",
        claimed_at=timezone.now(),
        state=ReminderDelivery.State.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused",
    )
    outbox.outbox_add(
        kind=OutboxMessage.Kind.EXTENSION_DECIDED,
        reference="extension-request:0",
        mails=[outbox.Mail(world.head_a.email, "Subject", "Body")],
    )
    OutboxMessage.objects.update(state=OutboxMessage.State.FAILED, attempts=8)
    admin_action_log(user=world.committee, objects=[world.assignment_a.task], message="Assigned")
    return world


@pytest.mark.parametrize("row", PORTAL + ADMIN_PAGES, ids=lambda row: row.name)
def test_portal_and_committee_pages(client, admin_extras, people, row):
    answers = run_row(client, people, row, admin_extras)
    assert answers == row.expected, f"{row.name}: {row.url(admin_extras)}"


# --- every page of every model in the admin ---------------------------------------------------------------

# What the committee may do with each model (everything else: 200 on every page). Reports, decisions, the logs
# are never changed or removed; missions, people and assignments are deactivated or ended, never deleted.
NO_ADD = {
    "axes.accessattempt",  # written by the log-in throttling, never by hand
    "axes.accessfailurelog",
    "axes.accesslog",
    "tracker.report",
    "tracker.extensionrequest",
    "tracker.reminderpolicy",
    "tracker.reminderdelivery",
    "tracker.outboxmessage",
    "tracker.adminaction",
}
# The committee unlocks a locked-out person by deleting the throttling's record: that stays allowed.
NO_DELETE = (NO_ADD - {"axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}) | {
    "tracker.assignment",
    "tracker.task",
    "missions.mission",
    "missions.membership",
}
# Directives and commitments that tasks serve cannot be deleted: the delete page lists what depends on them (200).
PROTECTED = {"tracker.commitment", "tracker.directive"}
ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)


def _history_id(model, obj) -> int | None:
    """The id of the object's latest audit record, for models whose admin shows django-simple-history."""
    from simple_history.admin import SimpleHistoryAdmin

    if not isinstance(admin.site._registry[model], SimpleHistoryAdmin):
        return None
    return obj.history.latest().history_id


def _model_rows(model, pk, history_id: int | None) -> list[Row]:
    label = model._meta.label_lower
    info = (model._meta.app_label, model._meta.model_name)
    rows = [
        Row("list", "get", lambda w: reverse("admin:{}_{}_changelist".format(*info)), committee_only()),
        Row(
            "add",
            "get",
            lambda w: reverse("admin:{}_{}_add".format(*info)),
            committee_only(403 if label in NO_ADD else 200),
        ),
        Row("change", "get", lambda w: reverse("admin:{}_{}_change".format(*info), args=[pk]), committee_only()),
        Row("history", "get", lambda w: reverse("admin:{}_{}_history".format(*info), args=[pk]), committee_only()),
        Row(
            "delete",
            "get",
            lambda w: reverse("admin:{}_{}_delete".format(*info), args=[pk]),
            committee_only(403 if label in NO_DELETE else 200),
        ),
        Row(
            "delete confirmed",
            "post",
            lambda w: reverse("admin:{}_{}_delete".format(*info), args=[pk]),
            committee_only(403 if label in NO_DELETE else 200 if label in PROTECTED else 302),
            lambda w: {"post": "yes"},
        ),
        Row("old change address", "get", lambda w: f"/admin/{info[0]}/{info[1]}/{pk}/", committee_only(302)),
    ]
    if history_id is not None:
        rows.append(
            Row(
                "one history record",
                "get",
                lambda w: reverse("admin:{}_{}_simple_history".format(*info), args=[pk, history_id]),
                committee_only(),
            )
        )
    return rows


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label_lower)
def test_every_admin_page_of_every_model(client, admin_extras, people, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the matrix's world has no {model._meta.label} to open its pages"
    failures = []
    for row in _model_rows(model, obj.pk, _history_id(model, obj)):
        answers = run_row(client, people, row, admin_extras)
        if answers != row.expected:
            failures.append(f"{row.name} {row.url(admin_extras)}: {answers} != {row.expected}")
    assert not failures, "\n".join(failures)


# --- the REST API, in the API's world ---------------------------------------------------------------------

A_, OA, HA, HB, C, N, I_ = WHO


def later(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


DIRECTIVE = {"title": "New directive", "issued_on": "2024-05-02", "issued_by": "prime_minister"}
COMMITMENT = {"title": "New MoU", "kind": "mou", "partners": "JP"}
TASK = {"title": "New task", "priority": "high", "default_deadline": later(40)}
N405 = expect(401, 405, 405, 405, 405, 405)


@dataclass
class ApiRow:
    name: str
    method: str
    path: str  # "{name}" placeholders are the ids of the world's objects
    body: object
    expected: dict
    router: bool = True  # a router's route: also answers with a format suffix (".json"), the same way


API = [
    ApiRow("missions list", "get", "/api/v1/missions/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("mission A", "get", "/api/v1/missions/{mission_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("mission B", "get", "/api/v1/missions/{mission_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow("missions create", "post", "/api/v1/missions/", {"code": "X"}, N405),
    ApiRow("mission change", "patch", "/api/v1/missions/{mission_a}/", {}, N405),
    ApiRow("directives list", "get", "/api/v1/directives/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("directive A", "get", "/api/v1/directives/{directive_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("directive B", "get", "/api/v1/directives/{directive_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow("directive create", "post", "/api/v1/directives/", DIRECTIVE, expect(401, 403, 403, 403, 201, 403)),
    ApiRow(
        "directive A change",
        "patch",
        "/api/v1/directives/{directive_a}/",
        {"title": "T"},
        expect(401, 403, 403, 404, 200, 404),
    ),
    ApiRow("directive A replace", "put", "/api/v1/directives/{directive_a}/", DIRECTIVE, N405),
    ApiRow("directive A delete", "delete", "/api/v1/directives/{directive_a}/", None, N405),
    ApiRow("commitments list", "get", "/api/v1/commitments/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("commitment A", "get", "/api/v1/commitments/{commitment_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("commitment B", "get", "/api/v1/commitments/{commitment_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow("commitment create", "post", "/api/v1/commitments/", COMMITMENT, expect(401, 403, 403, 403, 201, 403)),
    ApiRow(
        "commitment A change",
        "patch",
        "/api/v1/commitments/{commitment_a}/",
        {"status": "implementing"},
        expect(401, 403, 403, 404, 200, 404),
    ),
    ApiRow("commitment A delete", "delete", "/api/v1/commitments/{commitment_a}/", None, N405),
    ApiRow("tasks list", "get", "/api/v1/tasks/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("task A", "get", "/api/v1/tasks/{task_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("task B", "get", "/api/v1/tasks/{task_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow("task create", "post", "/api/v1/tasks/", TASK, expect(401, 403, 403, 403, 201, 403)),
    ApiRow(
        "task A change", "patch", "/api/v1/tasks/{task_a}/", {"priority": "low"}, expect(401, 403, 403, 404, 200, 404)
    ),
    ApiRow("task A delete", "delete", "/api/v1/tasks/{task_a}/", None, N405),
    ApiRow(
        "task A assign",
        "post",
        "/api/v1/tasks/{task_a}/assign/",
        {"missions": ["{mission_b}"]},
        expect(401, 403, 403, 404, 201, 404),
    ),
    ApiRow("assignments list", "get", "/api/v1/assignments/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("assignment A", "get", "/api/v1/assignments/{assignment_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("assignment B", "get", "/api/v1/assignments/{assignment_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow("assignments create", "post", "/api/v1/assignments/", {}, N405),
    ApiRow("assignment A change", "patch", "/api/v1/assignments/{assignment_a}/", {"status": "completed"}, N405),
    ApiRow("assignment A delete", "delete", "/api/v1/assignments/{assignment_a}/", None, N405),
    ApiRow("reports list", "get", "/api/v1/reports/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow("report A", "get", "/api/v1/reports/{report_a}/", None, expect(401, 200, 200, 404, 200, 404)),
    ApiRow("report B", "get", "/api/v1/reports/{report_b}/", None, expect(401, 404, 404, 200, 200, 404)),
    ApiRow(
        "report on assignment A",
        "post",
        "/api/v1/reports/",
        {"assignment": "{assignment_a}", "status": "in_progress", "percent": 50, "results": "Done half"},
        expect(401, 201, 201, 400, 201, 400),
    ),
    ApiRow("report A change", "patch", "/api/v1/reports/{report_a}/", {"percent": 90}, N405),
    ApiRow("report A delete", "delete", "/api/v1/reports/{report_a}/", None, N405),
    ApiRow("extensions list", "get", "/api/v1/extension-requests/", None, expect(401, 200, 200, 200, 200, 200)),
    ApiRow(
        "extension A", "get", "/api/v1/extension-requests/{extension_a}/", None, expect(401, 200, 200, 404, 200, 404)
    ),
    ApiRow(
        "extension B", "get", "/api/v1/extension-requests/{extension_b}/", None, expect(401, 404, 404, 200, 200, 404)
    ),
    ApiRow(
        "extension on assignment A2",
        "post",
        "/api/v1/extension-requests/",
        {"assignment": "{assignment_a2}", "requested_deadline": later(30), "reason": "Minister's visit moved"},
        expect(401, 403, 201, 400, 403, 400),
    ),
    ApiRow(
        "extension A approve",
        "post",
        "/api/v1/extension-requests/{extension_a}/approve/",
        {},
        expect(401, 403, 403, 404, 200, 404),
    ),
    ApiRow(
        "extension A reject",
        "post",
        "/api/v1/extension-requests/{extension_a}/reject/",
        {"note": "No"},
        expect(401, 403, 403, 404, 200, 404),
    ),
    ApiRow(
        "extension B approve",
        "post",
        "/api/v1/extension-requests/{extension_b}/approve/",
        {},
        expect(401, 404, 404, 403, 200, 404),
    ),
    ApiRow("extension A change", "patch", "/api/v1/extension-requests/{extension_a}/", {"reason": "x"}, N405),
    ApiRow("summary", "get", "/api/v1/summary/", None, expect(401, 200, 200, 200, 200, 200), router=False),
    ApiRow("summary write", "post", "/api/v1/summary/", {}, N405, router=False),
    ApiRow("unknown URL", "get", "/api/v1/nothing-here/", None, everyone(404), router=False),
    # Public, but a token of a deactivated account is refused wherever it is shown.
    ApiRow("OpenAPI schema", "get", "/api/schema/", None, expect(200, 200, 200, 200, 200, 200, 401), router=False),
    ApiRow("documentation page", "get", "/api/docs/", None, expect(200, 200, 200, 200, 200, 200, 401), router=False),
]


def _fill(value, world):
    """Replaces "{name}" placeholders by the id of the world's object of that name."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return getattr(world, value[1:-1]).pk
    if isinstance(value, str):
        return value.format(**{k: getattr(v, "pk", None) for k, v in vars(world).items()})
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def _with_suffix(path: str) -> str:
    return path.rstrip("/") + ".json"


@pytest.fixture
def api_world():
    world = build_api_world()
    inactive = member(world.mission_a, Membership.Role.HEAD, username="inactive_a")
    world.tokens["inactive"] = Token.objects.create(user=inactive).key
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    world.tokens["nomission"] = world.tokens["nobody"]
    return world


@pytest.mark.parametrize("row", API, ids=lambda row: row.name)
def test_api(api_world, row):
    paths = [row.path, _with_suffix(row.path)] if row.router else [row.path]
    failures = []
    for path in paths:
        url, body = _fill(path, api_world), _fill(row.body, api_world)
        for who in WHO:
            with transaction.atomic():
                before = snapshot()
                kwargs = {"format": "json"} if body is not None else {}
                response = getattr(api_world.client(who), row.method)(url, body, **kwargs)
                if response.status_code != row.expected[who]:
                    failures.append(f"{who} {row.method} {url}: {response.status_code} != {row.expected[who]}")
                elif response.status_code >= 400 and path.startswith("/api/v1/"):
                    payload = response.json()  # one error body everywhere, and nothing changed
                    assert payload["status"] == response.status_code and payload["code"] and payload["message"]
                    assert snapshot() == before, f"{who} {row.method} {url} changed something"
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


# --- nothing escapes the matrix ---------------------------------------------------------------------------


def _routes(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            routes.append(prefix + str(pattern.pattern))
    return routes


def _normal(route: str) -> str:
    return route.replace("^", "")


class _AnyId:
    pk = 1
    commitment_id = 1
    task_id = 1
    code = "EMB-X"

    def __getattr__(self, name):
        return self


def matrix_urls() -> list[tuple[str, str]]:
    """(method, URL) of every check the matrix makes, built with placeholder ids."""
    fake = SimpleNamespace(**{name: _AnyId() for name in ("mission_a", "mission_b", "head_a")})
    fake.__dict__.update({k: _AnyId() for k in ("assignment_a", "assignment_b", "report_a", "report_b")})
    fake.__dict__.update({k: _AnyId() for k in ("extension_a", "extension_b", "attachment_a", "attachment_b")})
    urls = [(row.method, row.url(fake)) for row in PORTAL + ADMIN_PAGES]
    for model in ADMIN_MODELS:
        history = SimpleNamespace(latest=lambda: SimpleNamespace(history_id=1))
        history_id = _history_id(model, SimpleNamespace(history=history))
        urls += [(row.method, row.url(fake)) for row in _model_rows(model, 1, history_id)]
    api_ids = SimpleNamespace(**{name: SimpleNamespace(pk=1) for name in re.findall(r"{(\w+)}", str(API))})
    for row in API:
        urls.append((row.method, _fill(row.path, api_ids)))
        if row.router:
            urls.append((row.method, _with_suffix(_fill(row.path, api_ids))))
    return urls


def test_every_route_of_the_product_is_in_the_matrix(artifacts_dir):
    covered = {_normal(resolve(url.split("?")[0]).route) for _method, url in matrix_urls()}
    routes = {_normal(route) for route in _routes(get_resolver().url_patterns)}
    missing = sorted(routes - covered)
    assert not missing, "routes that no row of the matrix checks:\n" + "\n".join(missing)
    checks = len(matrix_urls()) * len(WHO)
    figures = {"routes": len(routes), "requests_per_person": len(matrix_urls()), "people": len(WHO), "checks": checks}
    (artifacts_dir / "security-matrix.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert checks >= 7 * 300
