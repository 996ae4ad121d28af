"""The one report service: transition rules, stale forms, permissions, and concurrent reports."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from missions.models import Membership
from tests.factories import MissionFactory, make_assignment, member
from tracker import services
from tracker.models import Assignment, Report, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def submit(a, user, **kw):
    kw.setdefault("percent", 10)
    return services.report_submit(assignment_id=a.pk, author=user, **kw)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def test_in_progress_report_moves_status_and_keeps_the_report():
    a = make_assignment()
    head = member(a.mission)
    report = submit(a, head, status="in_progress", percent=40, results="Met the ministry")
    a.refresh_from_db()
    assert (a.status, a.percent, a.version, a.last_reported_at) == ("in_progress", 40, 1, report.created_at)
    assert (report.previous_status, report.status) == ("not_started", "in_progress")


def test_blocked_needs_obstacles_and_nothing_is_saved_without():
    a = make_assignment()
    head = member(a.mission)
    with pytest.raises(ValidationError) as exc:
        submit(a, head, status="blocked", obstacles="  ")
    assert "obstacles" in errors_of(exc)
    a.refresh_from_db()
    assert (a.status, a.version, Report.objects.count()) == ("not_started", 0, 0)


def test_completed_sets_100_percent_and_the_completion_day_in_the_missions_time_zone():
    mission = MissionFactory(timezone="America/New_York", country="US")
    a = make_assignment(mission=mission)
    head = member(mission)
    # 02:00 UTC on 2 May is still 1 May in New York.
    submit(a, head, status="completed", percent=80, now=datetime.datetime(2026, 5, 2, 2, 0, tzinfo=datetime.UTC))
    a.refresh_from_db()
    assert (a.status, a.percent, a.completed_on) == ("completed", 100, datetime.date(2026, 5, 1))


def test_100_percent_in_progress_asks_for_completed():
    a = make_assignment()
    with pytest.raises(ValidationError) as exc:
        submit(a, member(a.mission), status="in_progress", percent=100)
    assert "completed" in errors_of(exc)["percent"][0]


def test_percent_out_of_range_is_a_field_message():
    a = make_assignment()
    with pytest.raises(ValidationError) as exc:
        submit(a, member(a.mission), status="in_progress", percent=120)
    assert "between 0 and 100" in errors_of(exc)["percent"][0]


def test_a_mission_cannot_cancel_or_reopen_but_the_committee_can(committee_user):
    a = make_assignment()
    head = member(a.mission)
    with pytest.raises(ValidationError) as exc:
        submit(a, head, status="cancelled")
    assert "committee" in errors_of(exc)["status"][0]
    submit(a, head, status="completed", percent=100)
    with pytest.raises(ValidationError) as exc:
        submit(a, head, status="in_progress", percent=50)
    assert "closed" in errors_of(exc)["status"][0]
    submit(a, committee_user, status="in_progress", percent=90, results="Reopened by the committee")
    a.refresh_from_db()
    assert (a.status, a.completed_on) == ("in_progress", None)


def test_status_cannot_go_back_to_not_started():
    a = make_assignment()
    head = member(a.mission)
    submit(a, head, status="in_progress")
    with pytest.raises(ValidationError) as exc:
        submit(a, head, status="not_started", percent=0)
    assert "not started" in errors_of(exc)["status"][0]


def test_stale_form_is_refused_and_nothing_is_lost():
    a = make_assignment()
    head = member(a.mission)
    officer = member(a.mission, role=Membership.Role.OFFICER)
    seen_version = a.version
    submit(a, officer, status="in_progress", percent=30, expected_version=seen_version, results="first")
    with pytest.raises(services.StaleReport) as exc:
        submit(a, head, status="in_progress", percent=50, expected_version=seen_version, results="second")
    assert exc.value.latest.results == "first"
    a.refresh_from_db()
    assert (a.percent, a.version, Report.objects.count()) == (30, 1, 1)


def test_another_missions_member_cannot_report():
    a = make_assignment()
    outsider = member(MissionFactory())
    with pytest.raises(PermissionDenied):
        submit(a, outsider, status="in_progress")
    assert Report.objects.count() == 0


def test_a_former_head_cannot_report_after_the_post_ends():
    from missions.services import membership_end

    a = make_assignment()
    head = member(a.mission)
    membership_end(membership=head.memberships.get(), ends_on=datetime.date(2021, 1, 1))
    head = type(head).objects.get(pk=head.pk)
    with pytest.raises(PermissionDenied):
        submit(a, head, status="in_progress")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_are_all_kept_and_none_is_lost():
    """Eight people report on the same assignment at the same moment: eight reports, eight versions."""
    a = make_assignment()
    users = [member(a.mission, role=Membership.Role.OFFICER) for _ in range(8)]
    barrier = threading.Barrier(len(users))
    failures = []

    def report(i, user):
        try:
            barrier.wait()
            submit(a, user, status="in_progress", percent=10 + i, results=f"report {i}")
        except Exception as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(i, u)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    a.refresh_from_db()
    reports = list(Report.objects.filter(assignment=a).order_by("created_at", "id"))
    assert len(reports) == 8 and a.version == 8
    assert a.percent == reports[-1].percent
    assert [r.previous_status for r in reports] == ["not_started"] + ["in_progress"] * 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_committee_members_deciding_at_once_one_wins(committee_user):
    from tests.factories import UserFactory

    a = make_assignment()
    head = member(a.mission)
    req = services.extension_request_create(
        assignment_id=a.pk, requested_by=head, requested_deadline=a.deadline + datetime.timedelta(days=30),
        reason="Elections in the partner country",
    )
    other = UserFactory(is_staff=True)
    barrier = threading.Barrier(2)
    results = []

    def decide(user, approve):
        try:
            barrier.wait()
            services.extension_decide(extension_id=req.pk, decided_by=user, approve=approve)
            results.append("won")
        except services.AlreadyDecided:
            results.append("told")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(committee_user, True)),
               threading.Thread(target=decide, args=(other, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["told", "won"]
    req.refresh_from_db()
    a.refresh_from_db()
    assert (a.deadline == req.requested_deadline) == (req.state == "approved")


def test_extension_requests_are_for_heads_and_deputies_only():
    a = make_assignment()
    officer = member(a.mission, role=Membership.Role.OFFICER)
    with pytest.raises(PermissionDenied):
        services.extension_request_create(
            assignment_id=a.pk, requested_by=officer, requested_deadline=a.deadline + datetime.timedelta(days=5),
            reason="x",
        )
    deputy = member(a.mission, role=Membership.Role.DEPUTY)
    with pytest.raises(ValidationError) as exc:
        services.extension_request_create(
            assignment_id=a.pk, requested_by=deputy, requested_deadline=a.deadline, reason="x"
        )
    assert "later than the current" in errors_of(exc)["requested_deadline"][0]
    assert Assignment.objects.get(pk=a.pk).extension_requests.count() == 0


def test_status_values_are_the_five_of_the_brief():
    assert Status.values == ["not_started", "in_progress", "completed", "blocked", "cancelled"]
