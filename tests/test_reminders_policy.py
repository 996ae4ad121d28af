"""The reminder policy as a table: which assignment yields which kind on which day, and when a morning comes."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from tracker.reminders import policy
from tracker.reminders.models import ItemKind, ReminderPolicy

D = datetime.date
SAT_SUN = {6, 7}
FRI_SAT = {5, 6}
DEFAULTS = ReminderPolicy()  # the defaults the migration installs, unsaved
MON, TUE, WED, THU, FRI, SAT, SUN = (D(2025, 3, d) for d in range(10, 17))


def test_the_reference_week():
    assert [d.isoweekday() for d in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("status", "deadline", "day", "expected"),
    [
        # Wednesday, a plain working day of a Saturday–Sunday mission.
        ("not_started", D(2025, 3, 19), WED, (ItemKind.DUE_SOON, 7)),
        ("in_progress", D(2025, 3, 18), WED, None),  # 6 days before: nothing
        ("in_progress", D(2025, 3, 14), WED, None),  # 2 days before: nothing
        ("in_progress", D(2025, 3, 13), WED, (ItemKind.DUE_SOON, 1)),
        ("blocked", D(2025, 3, 12), WED, (ItemKind.DUE_TODAY, 0)),
        ("blocked", D(2025, 3, 11), WED, (ItemKind.OVERDUE, -1)),  # the first day after
        ("not_started", D(2025, 3, 10), WED, None),  # the second day after: nothing
        ("not_started", D(2025, 3, 5), WED, None),
        ("not_started", D(2025, 3, 4), WED, (ItemKind.OVERDUE, -8)),  # a week after the first reminder
        ("in_progress", D(2025, 2, 25), WED, (ItemKind.OVERDUE, -15)),
        ("in_progress", D(2025, 2, 26), WED, None),
        ("in_progress", D(2024, 12, 31), WED, (ItemKind.OVERDUE, -71)),  # every 7 days, for ever
        # Completed and cancelled assignments never remind, whatever their deadline.
        ("completed", D(2025, 3, 19), WED, None),
        ("completed", D(2025, 3, 11), WED, None),
        ("cancelled", D(2025, 3, 12), WED, None),
        ("cancelled", D(2025, 3, 4), WED, None),
        # Monday collects what looked back over the weekend: overdue on Saturday or Sunday.
        ("not_started", D(2025, 3, 7), MON, (ItemKind.OVERDUE, -3)),  # first day after was Saturday
        ("not_started", D(2025, 3, 1), MON, (ItemKind.OVERDUE, -9)),  # day 8 was Sunday
        ("not_started", D(2025, 3, 6), MON, None),  # its first day after was Friday, already told
        ("not_started", D(2025, 3, 9), MON, (ItemKind.OVERDUE, -1)),
        # Friday warns of what falls due over the weekend, and of the Monday deadline (due soon 1 on Sunday).
        ("in_progress", SAT, FRI, (ItemKind.DUE_SOON, 1)),
        ("in_progress", SUN, FRI, (ItemKind.DUE_SOON, 2)),
        ("in_progress", D(2025, 3, 17), FRI, (ItemKind.DUE_SOON, 3)),
        ("in_progress", D(2025, 3, 21), FRI, (ItemKind.DUE_SOON, 7)),
        ("in_progress", D(2025, 3, 22), FRI, (ItemKind.DUE_SOON, 8)),  # 7 days before was Saturday
        ("in_progress", D(2025, 3, 18), FRI, None),  # its due-soon day is Monday's business
        # Nothing on the weekend itself.
        ("in_progress", SAT, SAT, None),
        ("in_progress", D(2025, 3, 14), SUN, None),
    ],
)
def test_the_policy_table_for_a_saturday_sunday_mission(status, deadline, day, expected):
    assert policy.mission_item(DEFAULTS, status=status, deadline=deadline, day=day, weekend=SAT_SUN) == expected


@pytest.mark.parametrize(
    ("deadline", "day", "expected"),
    [
        # Due on Saturday, the second day of a Friday–Saturday weekend: the mission hears on Thursday,
        # before the deadline (not on Sunday, when it is already late).
        (SAT, THU, (ItemKind.DUE_SOON, 2)),
        (SAT, SUN, (ItemKind.OVERDUE, -1)),  # and on Sunday it is overdue, day 1
        (FRI, THU, (ItemKind.DUE_SOON, 1)),
        (FRI, SUN, (ItemKind.OVERDUE, -2)),  # first day after was Saturday: Sunday's digest
        (SUN, SUN, (ItemKind.DUE_TODAY, 0)),
        (D(2025, 3, 20), THU, (ItemKind.DUE_SOON, 7)),  # Thursday a week later
        (D(2025, 3, 21), THU, (ItemKind.DUE_SOON, 8)),  # due soon 7 days before fell on Friday
        (D(2025, 3, 22), THU, (ItemKind.DUE_SOON, 9)),  # … and on Saturday
        (D(2025, 3, 21), SUN, None),
        (THU, FRI, None),  # Friday is the weekend: nothing is sent
    ],
)
def test_the_policy_table_for_a_friday_saturday_mission(deadline, day, expected):
    assert policy.mission_item(DEFAULTS, status="in_progress", deadline=deadline, day=day, weekend=FRI_SAT) == expected


def test_each_reminder_lands_in_exactly_one_working_morning():
    """Over eight weeks and several weekends, the digests are exactly the working mornings the reminders move to:
    a warning (due soon, due today) to the last working day on or before it, an overdue one to the first on or after.
    """
    first = D(2025, 3, 3)
    days = [first + datetime.timedelta(days=n) for n in range(70)]
    for weekend in (SAT_SUN, FRI_SAT, {5}, {7}, {4, 5}):
        working = [day for day in days if day.isoweekday() not in weekend]
        for deadline in days[21:42]:
            expected = set()
            for day in days:
                kinds = policy.events_on(DEFAULTS, deadline=deadline, day=day)
                if kinds & {ItemKind.DUE_SOON, ItemKind.DUE_TODAY}:
                    expected.add(max(w for w in working if w <= day))
                if ItemKind.OVERDUE in kinds and day <= days[-8]:
                    expected.add(min(w for w in working if w >= day))
            got = {
                day
                for day in days[7:-7]
                if policy.mission_item(DEFAULTS, status="in_progress", deadline=deadline, day=day, weekend=weekend)
            }
            assert got == {day for day in expected if days[7] <= day <= days[-8]}, (weekend, deadline)


@pytest.mark.parametrize(
    ("deadline", "day", "expected"),
    [
        (D(2025, 2, 25), WED, (ItemKind.ESCALATION, -15)),  # overdue more than 14 days
        (D(2025, 2, 26), WED, None),  # exactly 14: not yet
        (D(2025, 2, 18), WED, (ItemKind.ESCALATION, -22)),  # again a week later
        (D(2025, 2, 19), WED, None),
        (D(2025, 2, 21), MON, (ItemKind.ESCALATION, -17)),  # day 15 on Saturday: Monday's digest
        (D(2025, 2, 22), MON, (ItemKind.ESCALATION, -16)),  # day 15 on Sunday
        (D(2025, 2, 23), MON, (ItemKind.ESCALATION, -15)),
        (D(2025, 2, 20), MON, None),  # day 15 was Friday
    ],
)
def test_escalations_to_the_committee(deadline, day, expected):
    assert policy.escalation_item(DEFAULTS, status="blocked", deadline=deadline, day=day, weekend=SAT_SUN) == expected
    assert policy.escalation_item(DEFAULTS, status="completed", deadline=deadline, day=day, weekend=SAT_SUN) is None


def test_an_edited_policy_changes_the_table():
    edited = ReminderPolicy(
        due_soon_days="3", due_today=False, overdue_first_day=2, overdue_every_days=0, escalation_after_days=30
    )

    def item(deadline):
        return policy.mission_item(edited, status="in_progress", deadline=deadline, day=WED, weekend=SAT_SUN)

    assert item(D(2025, 3, 15)) == (ItemKind.DUE_SOON, 3)
    assert item(D(2025, 3, 19)) is None  # 7 days before is no longer a reminder day
    assert item(D(2025, 3, 13)) is None
    assert item(WED) is None  # no "due today"
    assert item(D(2025, 3, 10)) == (ItemKind.OVERDUE, -2)
    assert item(D(2025, 3, 3)) is None  # no repeat
    esc = policy.escalation_item(edited, status="blocked", deadline=D(2025, 2, 25), day=WED, weekend=SAT_SUN)
    assert esc is None


def test_a_policy_with_bad_day_lists_is_refused():
    bad = ReminderPolicy(due_soon_days="7, one")
    with pytest.raises(ValidationError) as caught:
        bad.clean_fields()
    assert "due_soon_days" in caught.value.message_dict
    assert ReminderPolicy(due_soon_days="14, 7,1").due_soon_day_list() == [14, 7, 1]


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        ("2025-03-12T22:59", "Asia/Tokyo", None),  # 07:59 on Thursday in Tokyo
        ("2025-03-12T23:00", "Asia/Tokyo", THU),  # 08:00
        ("2025-03-13T14:59", "Asia/Tokyo", THU),  # 23:59: a late sweep still catches up
        ("2025-03-13T15:00", "Asia/Tokyo", None),  # 00:00 on Friday, before 08:00
        ("2025-03-12T02:29", "Asia/Kolkata", None),  # 07:59 in New Delhi (+05:30)
        ("2025-03-12T02:30", "Asia/Kolkata", WED),
        ("2025-03-12T02:15", "Asia/Kathmandu", WED),  # 08:00 in Kathmandu (+05:45)
        ("2025-03-12T11:59", "America/New_York", None),  # 07:59 EDT
        ("2025-03-12T12:00", "America/New_York", WED),
        ("2025-03-15T12:00", "America/New_York", None),  # Saturday
    ],
)
def test_when_a_local_morning_comes(utc, zone, expected):
    now = datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC)
    got = policy.local_morning(DEFAULTS, now=now, zone=zoneinfo.ZoneInfo(zone), weekend=SAT_SUN)
    assert got == expected


def test_the_committee_morning_and_the_weekly_summary_are_in_ha_noi():
    monday_8 = datetime.datetime(2025, 3, 10, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Ha Noi
    assert policy.committee_morning(DEFAULTS, now=monday_8) == MON
    assert policy.weekly_morning(DEFAULTS, now=monday_8) == MON
    assert policy.weekly_morning(DEFAULTS, now=monday_8 - datetime.timedelta(minutes=1)) is None
    assert policy.weekly_morning(DEFAULTS, now=monday_8 + datetime.timedelta(days=1)) is None
    assert policy.committee_morning(DEFAULTS, now=monday_8 - datetime.timedelta(days=1)) is None  # Sunday
    start, end = policy.weekly_reference(DEFAULTS, MON)
    assert (end - start).days == 7 and end.hour == 8
