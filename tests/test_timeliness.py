"""Timeliness is derived in one place and agrees between the database and Python."""

import datetime

import pytest

from tests.factories import MissionFactory, TaskFactory, make_assignment, member
from tracker import services, timeliness
from tracker.models import Assignment, Timeliness

UTC = datetime.UTC
D = datetime.date


@pytest.mark.parametrize(
    ("status", "deadline", "completed_on", "today", "expected"),
    [
        ("not_started", D(2026, 3, 20), None, D(2026, 3, 1), Timeliness.ON_TRACK),
        ("in_progress", D(2026, 3, 9), None, D(2026, 3, 1), Timeliness.ON_TRACK),
        ("in_progress", D(2026, 3, 8), None, D(2026, 3, 1), Timeliness.DUE_SOON),  # 7 days ahead
        ("blocked", D(2026, 3, 1), None, D(2026, 3, 1), Timeliness.DUE_SOON),  # due today
        ("in_progress", D(2026, 2, 28), None, D(2026, 3, 1), Timeliness.OVERDUE),  # the day after
        ("blocked", D(2025, 1, 1), None, D(2026, 3, 1), Timeliness.OVERDUE),
        ("completed", D(2026, 3, 1), D(2026, 3, 1), D(2026, 4, 1), Timeliness.COMPLETED_ON_TIME),
        ("completed", D(2026, 3, 1), D(2026, 3, 2), D(2026, 4, 1), Timeliness.COMPLETED_LATE),
        ("cancelled", D(2020, 3, 1), None, D(2026, 4, 1), None),
    ],
)
def test_the_timeliness_table(status, deadline, completed_on, today, expected):
    got = timeliness.classify(status=status, deadline=deadline, completed_on=completed_on, today=today)
    assert got == expected


@pytest.mark.django_db
def test_the_deadline_day_is_counted_in_each_missions_time_zone():
    """At 20:00 UTC on 10 March it is already the 11th in Tokyo but still the 10th in Los Angeles."""
    tokyo = MissionFactory(code="EMB-JP-T", timezone="Asia/Tokyo")
    la = MissionFactory(code="CG-US-LA-T", timezone="America/Los_Angeles", country="US")
    task = TaskFactory()
    deadline = D(2026, 3, 10)
    services.task_assign(task=task, missions=[tokyo, la], deadline=deadline)
    now = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=UTC)

    rows = dict(
        Assignment.objects.with_timeliness(now=now).values_list("mission__code", "timeliness")
    )
    assert rows == {"EMB-JP-T": Timeliness.OVERDUE, "CG-US-LA-T": Timeliness.DUE_SOON}
    for a in Assignment.objects.select_related("mission"):
        assert a.get_timeliness(now) == rows[a.mission.code]
    # The zones with their missions' ids (the default: no join to the missions) or as names alone: the same.
    zones = timeliness.mission_timezones()
    assert zones == {"America/Los_Angeles": [la.pk], "Asia/Tokyo": [tokyo.pk]}
    for given in (zones, sorted(zones)):
        annotated = timeliness.annotate(Assignment.objects.all(), now=now, zones=given)
        assert dict(annotated.values_list("mission__code", "timeliness")) == rows

    # One minute before midnight in Tokyo, Tokyo's deadline day has not passed yet.
    before = datetime.datetime(2026, 3, 10, 14, 59, tzinfo=UTC)
    assert Assignment.objects.filter(timeliness.filter_q("overdue", now=before)).count() == 0
    at_midnight = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    overdue = Assignment.objects.filter(timeliness.filter_q("overdue", now=at_midnight))
    assert list(overdue.values_list("mission__code", flat=True)) == ["EMB-JP-T"]
    # Los Angeles (UTC-7 in March, after the daylight-saving change) passes midnight at 07:00 UTC on the 11th.
    assert Assignment.objects.filter(
        timeliness.filter_q("overdue", now=datetime.datetime(2026, 3, 11, 6, 59, tzinfo=UTC))
    ).count() == 1
    assert Assignment.objects.filter(
        timeliness.filter_q("overdue", now=datetime.datetime(2026, 3, 11, 7, 0, tzinfo=UTC))
    ).count() == 2


@pytest.mark.django_db
def test_database_and_python_agree_on_every_category(missions):
    """Assignments in every category across many time zones: the annotation, the filters and Python agree."""
    now = datetime.datetime(2026, 6, 15, 23, 30, tzinfo=UTC)
    head_of = {}
    sample = list(missions.order_by("code")[::6])
    for i, mission in enumerate(sample):
        task = TaskFactory()
        deadline = D(2026, 6, 1) + datetime.timedelta(days=(i * 3) % 40)
        services.task_assign(task=task, missions=[mission], deadline=deadline)
        a = task.assignments.get()
        head_of[mission.pk] = head_of.get(mission.pk) or member(mission)
        if i % 4 == 1:
            when = datetime.datetime.combine(deadline + datetime.timedelta(days=i % 3 - 1), datetime.time(6), UTC)
            services.report_submit(assignment_id=a.pk, author=head_of[mission.pk], status="completed", percent=100,
                                   now=when)
        elif i % 4 == 2:
            services.report_submit(assignment_id=a.pk, author=head_of[mission.pk], status="blocked", percent=20,
                                   obstacles="Partner has not answered")
    annotated = {a.pk: a.timeliness for a in Assignment.objects.with_timeliness(now=now)}
    python = {a.pk: a.get_timeliness(now) for a in Assignment.objects.select_related("mission")}
    assert annotated == python
    assert set(annotated.values()) >= {
        Timeliness.ON_TRACK, Timeliness.DUE_SOON, Timeliness.OVERDUE, Timeliness.COMPLETED_ON_TIME,
    }
    for category in Timeliness.values:
        filtered = set(Assignment.objects.filter(timeliness.filter_q(category, now=now)).values_list("pk", flat=True))
        assert filtered == {pk for pk, value in annotated.items() if value == category}, category


@pytest.mark.django_db
def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(committee_user):
    a = make_assignment(deadline=D(2026, 3, 1))
    head = member(a.mission)
    now = datetime.datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    assert a.get_timeliness(now) == Timeliness.OVERDUE
    req = services.extension_request_create(
        assignment_id=a.pk, requested_by=head, requested_deadline=D(2026, 4, 30), reason="Partner elections"
    )
    services.extension_decide(extension_id=req.pk, decided_by=committee_user, approve=True)
    a.refresh_from_db()
    assert (a.original_deadline, a.deadline) == (D(2026, 3, 1), D(2026, 4, 30))
    assert a.get_timeliness(now) == Timeliness.ON_TRACK
