"""What each role sees in the API's lists, filters and bodies (the status of every endpoint for every role is in
the one permission matrix, tests/test_security_matrix.py).

Roles: anonymous, an officer and the head of mission A, the head of mission B, a committee member, and a user with
no mission. Members see their own mission's objects only; another mission's objects answer 404; an id in a body
that the user may not see is answered like one that does not exist.
"""

import datetime

import pytest
from django.utils import timezone

from tests.api_world import ROLES, build_world

pytestmark = pytest.mark.django_db

A, OA, HA, HB, C, N = ROLES  # anonymous, officer_a, head_a, head_b, committee, nobody


@pytest.fixture
def world():
    return build_world()


VISIBLE = {
    # list path, attribute naming the world's objects, what each role sees
    "missions": ("mission", {OA: {"a"}, HA: {"a"}, HB: {"b"}, C: {"a", "b"}, N: set()}),
    "directives": ("directive", {OA: {"a"}, HA: {"a"}, HB: {"b"}, C: {"a", "b"}, N: set()}),
    "commitments": ("commitment", {OA: {"a"}, HA: {"a"}, HB: {"b"}, C: {"a", "b"}, N: set()}),
    "reports": ("report", {OA: {"a"}, HA: {"a"}, HB: {"b"}, C: {"a", "b"}, N: set()}),
    "extension-requests": ("extension", {OA: {"a"}, HA: {"a"}, HB: {"b"}, C: {"a", "b"}, N: set()}),
}


@pytest.mark.parametrize("resource", list(VISIBLE))
def test_lists_show_only_what_the_role_may_see(world, resource):
    prefix, seen_by = VISIBLE[resource]
    ids = {getattr(world, f"{prefix}_{x}").pk: x for x in ("a", "b")}
    for role, expected in seen_by.items():
        results = world.client(role).get(f"/api/v1/{resource}/").json()["results"]
        assert {ids[r["id"]] for r in results} == expected, (resource, role)


def test_assignment_and_task_lists_per_role(world):
    a = {world.assignment_a.pk, world.assignment_a2.pk}
    b = {world.assignment_b.pk}
    for role, expected in {OA: a, HA: a, HB: b, C: a | b, N: set()}.items():
        results = world.client(role).get("/api/v1/assignments/").json()["results"]
        assert {r["id"] for r in results} == expected, role
    head_tasks = {r["id"] for r in world.client(HA).get("/api/v1/tasks/").json()["results"]}
    assert world.task_b.pk not in head_tasks and world.task_a.pk in head_tasks


def test_summary_counts_only_the_members_mission(world):
    figures = {role: world.client(role).get("/api/v1/summary/").json() for role in (HA, HB, C, N)}
    assert (figures[HA]["total"], figures[HB]["total"], figures[C]["total"], figures[N]["total"]) == (2, 1, 3, 0)
    assert (figures[HA]["pending_extensions"], figures[C]["pending_extensions"]) == (1, 2)


def test_filtering_by_another_missions_object_reveals_nothing(world):
    head_a = world.client(HA)
    for url in (
        f"/api/v1/reports/?assignment={world.assignment_b.pk}",
        f"/api/v1/extension-requests/?assignment={world.assignment_b.pk}",
        f"/api/v1/assignments/?mission={world.mission_b.pk}",
        f"/api/v1/reports/?mission={world.mission_b.pk}",
    ):
        response = head_a.get(url)
        assert response.status_code == 200 and response.json()["results"] == [], url
    missing = head_a.get("/api/v1/reports/?assignment=999999").json()
    other = head_a.get(f"/api/v1/reports/?assignment={world.assignment_b.pk}").json()
    assert missing == other


def test_a_body_naming_another_missions_assignment_reads_like_a_missing_one(world):
    head_b = world.client(HB)
    theirs = head_b.post(
        "/api/v1/reports/",
        {"assignment": world.assignment_a.pk, "status": "in_progress", "percent": 10},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    missing = head_b.post(
        "/api/v1/reports/",
        {"assignment": 987654, "status": "in_progress", "percent": 10},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert list(theirs["errors"]) == list(missing["errors"]) == ["assignment"]
    assert theirs["errors"]["assignment"][0].replace(str(world.assignment_a.pk), "N") == missing["errors"][
        "assignment"
    ][0].replace("987654", "N")


def test_a_revoked_or_ended_membership_loses_access(world):
    from missions.services import membership_end

    membership = world.users[HA].memberships.get()
    membership_end(membership=membership, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    client = world.client(HA)
    assert client.get(f"/api/v1/assignments/{world.assignment_a.pk}/").status_code == 404
    assert client.get("/api/v1/assignments/").json()["count"] == 0


def test_an_inactive_user_is_refused(world):
    user = world.users[HA]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert world.client(HA).get("/api/v1/assignments/").status_code == 401
