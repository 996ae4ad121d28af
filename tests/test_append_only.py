"""Reports and decisions are never changed or deleted: corrections are new entries."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_assignment, member
from tracker import services
from tracker.models import ExtensionRequest, Report

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_database_refuses_to_update_or_delete_a_report():
    a = make_assignment()
    report = services.report_submit(assignment_id=a.pk, author=member(a.mission), status="in_progress", percent=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(percent=90)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).delete()
    assert Report.objects.get(pk=report.pk).percent == 5


@pytest.mark.postgres
def test_a_decided_extension_cannot_be_changed_or_deleted(committee_user):
    a = make_assignment()
    req = services.extension_request_create(
        assignment_id=a.pk, requested_by=member(a.mission), requested_deadline=a.deadline + datetime.timedelta(days=7),
        reason="Partner reshuffle",
    )
    services.extension_decide(extension_id=req.pk, decided_by=committee_user, approve=False, note="Not now")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.filter(pk=req.pk).update(state="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.filter(pk=req.pk).delete()
    ExtensionRequest.objects.filter(pk=req.pk).update(decision_note="Not now: ask again in June")
    assert ExtensionRequest.objects.get(pk=req.pk).state == "rejected"


def test_the_admin_offers_no_way_to_change_or_delete_reports(client, committee_user):
    from django.urls import reverse

    a = make_assignment()
    report = services.report_submit(assignment_id=a.pk, author=member(a.mission), status="in_progress", percent=5)
    client.force_login(committee_user)
    assert client.post(reverse("admin:tracker_report_delete", args=[report.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:tracker_report_change", args=[report.pk]), {"percent": 99})
    assert Report.objects.get(pk=report.pk).percent == 5
