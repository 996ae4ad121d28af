"""The rules the database itself holds."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from missions.models import Mission
from tests.factories import MissionFactory, TaskFactory, make_assignment, member
from tracker import services
from tracker.models import Assignment, ExtensionRequest, Report

pytestmark = pytest.mark.django_db


def test_one_assignment_per_task_and_mission():
    a = make_assignment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            task=a.task, mission=a.mission, deadline=a.deadline, original_deadline=a.deadline
        )
    assert Assignment.objects.filter(task=a.task, mission=a.mission).count() == 1


def test_assigning_again_leaves_the_existing_assignment():
    a = make_assignment()
    created = services.task_assign(task=a.task, missions=[a.mission], deadline=datetime.date(2030, 1, 1))
    assert created == []
    a.refresh_from_db()
    assert a.deadline != datetime.date(2030, 1, 1)


@pytest.mark.parametrize("percent", [-1, 101, 1000])
def test_percent_out_of_range_is_rejected_by_the_database(percent):
    a = make_assignment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=a.pk).update(percent=percent)
    a.refresh_from_db()
    assert a.percent == 0


def test_report_percent_out_of_range_is_rejected_by_the_database():
    a = make_assignment()
    head = member(a.mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            assignment=a, author=head, created_at=a.created_at, previous_status="not_started",
            status="in_progress", percent=150,
        )
    assert not Report.objects.exists()


def test_completed_without_date_is_rejected_by_the_database():
    a = make_assignment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=a.pk).update(status="completed", percent=100)


def test_unknown_status_is_rejected_by_the_database():
    a = make_assignment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=a.pk).update(status="done")


def test_history_is_not_deleted_by_cascade():
    a = make_assignment()
    head = member(a.mission)
    services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=10)
    for obj in (a.mission, a.task, a.task.directive, a, head):
        with pytest.raises(ProtectedError), transaction.atomic():
            obj.delete()
    assert Report.objects.count() == 1
    assert Assignment.objects.count() == 1


def test_a_report_cannot_be_deleted_while_it_has_attachments_or_history():
    a = make_assignment()
    head = member(a.mission)
    report = services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=10)
    from django.core.files.base import ContentFile

    from tracker.models import ReportAttachment

    ReportAttachment.objects.create(
        report=report, file=ContentFile(b"x", name="a.txt"), original_name="a.txt", content_type="text/plain", size=1
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        report.delete()


def test_one_pending_extension_per_assignment():
    a = make_assignment()
    head = member(a.mission)
    services.extension_request_create(
        assignment_id=a.pk, requested_by=head, requested_deadline=a.deadline + datetime.timedelta(days=10), reason="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(
            assignment=a, requested_by=head, current_deadline=a.deadline,
            requested_deadline=a.deadline + datetime.timedelta(days=20), reason="again",
        )


def test_mission_country_must_be_iso_alpha2():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(country="us")


def test_deactivated_mission_keeps_its_assignments_and_gets_no_new_ones():
    from django.core.exceptions import ValidationError

    from missions.services import mission_set_active

    a = make_assignment()
    mission_set_active(mission=a.mission, is_active=False)
    assert Mission.objects.filter(pk=a.mission.pk, is_active=False).exists()
    assert Assignment.objects.filter(mission=a.mission).count() == 1
    with pytest.raises(ValidationError):
        services.task_assign(task=TaskFactory(), missions=[a.mission])
