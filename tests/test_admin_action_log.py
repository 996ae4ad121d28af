"""The committee's admin action log: every action taken in the admin, through its buttons, list actions and
custom pages too, is recorded (Django's LogEntry) with who and what, and the committee reads it in the admin."""

import datetime
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import MissionFactory, TaskFactory, UserFactory
from tracker import imports
from tracker.models import ExtensionRequest, Task

CHANGELIST = "admin:tracker_adminaction_changelist"


@pytest.fixture
def committee(client, world, settings):
    client.force_login(world.committee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return world.committee


def entries_for(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
        ).order_by("pk")
    )


def test_an_approval_with_the_button_is_logged_with_who_and_the_dates(client, world, committee):
    e = world.extension_a
    response = client.post(
        reverse("admin:tracker_extensionrequest_change", args=[e.pk]), {"decision_note": "OK", "_approve": "1"}
    )
    assert response.status_code == 302
    entry = entries_for(e)[-1]
    assert (entry.user, entry.action_flag) == (committee, CHANGE)
    assert entry.change_message == (
        f"Approved the extension: the deadline moves from {e.current_deadline:%d/%m/%Y} "
        f"to {e.requested_deadline:%d/%m/%Y}."
    )


def test_decisions_taken_with_the_list_actions_are_logged_one_by_one(client, world, committee):
    changelist = reverse("admin:tracker_extensionrequest_changelist")
    requests = [world.extension_a, world.extension_b]
    response = client.post(changelist, {"action": "reject", "_selected_action": [str(r.pk) for r in requests]})
    assert response.status_code == 302
    for request in requests:
        (entry,) = entries_for(request)
        assert entry.user == committee and entry.change_message.startswith("Rejected the extension to ")
    # Deciding again is refused, and nothing new is logged.
    client.post(changelist, {"action": "approve", "_selected_action": [str(world.extension_a.pk)]})
    assert len(entries_for(world.extension_a)) == 1
    assert ExtensionRequest.objects.get(pk=world.extension_a.pk).state == "rejected"


def test_assigning_a_task_to_missions_is_logged_on_the_task(client, world, committee):
    task = TaskFactory(title="Green hydrogen partners")
    missions = [MissionFactory(code="EMB-LG1"), MissionFactory(code="EMB-LG2")]
    response = client.post(
        reverse("admin:tracker_task_assign", args=[task.pk]),
        {"scope": "chosen", "missions": [m.pk for m in missions], "deadline": "31/12/2030", "role": "lead"},
    )
    assert response.status_code == 302
    (entry,) = entries_for(task)
    assert entry.user == committee
    assert entry.change_message == "Assigned to 2 missions: EMB-LG1, EMB-LG2 (deadline 31/12/2030)."
    # Assigning again to missions that already carry it changes nothing and logs nothing.
    client.post(
        reverse("admin:tracker_task_assign", args=[task.pk]),
        {"scope": "chosen", "missions": [m.pk for m in missions], "deadline": "31/12/2030", "role": "lead"},
    )
    assert len(entries_for(task)) == 1


def test_imported_tasks_are_logged_as_added_by_the_person_who_confirmed(client, world, committee):
    wb = load_workbook(imports.build_template())
    ws = wb.worksheets[0]
    deadline = timezone.localdate() + datetime.timedelta(days=90)
    for column, value in enumerate(
        ["Imported: Halal market study", "", "", None, "", "high", deadline, world.mission_a.code, "lead"], start=1
    ):
        ws.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile(
        "tasks.xlsx", out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    url = reverse("admin:tracker_task_import")
    preview = client.post(url, {"file": upload})
    assert preview.context["preview"].ok, [str(p) for p in preview.context["preview"].problems]
    client.post(url, {"payload": preview.context["preview"].payload(), "confirm": "1"})
    task = Task.objects.get(title="Imported: Halal market study")
    (entry,) = entries_for(task)
    assert (entry.user, entry.action_flag) == (committee, ADDITION)
    assert entry.change_message == "Imported from a spreadsheet, with its assignments."


def test_the_committee_reads_the_log_and_nobody_else_does(client, world, committee):
    client.post(
        reverse("admin:tracker_extensionrequest_change", args=[world.extension_a.pk]),
        {"decision_note": "", "_reject": "1"},
    )
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rejected the extension to" in html and str(world.extension_a) in html
    entry = entries_for(world.extension_a)[-1]
    assert client.get(reverse("admin:tracker_adminaction_change", args=[entry.pk])).status_code == 200
    # Read-only: nothing can be added, changed or removed, even by the committee.
    assert client.get(reverse("admin:tracker_adminaction_add")).status_code == 403
    assert client.post(reverse("admin:tracker_adminaction_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()

    for who in (world.head_a, world.officer_a, world.nomission):
        client.force_login(who)
        response = client.get(reverse(CHANGELIST))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    # A committee member of the "Steering committee" group reads it too (the group holds the tracker permissions).
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Steering committee")
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=["missions", "tracker"]))
    member = UserFactory(username="secretariat-log", is_staff=True)
    member.groups.add(group)
    client.force_login(member)
    assert client.get(reverse(CHANGELIST)).status_code == 200


def test_the_log_costs_the_same_queries_for_few_or_many_rows(client, world, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.audit import admin_action_log

    admin_action_log(user=committee, objects=[world.extension_a], message="one")
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    admin_action_log(user=committee, objects=[TaskFactory() for _ in range(30)], message="many")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    assert len(few) == len(many), "the admin action log must not cost a query per row: why did it change?"
