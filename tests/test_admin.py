"""The steering committee's admin: lists render, filter, and cost the same number of queries at any size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from missions.models import Mission
from tests.factories import TaskFactory, make_assignment, member
from tracker import services
from tracker.models import Assignment, ExtensionRequest, Task

pytestmark = pytest.mark.django_db

ADMIN_LISTS = [
    "admin:tracker_assignment_changelist",
    "admin:tracker_task_changelist",
    "admin:tracker_report_changelist",
    "admin:tracker_extensionrequest_changelist",
    "admin:tracker_commitment_changelist",
    "admin:tracker_directive_changelist",
    "admin:tracker_theme_changelist",
    "admin:tracker_obstaclecause_changelist",
    "admin:missions_mission_changelist",
    "admin:missions_membership_changelist",
    "admin:missions_user_changelist",
]


@pytest.fixture
def committee_client(client, committee_user):
    client.force_login(committee_user)
    return client


def grow(missions, tasks: int, reports: bool = True):
    """`tasks` tasks, each assigned to every active mission, some with reports."""
    heads = {}
    for i in range(tasks):
        task = TaskFactory(default_deadline=timezone.localdate() + datetime.timedelta(days=i * 5 - 20))
        services.task_assign(task=task, missions=missions)
        if reports:
            for a in task.assignments.select_related("mission")[:3]:
                head = heads.get(a.mission_id) or heads.setdefault(a.mission_id, member(a.mission))
                services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=20 + i)
                services.extension_request_create(
                    assignment_id=a.pk, requested_by=head, requested_deadline=a.deadline + datetime.timedelta(days=9),
                    reason="Needs more time",
                )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_every_admin_list_renders_with_a_count_that_does_not_grow(committee_client, missions, name):
    url = reverse(name)
    grow(missions[:5], tasks=1)
    small = count_queries(committee_client, url)
    grow(missions, tasks=4)
    assert Assignment.objects.count() > 300
    large = count_queries(committee_client, url)
    assert large == small, f"{name}: {small} queries with few rows, {large} with many — why does it grow?"


def test_assignment_list_with_its_filter_panel_stays_within_ten_queries(committee_client, missions):
    grow(missions, tasks=3)
    url = reverse("admin:tracker_assignment_changelist") + "?timeliness=overdue&mission__region__exact=europe"
    assert count_queries(committee_client, url) <= 10


def test_assignment_list_shows_timeliness_progress_and_filters(committee_client, missions):
    us = missions.get(code="EMB-US")
    fr = missions.get(code="EMB-FR")
    late = make_assignment(mission=fr, deadline=timezone.localdate() - datetime.timedelta(days=20))
    fine = make_assignment(mission=us, deadline=timezone.localdate() + datetime.timedelta(days=60))
    services.report_submit(assignment_id=fine.pk, author=member(us), status="in_progress", percent=35)
    url = reverse("admin:tracker_assignment_changelist")
    with translation.override("en"):
        page = committee_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'aria-valuenow="35"' in page and "tl-badge" in page
    overdue = committee_client.get(url + "?timeliness=overdue").context["cl"].result_list
    assert [a.pk for a in overdue] == [late.pk]
    europe = committee_client.get(url + "?mission__region__exact=europe").context["cl"].result_list
    assert [a.pk for a in europe] == [late.pk]
    dated = committee_client.get(
        url + f"?deadline__gte={timezone.localdate().isoformat()}"
    ).context["cl"].result_list
    assert [a.pk for a in dated] == [fine.pk]
    searched = committee_client.get(url + "?q=EMB-US").context["cl"].result_list
    assert [a.pk for a in searched] == [fine.pk]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_assignment_lists_rows_are_the_markup_djangos_admin_writes(committee_client, missions, settings, language):
    """The list writes its rows in one pass: cell for cell what Django's `items_for_result` writes, for rows
    of every status and timeliness, never reported on, reported on, extended, with filters kept in the links."""
    from django.contrib.admin.templatetags.admin_list import results

    fr, jp = missions.get(code="EMB-FR"), missions.get(code="EMB-JP")
    today = timezone.localdate()
    rows = [
        make_assignment(mission=m, deadline=today + datetime.timedelta(days=d)) for m in (fr, jp) for d in (-9, 3, 40)
    ]
    head = member(fr)
    services.report_submit(assignment_id=rows[0].pk, author=head, status="in_progress", percent=45)
    services.report_submit(assignment_id=rows[1].pk, author=head, status="completed", percent=100)
    Assignment.objects.filter(pk=rows[2].pk).update(status="cancelled")
    Assignment.objects.filter(pk=rows[3].pk).update(deadline=today + datetime.timedelta(days=30), role="support")
    Task.objects.filter(pk=rows[4].task_id).update(title='<script>alert("x")</script> & co')
    committee_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("admin:tracker_assignment_changelist")
    for query in ["", "?mission__region__exact=europe&o=-3", "?timeliness=overdue", "?q=EMB"]:
        response = committee_client.get(url + query)
        cl = response.context["cl"]
        with translation.override(language):
            ours = ["".join(str(cell) for cell in row) for row in cl.result_rows()]
            djangos = ["".join(str(cell) for cell in row) for row in results(cl)]
        assert ours == djangos and len(ours) == len(cl.result_list) > 0, query
        assert ours[0] in response.content.decode()
    assert "&lt;script&gt;" in committee_client.get(url).content.decode()
    # Choosing an assignment from another form (a popup): Django's own rows, with their popup links.
    assert "data-popup-opener" in committee_client.get(url + "?_to_field=id&_popup=1").content.decode()


def test_the_assignment_list_filters_by_mission_kind_theme_and_commitment(committee_client, missions):
    from tracker.models import Commitment, Theme

    investment = Theme.objects.get(code="investment")
    mou = Commitment.objects.create(title="Offshore wind MoU", kind="mou", signed_on=timezone.localdate())
    themed = TaskFactory(title="Wind farm investment", commitment=mou)
    themed.themes.add(investment)
    embassy = make_assignment(mission=missions.get(code="EMB-FR"), task=themed)
    consulate = make_assignment(mission=missions.filter(kind="consulate_general").first())
    url = reverse("admin:tracker_assignment_changelist")

    def listed(query: str) -> set[int]:
        return {a.pk for a in committee_client.get(url + query).context["cl"].result_list}

    assert listed("?mission__kind__exact=consulate_general") == {consulate.pk}
    assert listed("?mission__kind__exact=embassy") == {embassy.pk}
    assert listed(f"?task__themes__id__exact={investment.pk}") == {embassy.pk}
    assert listed(f"?task__commitment__id__exact={mou.pk}") == {embassy.pk}


def test_bad_filter_values_do_not_break_the_list(committee_client, missions):
    make_assignment(mission=missions.first())
    url = reverse("admin:tracker_assignment_changelist")
    for query in ["?timeliness=nonsense", "?deadline__gte=31/02/2026", "?deadline__lte=abc", "?mission__id__exact=x"]:
        assert committee_client.get(url + query).status_code in (200, 302), query


def test_assign_a_task_to_a_region_all_a_kind_and_a_chosen_set(committee_client, missions):
    task = TaskFactory()
    url = reverse("admin:tracker_task_assign", args=[task.pk])
    deadline = "2027-03-31"
    r = committee_client.post(url, {"scope": "region", "region": "middle_east_africa", "deadline": deadline,
                                    "role": "lead"})
    assert r.status_code == 302
    expected = Mission.objects.filter(region="middle_east_africa", is_active=True).count()
    assert task.assignments.count() == expected
    assert set(task.assignments.values_list("deadline", flat=True)) == {datetime.date(2027, 3, 31)}

    committee_client.post(url, {"scope": "kind", "kind": "permanent_mission", "deadline": deadline, "role": "support"})
    assert task.assignments.filter(mission__kind="permanent_mission", role="support").count() == 4

    chosen = list(missions.filter(code__in=["EMB-US", "EMB-JP"]).values_list("pk", flat=True))
    committee_client.post(url, {"scope": "chosen", "missions": chosen, "deadline": deadline, "role": "lead"})
    committee_client.post(url, {"scope": "all", "deadline": deadline, "role": "lead"})
    assert task.assignments.count() == 94


def test_assigning_with_missing_choices_explains_and_changes_nothing(committee_client, missions):
    task = TaskFactory(default_deadline=None)
    url = reverse("admin:tracker_task_assign", args=[task.pk])
    r = committee_client.post(url, {"scope": "region", "role": "lead"})
    assert r.status_code == 200 and r.context["form"].errors["region"]
    r = committee_client.post(url, {"scope": "all", "role": "lead"})
    assert r.status_code == 200 and r.context["form"].errors["deadline"]
    assert Task.objects.get(pk=task.pk).assignments.count() == 0


def test_the_committee_approves_an_extension_in_the_admin(committee_client, missions):
    a = make_assignment(mission=missions.get(code="EMB-DK"))
    req = services.extension_request_create(
        assignment_id=a.pk, requested_by=member(a.mission), requested_deadline=a.deadline + datetime.timedelta(days=14),
        reason="Waiting for the partner's board",
    )
    r = committee_client.post(
        reverse("admin:tracker_extensionrequest_changelist"),
        {"action": "approve", "_selected_action": [req.pk]},
    )
    assert r.status_code == 302
    req.refresh_from_db()
    a.refresh_from_db()
    assert req.state == ExtensionRequest.State.APPROVED and a.deadline == req.requested_deadline
    assert a.original_deadline == req.current_deadline


def test_missions_are_never_deleted_only_deactivated(committee_client, missions):
    mission = missions.get(code="EMB-AU")
    r = committee_client.get(reverse("admin:missions_mission_delete", args=[mission.pk]))
    assert r.status_code == 403
    committee_client.post(
        reverse("admin:missions_mission_changelist"), {"action": "deactivate", "_selected_action": [mission.pk]}
    )
    assert Mission.objects.get(pk=mission.pk).is_active is False


def test_mission_users_cannot_open_the_admin(client, missions):
    head = member(missions.get(code="EMB-US"))
    client.force_login(head)
    r = client.get(reverse("admin:tracker_assignment_changelist"))
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def test_every_change_form_opens(committee_client, missions):
    a = make_assignment(mission=missions.get(code="EMB-US"))
    head = member(a.mission)
    services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=10)
    req = services.extension_request_create(
        assignment_id=a.pk, requested_by=head, requested_deadline=a.deadline + datetime.timedelta(days=3), reason="x"
    )
    for name, pk in [
        ("admin:tracker_assignment_change", a.pk),
        ("admin:tracker_task_change", a.task.pk),
        ("admin:tracker_extensionrequest_change", req.pk),
        ("admin:missions_mission_change", a.mission.pk),
        ("admin:tracker_report_change", a.reports.get().pk),
        ("admin:tracker_assignment_add", None),
        ("admin:tracker_task_add", None),
    ]:
        url = reverse(name, args=[pk] if pk else [])
        assert committee_client.get(url).status_code == 200, name
