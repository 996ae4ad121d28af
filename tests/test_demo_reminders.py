"""Issue 4's acceptance on the demo data: `send_reminders --now`, run through a week of mornings, sends every
demo head their digests at their own 08:00, at most one a day, and the committee its escalations."""

import datetime
import io
import zoneinfo
from collections import defaultdict

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from missions.models import Membership

pytestmark = pytest.mark.django_db


def test_a_week_of_sweeps_over_the_demo_data(settings):
    call_command("seed_demo", password="test-demo-pass-1", stdout=io.StringIO())
    mail.outbox.clear()
    heads = {
        m.user.email: m.mission
        for m in Membership.objects.current()
        .filter(role__in=[Membership.Role.HEAD, Membership.Role.DEPUTY])
        .select_related("user", "mission")
    }
    start = timezone.now().replace(minute=5, second=0, microsecond=0)
    received = defaultdict(list)  # address -> [(instant, subject)]
    for hour in range(7 * 24):
        now = start + datetime.timedelta(hours=hour)
        sent_before = len(mail.outbox)
        call_command("send_reminders", now=now.isoformat(), stdout=io.StringIO())
        for message in mail.outbox[sent_before:]:
            for address in message.to:
                received[address].append((now, message.subject))

    for address, mission in heads.items():
        digests = received[address]
        assert digests, f"{address} ({mission.code}) got no digest in a week of demo data: {sorted(received)}"
        zone = zoneinfo.ZoneInfo(mission.timezone)
        local = [timezone.localtime(at, zone) for at, _ in digests]
        first_day = timezone.localtime(start, zone).date()
        # At their own 08:00; on the first day a morning already past is caught up at the first sweep.
        assert all(t.hour == 8 or (t.date() == first_day and t.hour > 8) for t in local), (address, local)
        assert len({t.date() for t in local}) == len(local), (address, local)  # never twice a day
        assert all(mission.is_working_day(t.date()) for t in local), (address, local)  # never on their weekend

    assert received["committee@example.org"], "the committee got no escalation or weekly summary"
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    later = [
        at
        for at, _ in received["committee@example.org"]
        if at.astimezone(hanoi).date() > start.astimezone(hanoi).date()
    ]
    assert all(at.astimezone(hanoi).hour == 8 for at in later)
