"""Time travel: the sweep runs every quarter of an hour, and each mission gets its digest in its own 08:00.

Washington, Tokyo, Paris and New Delhi (+05:30) at the same UTC instants, over several days and across the
daylight-saving changes of the United States (9 March 2025) and of Europe (30 March 2025).
"""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from missions.models import Membership
from tests.factories import MissionFactory, TaskFactory, make_assignment, member
from tracker.reminders import services
from tracker.reminders.models import ReminderDelivery

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
CITIES = {
    "EMB-US": "America/New_York",  # Washington
    "EMB-JP": "Asia/Tokyo",
    "EMB-FR": "Europe/Paris",
    "EMB-IN": "Asia/Kolkata",  # New Delhi, +05:30
}
QUARTER = datetime.timedelta(minutes=15)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def make_world(first: datetime.date, last: datetime.date) -> dict:
    """The four missions, a head each, and an assignment due on every day from `first` to `last`."""
    missions = {}
    for code, zone in CITIES.items():
        mission = MissionFactory(code=code, timezone=zone, email=f"{code.lower()}@missions.example")
        member(mission, Membership.Role.HEAD, username=f"head-{code.lower()}")
        missions[code] = mission
    day = first
    while day <= last:
        task = TaskFactory(title=f"Due {day:%d/%m}")
        for mission in missions.values():
            make_assignment(mission=mission, task=task, deadline=day)
        day += datetime.timedelta(days=1)
    return missions


def sweep_every_quarter(start: datetime.datetime, end: datetime.datetime) -> dict[int, datetime.datetime]:
    """Runs the sweep at `start` (warm-up: catches up whatever morning already passed), then every 15 minutes
    until `end`; returns {delivery id: the instant of the sweep that claimed it} for the runs after the warm-up."""
    services.reminders_run(now=start)
    claimed_at = {}
    moment = start + QUARTER
    while moment <= end:
        result, _outcome = services.reminders_run(now=moment)
        for pk in result.claimed:
            claimed_at[pk] = moment
        moment += QUARTER
    return claimed_at


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            utc(2025, 3, 7, 0, 0),
            utc(2025, 3, 11, 12, 0),
            {
                # Washington is UTC-5 on Friday, UTC-4 from Sunday 9 March: 08:00 is 13:00 UTC, then 12:00 UTC.
                ("EMB-US", datetime.date(2025, 3, 7)): utc(2025, 3, 7, 13, 0),
                ("EMB-US", datetime.date(2025, 3, 10)): utc(2025, 3, 10, 12, 0),
                ("EMB-JP", datetime.date(2025, 3, 10)): utc(2025, 3, 9, 23, 0),
                ("EMB-JP", datetime.date(2025, 3, 11)): utc(2025, 3, 10, 23, 0),
                ("EMB-FR", datetime.date(2025, 3, 7)): utc(2025, 3, 7, 7, 0),
                ("EMB-FR", datetime.date(2025, 3, 10)): utc(2025, 3, 10, 7, 0),
                ("EMB-IN", datetime.date(2025, 3, 7)): utc(2025, 3, 7, 2, 30),
                ("EMB-IN", datetime.date(2025, 3, 10)): utc(2025, 3, 10, 2, 30),
                ("EMB-IN", datetime.date(2025, 3, 11)): utc(2025, 3, 11, 2, 30),
            },
            id="United States daylight saving",
        ),
        pytest.param(
            utc(2025, 3, 28, 0, 0),
            utc(2025, 3, 31, 23, 0),
            {
                # Paris is UTC+1 on Friday 28 March, UTC+2 from Sunday 30 March.
                ("EMB-FR", datetime.date(2025, 3, 28)): utc(2025, 3, 28, 7, 0),
                ("EMB-FR", datetime.date(2025, 3, 31)): utc(2025, 3, 31, 6, 0),
                ("EMB-US", datetime.date(2025, 3, 28)): utc(2025, 3, 28, 12, 0),
                ("EMB-US", datetime.date(2025, 3, 31)): utc(2025, 3, 31, 12, 0),
                ("EMB-IN", datetime.date(2025, 3, 31)): utc(2025, 3, 31, 2, 30),
                ("EMB-JP", datetime.date(2025, 3, 31)): utc(2025, 3, 30, 23, 0),
            },
            id="European daylight saving",
        ),
    ],
)
def test_each_mission_gets_its_digest_in_its_own_eight_oclock_hour(start, end, expected):
    missions = make_world(start.date() - datetime.timedelta(days=3), end.date() + datetime.timedelta(days=10))
    claimed_at = sweep_every_quarter(start, end)
    deliveries = ReminderDelivery.objects.filter(pk__in=claimed_at).select_related("mission")

    # Every digest after the warm-up was claimed in its mission's 08:00, local time, on a working day.
    sent = {}
    for delivery in deliveries:
        moment = claimed_at[delivery.pk]
        local = timezone.localtime(moment, zoneinfo.ZoneInfo(delivery.mission.timezone))
        assert (local.hour, local.minute) == (8, 0), (delivery.mission.code, moment, local)
        assert local.date() == delivery.local_date and local.isoweekday() <= 5
        sent.setdefault((delivery.mission.code, delivery.local_date), set()).add(moment)
    for key, moment in expected.items():
        assert sent.get(key) == {moment}, key

    # At any one UTC instant, only the missions whose clocks show 08:00 get their digest.
    by_instant = {}
    for (code, _day), moments in sent.items():
        for moment in moments:
            by_instant.setdefault(moment, set()).add(code)
    moment = start + QUARTER
    while moment <= end:
        due_now = {
            code
            for code, mission in missions.items()
            if timezone.localtime(moment, mission.zone).time() == datetime.time(8, 0)
            and mission.is_working_day(timezone.localtime(moment, mission.zone).date())
        }
        assert by_instant.get(moment, set()) == due_now, moment
        moment += QUARTER

    # Each mission's head and its address got one digest per working day, none on the weekend.
    for (code, day), moments in sent.items():
        assert len(moments) == 1
        assert ReminderDelivery.objects.filter(mission__code=code, local_date=day).count() == 2


def test_the_same_utc_instant_is_a_different_morning_in_each_city():
    """At 02:30 UTC on Tuesday 11 March only New Delhi is at 08:00: Tokyo had its digest at 23:00 UTC the evening
    before (when Washington, at 19:00 on Monday, caught up its Monday), Paris and Washington are asleep."""
    missions = make_world(datetime.date(2025, 3, 1), datetime.date(2025, 3, 20))
    first, _ = services.reminders_run(now=utc(2025, 3, 10, 23, 0))  # 08:00 on Tuesday in Tokyo
    days = set(ReminderDelivery.objects.filter(pk__in=first.claimed).values_list("mission__code", "local_date"))
    assert days == {("EMB-JP", datetime.date(2025, 3, 11)), ("EMB-US", datetime.date(2025, 3, 10))}
    result, _ = services.reminders_run(now=utc(2025, 3, 11, 2, 30))
    codes = set(ReminderDelivery.objects.filter(pk__in=result.claimed).values_list("mission__code", flat=True))
    assert codes == {"EMB-IN"}
    assert missions["EMB-IN"].local_today(utc(2025, 3, 11, 2, 30)) == datetime.date(2025, 3, 11)
