"""Directives, commitments and tasks written by the committee through the API; filters, ordering, pages, summary."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override

from missions.services import mission_set_active
from tests.api_world import build_world
from tests.factories import MissionFactory, TaskFactory
from tracker import services
from tracker.models import Assignment, Commitment, Directive, Task, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def send(client, method, url, body=None):
    with override("en"):
        return getattr(client, method)(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_the_committee_records_a_directive_a_commitment_and_a_task(world):
    committee = world.client("committee")
    directive = send(
        committee,
        "post",
        "/api/v1/directives/",
        {
            "title": "Directive 12/CT-TTg on economic diplomacy",
            "number": "12/CT-TTg",
            "issued_on": "2024-04-02",
            "issued_by": "prime_minister",
            "url": "https://example.gov.vn/12",
        },
    )
    assert directive.status_code == 201, directive.content
    theme = Theme.objects.get(code="digital")
    commitment = send(
        committee,
        "post",
        "/api/v1/commitments/",
        {
            "title": "Semiconductor MoU",
            "kind": "mou",
            "partners": " us, dk ,US",
            "value_usd": 2000000,
            "theme_ids": [theme.pk],
        },
    )
    assert commitment.status_code == 201, commitment.content
    assert commitment.json()["partners"] == "US,DK"
    assert [t["code"] for t in commitment.json()["themes"]] == ["digital"]
    task = send(
        committee,
        "post",
        "/api/v1/tasks/",
        {
            "title": "Follow up the MoU",
            "directive": directive.json()["id"],
            "commitment": commitment.json()["id"],
            "theme_ids": [theme.pk],
            "priority": "high",
            "default_deadline": "2030-06-30",
        },
    )
    assert task.status_code == 201, task.content
    body = task.json()
    assert (body["priority"], body["created_by"], body["default_deadline"]) == (
        "high",
        world.users["committee"].pk,
        "2030-06-30",
    )
    stored = Task.objects.get(pk=body["id"])
    assert list(stored.themes.values_list("code", flat=True)) == ["digital"]

    changed = send(
        committee, "patch", f"/api/v1/tasks/{stored.pk}/", {"title": "Follow up the semiconductor MoU", "theme_ids": []}
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["themes"]) == ("Follow up the semiconductor MoU", [])
    assert changed.json()["priority"] == "high"  # left as it was


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/directives/", {"title": "D", "issued_on": "2024-04-02", "issued_by": "king"}, "issued_by"),
        ("/api/v1/directives/", {"title": "D", "issued_on": "02/04/2024", "issued_by": "minister"}, "issued_on"),
        (
            "/api/v1/directives/",
            {"title": "D", "issued_on": "2024-04-02", "issued_by": "minister", "url": "nope"},
            "url",
        ),
        ("/api/v1/directives/", {"issued_on": "2024-04-02", "issued_by": "minister"}, "title"),
        ("/api/v1/commitments/", {"title": "C", "kind": "mou", "partners": "USA"}, "partners"),
        ("/api/v1/commitments/", {"title": "C", "kind": "mou", "partners": ""}, "partners"),
        ("/api/v1/commitments/", {"title": "C", "kind": "mou", "partners": "US", "value_usd": -5}, "value_usd"),
        ("/api/v1/commitments/", {"title": "C", "kind": "mou", "partners": "US", "theme_ids": [999]}, "theme_ids"),
        ("/api/v1/tasks/", {"title": "T", "directive": 999999}, "directive"),
        ("/api/v1/tasks/", {"title": "T", "priority": "urgent"}, "priority"),
        ("/api/v1/tasks/", {"title": "x" * 301}, "title"),
    ],
)
def test_bad_catalogue_input_is_refused_by_field(world, url, body, field):
    before = (Directive.objects.count(), Commitment.objects.count(), Task.objects.count())
    response = send(world.client("committee"), "post", url, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert (Directive.objects.count(), Commitment.objects.count(), Task.objects.count()) == before


def test_a_patch_that_breaks_a_rule_changes_nothing(world):
    c = world.commitment_a
    title = c.title
    response = send(
        world.client("committee"), "patch", f"/api/v1/commitments/{c.pk}/", {"partners": "1,2", "title": "New"}
    )
    assert response.status_code == 400 and "partners" in response.json()["errors"]
    c.refresh_from_db()
    assert (c.title, c.partners) == (title, "US")


def test_assigning_a_task_creates_only_the_missing_assignments(world):
    committee = world.client("committee")
    extra = MissionFactory(code="EMB-TC")
    url = f"/api/v1/tasks/{world.task_a.pk}/assign/"
    response = send(
        committee,
        "post",
        url,
        {"missions": [world.mission_a.pk, world.mission_b.pk, extra.pk], "deadline": "2030-01-31"},
    )
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    assert [a["mission"]["code"] for a in created] == ["EMB-TB", "EMB-TC"]
    assert all(a["deadline"] == "2030-01-31" and a["status"] == "not_started" for a in created)
    assert Assignment.objects.filter(task=world.task_a).count() == 3
    # The head of mission B now sees the task.
    assert world.client("head_b").get(f"/api/v1/tasks/{world.task_a.pk}/").status_code == 200


def test_assigning_to_an_inactive_mission_or_without_a_deadline_is_refused(world):
    committee = world.client("committee")
    closed = MissionFactory(code="EMB-TZ")
    mission_set_active(mission=closed, is_active=False)
    response = send(committee, "post", f"/api/v1/tasks/{world.task_a.pk}/assign/", {"missions": [closed.pk]})
    assert response.status_code == 400 and "missions" in response.json()["errors"]
    undated = TaskFactory(default_deadline=None)
    response = send(committee, "post", f"/api/v1/tasks/{undated.pk}/assign/", {"missions": [world.mission_b.pk]})
    assert response.status_code == 400 and "deadline" in response.json()["errors"]
    response = send(committee, "post", f"/api/v1/tasks/{undated.pk}/assign/", {"missions": []})
    assert response.status_code == 400 and "missions" in response.json()["errors"]
    assert not Assignment.objects.filter(mission=closed).exists() and not undated.assignments.exists()


def test_a_missions_overdue_assignments(world):
    committee = world.client("committee")
    response = committee.get(f"/api/v1/assignments/?mission={world.mission_a.pk}&timeliness=overdue")
    assert [a["id"] for a in response.json()["results"]] == [world.assignment_a2.pk]
    assert response.json()["results"][0]["timeliness"] == "overdue"
    due_soon = committee.get("/api/v1/assignments/?timeliness=due_soon").json()["results"]
    assert [a["id"] for a in due_soon] == [world.assignment_b.pk]
    by_status = committee.get("/api/v1/assignments/?status=in_progress").json()["results"]
    assert {a["id"] for a in by_status} == {world.assignment_a.pk, world.assignment_b.pk}
    text = committee.get("/api/v1/assignments/?q=EMB-TB").json()["results"]
    assert [a["id"] for a in text] == [world.assignment_b.pk]
    region = committee.get("/api/v1/assignments/?region=americas").json()["results"]
    assert [a["id"] for a in region] == [world.assignment_b.pk]


@pytest.mark.parametrize(
    "query",
    ["timeliness=late", "status=done", "mission=abc", "deadline_after=2024-13-45", "ordering=colour", "theme=99999"],
)
def test_bad_filters_are_a_400_naming_the_filter(world, query):
    response = world.client("committee").get(f"/api/v1/assignments/?{query}")
    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()["errors"]


def test_ordering_and_pages(world):
    committee = world.client("committee")
    by_deadline = [a["deadline"] for a in committee.get("/api/v1/assignments/?ordering=-deadline").json()["results"]]
    assert by_deadline == sorted(by_deadline, reverse=True)
    first = committee.get("/api/v1/assignments/?page_size=2").json()
    assert (first["count"], len(first["results"])) == (3, 2) and first["next"] and first["previous"] is None
    second = committee.get(first["next"]).json()
    assert len(second["results"]) == 1 and not {a["id"] for a in second["results"]} & {
        a["id"] for a in first["results"]
    }
    capped = committee.get("/api/v1/assignments/?page_size=100000").json()
    assert len(capped["results"]) == 3
    titles = [d["title"] for d in committee.get("/api/v1/directives/?ordering=-title").json()["results"]]
    assert titles == sorted(titles, reverse=True)
    assert committee.get("/api/v1/directives/?ordering=secret").status_code == 200  # unknown fields are ignored


def test_other_list_filters(world):
    committee = world.client("committee")
    reports = committee.get(f"/api/v1/reports/?assignment={world.assignment_b.pk}").json()["results"]
    assert [r["id"] for r in reports] == [world.report_b.pk]
    today = timezone.localdate()
    assert committee.get(f"/api/v1/reports/?submitted_after={today + datetime.timedelta(days=1)}").json()["count"] == 0
    assert committee.get(f"/api/v1/reports/?submitted_before={today}").json()["count"] == 2
    assert committee.get("/api/v1/reports/?submitted_after=0001-01-01&submitted_before=9999-12-31").json()["count"] == 2
    assert committee.get("/api/v1/reports/?assignment=99999999999999999999999").status_code == 400
    pending = committee.get(f"/api/v1/extension-requests/?state=pending&mission={world.mission_b.pk}").json()["results"]
    assert [e["id"] for e in pending] == [world.extension_b.pk]
    assert committee.get("/api/v1/missions/?region=americas").json()["results"][0]["code"] == "EMB-TB"
    assert committee.get("/api/v1/commitments/?partner=us").json()["count"] == 2
    assert committee.get("/api/v1/commitments/?partner=usa").json()["count"] == 0
    theme = Theme.objects.get(code="digital")
    assert [t["id"] for t in committee.get(f"/api/v1/tasks/?theme={theme.pk}").json()["results"]] == [world.task_a.pk]


def test_summary_key_figures(world):
    head_a, committee = world.users["head_a"], world.client("committee")
    services.report_submit(assignment_id=world.assignment_a.pk, author=head_a, status="completed", percent=100)
    services.report_submit(
        assignment_id=world.assignment_a2.pk, author=head_a, status="blocked", percent=10, obstacles="No partner"
    )
    figures = committee.get("/api/v1/summary/").json()
    assert {k: v for k, v in figures.items() if k != "as_of"} == {
        "total": 3,
        "completed": 1,
        "completed_on_time": 1,
        "on_time_rate": 100.0,
        "overdue": 1,  # blocked and past its deadline
        "blocked": 1,
        "due_within_7_days": 1,
        "pending_extensions": 2,  # a request stays pending until the committee decides it
    }
    assert datetime.datetime.fromisoformat(figures["as_of"]).utcoffset() is not None
    only_b = committee.get(f"/api/v1/summary/?mission={world.mission_b.pk}").json()
    assert (only_b["total"], only_b["completed"], only_b["on_time_rate"], only_b["pending_extensions"]) == (
        1,
        0,
        None,
        1,
    )
    assert committee.get("/api/v1/summary/?timeliness=soon").status_code == 400


def test_the_catalogue_services_themselves_refuse_members(world):
    from django.core.exceptions import PermissionDenied

    head = world.users["head_a"]
    with pytest.raises(PermissionDenied):
        services.task_create(created_by=head, title="Sneaky")
    with pytest.raises(PermissionDenied):
        services.directive_update(directive_id=world.directive_a.pk, updated_by=head, changes={"title": "Sneaky"})
    assert not Task.objects.filter(title="Sneaky").exists()
    assert Directive.objects.get(pk=world.directive_a.pk).title != "Sneaky"
