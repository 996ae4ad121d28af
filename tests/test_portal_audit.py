"""The audit trail: who changed what, when, before and after; visible to the committee in the admin."""

import datetime

from django.conf import settings
from django.urls import reverse

from tracker import selectors
from tracker.models import Assignment, ExtensionRequest


def test_a_committee_change_records_who_when_before_and_after(client, world):
    a = world.assignment_a
    before = a.deadline
    after = before + datetime.timedelta(days=7)
    client.force_login(world.committee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("admin:tracker_assignment_change", args=[a.pk]),
        {
            "role": "support",
            "deadline": after.isoformat(),
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
            "extension_requests-TOTAL_FORMS": "0",
            "extension_requests-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    record = a.history.latest()
    assert record.history_user == world.committee
    assert record.history_type == "~"
    delta = record.diff_against(record.prev_record)
    changes = {c.field: (c.old, c.new) for c in delta.changes}
    assert changes == {"deadline": (before, after), "role": ("lead", "support")}

    # The committee reads it in the admin's history page of the assignment...
    response = client.get(reverse("admin:tracker_assignment_history", args=[a.pk]))
    newest = response.context["page_obj"].object_list[0]
    assert newest.history_user == world.committee
    shown = {str(c["field"]).lower(): (str(c["old"]), str(c["new"])) for c in newest.history_delta_changes}
    assert set(shown) == {"deadline", "role"}
    html = response.content.decode()
    for old_value, new_value in shown.values():
        assert old_value in html and new_value in html
    # ...and the mission sees it in the assignment's timeline.
    client.force_login(world.head_a)
    timeline = client.get(reverse("portal:assignment_detail", args=[a.pk])).context["timeline"]
    changed = [e for e in timeline if e.kind == "changed"][0]
    assert changed.actor == world.committee
    assert (before.strftime("%d/%m/%Y"), after.strftime("%d/%m/%Y")) in [(b, c) for _, b, c in changed.changes]


def test_reports_and_extension_decisions_name_who_did_them(world):
    from tracker import services

    record = world.assignment_a.history.latest()
    assert record.history_user == world.officer_a  # the portal's report in the world fixture
    services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=True)
    decision = world.extension_a.history.latest()
    assert (decision.history_user, decision.state) == (world.committee, ExtensionRequest.State.APPROVED)
    assert decision.prev_record.state == ExtensionRequest.State.PENDING
    assignment = Assignment.history.filter(id=world.assignment_a.pk).latest()
    assert assignment.history_user == world.committee
    assert assignment.deadline == world.extension_a.requested_deadline
    assert assignment.original_deadline == world.assignment_a.original_deadline


def test_the_committee_sees_the_history_of_tasks_commitments_and_requests(client, world):
    client.force_login(world.committee)
    task = world.assignment_a.task
    for url in (
        reverse("admin:tracker_task_history", args=[task.pk]),
        reverse("admin:tracker_commitment_history", args=[task.commitment.pk]),
        reverse("admin:tracker_extensionrequest_history", args=[world.extension_a.pk]),
        reverse("admin:tracker_assignment_history", args=[world.assignment_a.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_assigning_a_task_records_who_assigned_it(client, world):
    from tests.factories import MissionFactory, TaskFactory

    task = TaskFactory(title="Green hydrogen partners")
    mission = MissionFactory(code="EMB-AUD")
    client.force_login(world.committee)
    response = client.post(
        reverse("admin:tracker_task_assign", args=[task.pk]),
        {"scope": "chosen", "missions": [mission.pk], "deadline": "31/12/2030", "role": "lead"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(task=task, mission=mission)
    created = assignment.history.get(history_type="+")
    assert created.history_user == world.committee
    assert created.deadline == datetime.date(2030, 12, 31)
    timeline = selectors.assignment_timeline(assignment=assignment)
    assert [(e.kind, e.actor) for e in timeline] == [("assigned", world.committee)]
