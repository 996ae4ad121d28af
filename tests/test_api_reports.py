"""Reports and extension requests through the API obey the same rules as the portal: one service each."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import override

from tests.api_world import build_world
from tracker.models import Assignment, ExtensionRequest, Report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture
def world():
    return build_world()


def post(client, url, body):
    with override("en"):
        return client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def snapshot(assignment):
    assignment.refresh_from_db()
    return (assignment.status, assignment.percent, assignment.version, assignment.reports.count())


def test_a_report_moves_the_assignment_and_comes_back_complete(world):
    a = world.assignment_a
    response = post(
        world.client("officer_a"),
        URL,
        {
            "assignment": a.pk,
            "status": "completed",
            "percent": 80,
            "results": "Agreement signed",
            "proposals": "Follow up in May",
            "expected_version": a.version,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["percent"], body["previous_status"]) == ("completed", 100, "in_progress")
    assert body["assignment"] == a.pk and body["mission"]["code"] == "EMB-TA"
    assert body["author"]["id"] == world.users["officer_a"].pk
    # ISO 8601 with the offset.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d", body["submitted_at"])
    assert datetime.datetime.fromisoformat(body["submitted_at"]).utcoffset() is not None
    a.refresh_from_db()
    assert (a.status, a.percent, a.version, a.completed_on) == ("completed", 100, 2, a.mission.local_today())
    detail = world.client("head_a").get(f"/api/v1/assignments/{a.pk}/").json()
    assert (detail["status"], detail["timeliness"], detail["version"]) == ("completed", "completed_on_time", 2)


@pytest.mark.parametrize(
    ("role", "start", "body", "field"),
    [
        # A closed assignment is reopened only by the committee.
        ("officer_a", "completed", {"status": "in_progress", "percent": 50}, "status"),
        # Only the committee cancels.
        ("head_a", None, {"status": "cancelled", "percent": 20}, "status"),
        # Work that started does not go back to "not started".
        ("head_a", None, {"status": "not_started", "percent": 0}, "status"),
        # Blocked needs the obstacles.
        ("officer_a", None, {"status": "blocked", "percent": 20, "obstacles": "  "}, "obstacles"),
        # 100% is completed, not in progress.
        ("officer_a", None, {"status": "in_progress", "percent": 100}, "percent"),
        # Out of range and unknown values are refused by field.
        ("officer_a", None, {"status": "in_progress", "percent": 101}, "percent"),
        ("officer_a", None, {"status": "in_progress", "percent": -1}, "percent"),
        ("officer_a", None, {"status": "finished", "percent": 20}, "status"),
        ("officer_a", None, {"status": "in_progress"}, "percent"),
        ("officer_a", None, {"status": "in_progress", "percent": "lots"}, "percent"),
        ("officer_a", None, {"status": "in_progress", "percent": 30, "expected_version": -1}, "expected_version"),
        ("officer_a", None, {"status": "in_progress", "percent": 30, "obstacle_cause": 99999}, "obstacle_cause"),
        ("officer_a", None, {"status": "in_progress", "percent": 30, "results": "a\x00b"}, "results"),
    ],
)
def test_the_transition_rules_refuse_by_field_and_change_nothing(world, role, start, body, field):
    a = world.assignment_a
    if start == "completed":
        post(world.client("head_a"), URL, {"assignment": a.pk, "status": "completed", "percent": 100})
    before = snapshot(a)
    response = post(world.client(role), URL, {"assignment": a.pk, **body})
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == "invalid" and payload["status"] == 400
    assert field in payload["errors"], payload
    assert all(isinstance(m, str) and m for m in payload["errors"][field])
    assert snapshot(a) == before


def test_the_committee_reopens_and_cancels(world):
    a, committee = world.assignment_a, world.client("committee")
    post(world.client("head_a"), URL, {"assignment": a.pk, "status": "completed", "percent": 100})
    response = post(committee, URL, {"assignment": a.pk, "status": "in_progress", "percent": 60, "results": "Reopen"})
    assert response.status_code == 201, response.content
    response = post(committee, URL, {"assignment": a.pk, "status": "cancelled", "percent": 60})
    assert response.status_code == 201, response.content
    a.refresh_from_db()
    assert a.status == "cancelled"
    assert world.client("head_a").get(f"/api/v1/assignments/{a.pk}/").json()["timeliness"] is None


def test_a_report_on_a_stale_version_is_refused_with_409_and_the_latest_report(world):
    a = world.assignment_a
    seen = a.version
    first = post(
        world.client("head_a"),
        URL,
        {"assignment": a.pk, "status": "in_progress", "percent": 40, "expected_version": seen},
    )
    assert first.status_code == 201
    before = snapshot(a)
    response = post(
        world.client("officer_a"),
        URL,
        {"assignment": a.pk, "status": "in_progress", "percent": 70, "expected_version": seen},
    )
    assert response.status_code == 409, response.content
    payload = response.json()
    assert (payload["status"], payload["code"], payload["errors"]) == (409, "stale", {})
    assert "Nothing was saved" in payload["message"]
    assert payload["current_version"] == seen + 1
    assert payload["latest_report"]["id"] == first.json()["id"]
    assert payload["latest_report"]["percent"] == 40
    assert snapshot(a) == before
    # Sent again on the version now shown, it goes through.
    again = post(
        world.client("officer_a"),
        URL,
        {"assignment": a.pk, "status": "in_progress", "percent": 70, "expected_version": payload["current_version"]},
    )
    assert again.status_code == 201


def test_without_expected_version_reports_are_serialised_not_lost(world):
    a = world.assignment_a
    for percent in (30, 35):
        assert (
            post(
                world.client("officer_a"), URL, {"assignment": a.pk, "status": "in_progress", "percent": percent}
            ).status_code
            == 201
        )
    assert Report.objects.filter(assignment=a).count() == 3
    a.refresh_from_db()
    assert (a.percent, a.version) == (35, 3)


def test_malformed_and_non_json_bodies_get_the_error_body(world):
    client = world.client("officer_a")
    response = client.post(URL, "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = client.post(URL, "status=completed", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    response = client.post(URL, [1, 2], format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()["errors"]
    assert Report.objects.count() == 2


def test_extension_request_then_approval_moves_the_deadline(world):
    a2 = world.assignment_a2
    new_deadline = timezone.localdate() + datetime.timedelta(days=45)
    response = post(
        world.client("head_a"),
        "/api/v1/extension-requests/",
        {"assignment": a2.pk, "requested_deadline": new_deadline.isoformat(), "reason": "Partner reshuffle"},
    )
    assert response.status_code == 201, response.content
    extension = response.json()
    assert (extension["state"], extension["current_deadline"]) == ("pending", a2.deadline.isoformat())
    # A second one while the first waits is refused, nothing added.
    again = post(
        world.client("head_a"),
        "/api/v1/extension-requests/",
        {"assignment": a2.pk, "requested_deadline": new_deadline.isoformat(), "reason": "Again"},
    )
    assert again.status_code == 400 and "non_field_errors" in again.json()["errors"]
    assert ExtensionRequest.objects.filter(assignment=a2).count() == 1

    approve = post(world.client("committee"), f"/api/v1/extension-requests/{extension['id']}/approve/", {"note": "OK"})
    assert approve.status_code == 200, approve.content
    assert (approve.json()["state"], approve.json()["decision_note"]) == ("approved", "OK")
    assert approve.json()["decided_by"]["id"] == world.users["committee"].pk
    a2.refresh_from_db()
    assert (a2.deadline, a2.original_deadline) == (new_deadline, a2.original_deadline)
    assert a2.original_deadline != new_deadline

    # Deciding again: 409 with the state, nothing changed.
    reject = post(world.client("committee"), f"/api/v1/extension-requests/{extension['id']}/reject/", {})
    assert reject.status_code == 409
    assert (reject.json()["code"], reject.json()["state"]) == ("already_decided", "approved")
    a2.refresh_from_db()
    assert a2.deadline == new_deadline


def test_extension_request_bad_input(world):
    a = world.assignment_a2
    head = world.client("head_a")
    earlier = post(
        head,
        "/api/v1/extension-requests/",
        {"assignment": a.pk, "requested_deadline": a.deadline.isoformat(), "reason": "x"},
    )
    assert earlier.status_code == 400 and "requested_deadline" in earlier.json()["errors"]
    blank = post(
        head,
        "/api/v1/extension-requests/",
        {"assignment": a.pk, "requested_deadline": "2999-01-01", "reason": "   "},
    )
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    bad_date = post(
        head, "/api/v1/extension-requests/", {"assignment": a.pk, "requested_deadline": "31/12/2030", "reason": "x"}
    )
    assert bad_date.status_code == 400 and "requested_deadline" in bad_date.json()["errors"]
    assert ExtensionRequest.objects.filter(assignment=a).count() == 0


def test_rejection_keeps_the_deadline(world):
    a = world.assignment_a
    deadline = a.deadline
    response = post(
        world.client("committee"), f"/api/v1/extension-requests/{world.extension_a.pk}/reject/", {"note": "No"}
    )
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert Assignment.objects.get(pk=a.pk).deadline == deadline
