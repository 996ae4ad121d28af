"""One reminder e-mail per address and day, whatever the address is: a person serving in two missions in
different time zones, a committee member who also serves in a mission, the mission's own address. And the
mail itself: in Vietnamese for a Vietnamese reader, written where a person reads it by default."""

import datetime
import email
import email.policy
import io
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from missions.models import Membership
from tests.factories import UserFactory, member
from tests.reminders_support import assign, at, bodies, mission_with_people
from tracker.reminders import services
from tracker.reminders.models import DigestKind, ReminderDelivery, ReminderPolicy

pytestmark = pytest.mark.django_db

WED = datetime.date(2025, 3, 12)
MON = datetime.date(2025, 3, 17)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def two_missions(db):
    """Tokyo and Washington, each with work due; one person heads Tokyo and is an officer in Washington."""
    tokyo, tokyo_people = mission_with_people("EMB-JP", "Asia/Tokyo")
    washington, us_people = mission_with_people("EMB-US", "America/New_York")
    both = member(tokyo, Membership.Role.HEAD, username="two-posts", email="two.posts@example.org", language="en")
    Membership.objects.create(user=both, mission=washington, role=Membership.Role.OFFICER, starts_on=WED - days(90))
    work = {
        "jp_today": assign(tokyo, WED, "Prepare the semiconductor forum"),
        "jp_late": assign(tokyo, WED - days(1), "Follow up the state-visit agreements"),
        "us_soon": assign(washington, WED + days(7), "Lobby for market-economy recognition"),
        "us_late": assign(washington, WED - days(1), "Brief the trade representative"),
    }
    return tokyo, washington, both, work


def test_a_person_in_two_missions_gets_one_email_with_both_missions_items(two_missions):
    tokyo, washington, both, work = two_missions

    # 08:00 Wednesday in Tokyo is 19:00 Tuesday in Washington: the person's day follows their first post.
    services.reminders_run(now=at("2025-03-12T08:00+09:00"))

    [message] = to(both.email)
    text, html = message.body, message.alternatives[0][0]
    for key in ("jp_today", "jp_late", "us_soon", "us_late"):
        url = f"http://testserver/portal/assignments/{work[key].pk}/"
        assert work[key].task.title in text and url in text and f'href="{url}"' in html, key
    assert "EMB-JP · Prepare the semiconductor forum" in text
    assert "EMB-US · Lobby for market-economy recognition" in text
    assert message.subject == "[EMB-JP, EMB-US] Reminders: assignments of your missions"
    assert "Assignments of your missions that need attention on 12/03/2025" in text
    assert message.extra_headers["References"] == f"<reminders.user.{both.pk}@localhost>"
    log = ReminderDelivery.objects.get(recipient=both.email)
    assert (log.kind, log.mission, log.local_date) == (DigestKind.MISSION, None, WED)

    # Washington's own morning: its people and address get Washington's digest; the person gets nothing more.
    # (The first run also caught up Washington's Tuesday, whose day had not ended.)
    before = len(mail.outbox)
    services.reminders_run(now=at("2025-03-12T08:00-04:00"))
    assert len(to(both.email)) == 1
    us_digest = [m for m in mail.outbox[before:] if m.to == ["emb-us@missions.example"]]
    assert len(us_digest) == 1 and us_digest[0].subject.startswith("[EMB-US] Nhắc việc")  # the address reads Vietnamese
    assert work["us_late"].task.title in us_digest[0].body and work["jp_late"].task.title not in us_digest[0].body

    # The next Tokyo morning brings the next day's single digest.
    services.reminders_run(now=at("2025-03-13T08:00+09:00"))
    assert len(to(both.email)) == 2
    assert ReminderDelivery.objects.filter(recipient=both.email).count() == 2


def test_with_mission_the_operator_sends_the_whole_digest_of_whoever_follows_it(two_missions):
    tokyo, washington, both, work = two_missions
    services.reminders_run(now=at("2025-03-12T08:00+09:00"), mission_code="EMB-US")
    # Washington's Wednesday morning has not come, but the person's (Tokyo) has: their one digest goes, with
    # both missions' items. Tokyo's other people are not that operator's business.
    [message] = to(both.email)
    assert not to("emb-jp@missions.example")
    assert work["jp_late"].task.title in message.body and work["us_late"].task.title in message.body
    services.reminders_run(now=at("2025-03-12T08:00+09:00"))
    assert len(to(both.email)) == 1


@pytest.fixture
def committee_head(db):
    """A committee member who is also head of the mission in New Delhi (UTC+05:30, 1 h 30 behind Ha Noi)."""
    delhi, people = mission_with_people("EMB-IN", "Asia/Kolkata")
    group = Group.objects.create(name="Steering committee")
    chair = member(delhi, Membership.Role.HEAD, username="chair", email="chair@example.org", language="en")
    chair.is_staff = True
    chair.save()
    chair.groups.add(group)
    other = UserFactory(username="secretary", is_staff=True, email="secretary@example.org", language="en")
    other.groups.add(group)
    work = {
        "escalated": assign(delhi, WED - days(15), "Promote the international financial centre"),
        "due_today": assign(delhi, WED, "Report on the Halal market"),
    }
    return delhi, people, chair, work


def test_a_committee_member_serving_in_a_mission_gets_one_email_a_day(committee_head):
    delhi, people, chair, work = committee_head
    received = defaultdict(list)
    # Every half hour from Wednesday 02:00 to Thursday 23:30, Ha Noi time (Wednesday 00:30 in New Delhi).
    start = at("2025-03-12T02:00+07:00")
    for step in range(92):
        now = start + datetime.timedelta(minutes=30 * step)
        before = len(mail.outbox)
        services.reminders_run(now=now)
        for message in mail.outbox[before:]:
            received[message.to[0]].append((now, message))

    chair_mail = received[chair.email]
    assert [now for now, _m in chair_mail] == [at("2025-03-12T08:00+07:00"), at("2025-03-13T08:00+07:00")]
    wednesday = chair_mail[0][1]
    text, html = wednesday.body, wednesday.alternatives[0][0]
    # The committee's escalation, linked to the admin ...
    assert wednesday.subject.startswith("Escalations:")
    admin_url = f"http://testserver/admin/tracker/assignment/{work['escalated'].pk}/change/"
    assert admin_url in text and f'href="{admin_url}"' in html
    # ... and, in the same e-mail, their own mission's item, linked to the portal.
    assert "YOUR OWN MISSIONS' ASSIGNMENTS" in text and "Your own missions' assignments" in html
    portal_url = f"http://testserver/portal/assignments/{work['due_today'].pk}/"
    assert portal_url in text and f'href="{portal_url}"' in html
    assert text.index("YOUR OWN MISSIONS' ASSIGNMENTS") < text.index(portal_url)
    # The other committee member gets the escalation alone; the mission's people get New Delhi's digest at
    # 08:00 in New Delhi (09:30 in Ha Noi), once a day.
    [(_now, secretary)] = [r for r in received["secretary@example.org"] if r[0].date() == WED]
    assert "YOUR OWN MISSIONS' ASSIGNMENTS" not in secretary.body
    for person in people.values():
        assert [now for now, _m in received[person.email]][:1] == [at("2025-03-12T08:00+05:30")]
    for address, got in received.items():  # nobody ever gets two reminder e-mails within a day
        gaps = [later - earlier for (earlier, _m), (later, _n) in zip(got, got[1:], strict=False)]
        assert all(gap >= datetime.timedelta(hours=23) for gap in gaps), (address, gaps)


def test_the_weekly_summary_carries_a_committee_members_own_items_on_monday(committee_head):
    delhi, people, chair, work = committee_head
    assign(delhi, MON, "Open the trade office")
    services.reminders_run(now=at("2025-03-17T08:05+07:00"))
    [message] = to(chair.email)
    assert message.subject == "Weekly summary of the missions' assignments"
    assert "Open the trade office" in message.body
    assert "YOUR OWN MISSIONS' ASSIGNMENTS" in message.body
    log = ReminderDelivery.objects.get(recipient=chair.email)
    assert log.kind == DigestKind.WEEKLY
    assert set(log.items.values_list("assignment__task__title", "for_committee")) >= {
        ("Open the trade office", False),
        ("Promote the international financial centre", True),
    }
    services.reminders_run(now=at("2025-03-17T08:05+05:30"))  # New Delhi's Monday morning
    assert len(to(chair.email)) == 1


def test_a_vietnamese_reader_gets_the_digest_in_vietnamese(two_missions):
    tokyo, washington, both, work = two_missions
    services.reminders_run(now=at("2025-03-12T08:00+09:00"), mission_code="EMB-JP")
    deputy_address = tokyo.memberships.get(role=Membership.Role.DEPUTY).user.email
    [deputy] = to(deputy_address)
    text, html = deputy.body, deputy.alternatives[0][0]
    assert deputy.subject.startswith("[EMB-JP] Nhắc việc"), deputy.subject
    assert "Kính gửi" in text and "QUÁ HẠN" in text and "Quá hạn" in html
    assert "Dear" not in text and "Overdue" not in html and "Deadline" not in text


def test_mail_is_written_as_readable_files_by_default(two_missions, settings, tmp_path):
    tokyo, washington, both, work = two_missions
    # The application's settings with nothing set: mail goes to files under var/mail/.
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "DJANGO_SETTINGS_MODULE")}
    probe = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.local'; django.setup(); "
        "from django.conf import settings as s; print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["django.core.mail.backends.filebased.EmailBackend", str(root / "var" / "mail")]

    # That backend, on the reminders: one file a run, each message readable with both bodies and its links.
    settings.EMAIL_BACKEND = out[0]
    settings.EMAIL_FILE_PATH = str(tmp_path)
    call_command("send_reminders", now="2025-03-12T08:00+09:00", mission="EMB-JP", stdout=io.StringIO())
    raw = b"".join(path.read_bytes() for path in sorted(tmp_path.iterdir()))
    separator = b"-" * 79
    messages = [
        email.message_from_bytes(chunk.strip(b"\n"), policy=email.policy.default)
        for chunk in raw.split(separator)
        if chunk.strip()
    ]
    by_to = {message["To"]: message for message in messages}
    assert "two.posts@example.org" in by_to and "emb-jp@missions.example" in by_to
    text, html = bodies(by_to["two.posts@example.org"])
    assert work["us_late"].task.title in text and f"/portal/assignments/{work['us_late'].pk}/" in html


def test_the_policy_can_turn_off_the_mission_address_without_losing_a_persons_second_mission(two_missions):
    tokyo, washington, both, work = two_missions
    ReminderPolicy.objects.filter(pk=1).update(notify_mission_address=False)
    services.reminders_run(now=at("2025-03-12T08:00+09:00"))
    assert not to("emb-jp@missions.example") and len(to(both.email)) == 1


def test_the_reminders_log_shows_a_digest_of_several_missions_with_each_item(two_missions, client, django_user_model):
    tokyo, washington, both, work = two_missions
    services.reminders_run(now=at("2025-03-12T08:00+09:00"))
    admin_user = django_user_model.objects.create_superuser("log-reader", "log-reader@example.org", "x-pass-1")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:tracker_reminderdelivery_changelist"), {"q": both.email}).content.decode()
    delivery = ReminderDelivery.objects.get(recipient=both.email)
    page = client.get(reverse("admin:tracker_reminderdelivery_change", args=[delivery.pk])).content.decode()
    assert "nhiều cơ quan đại diện" in listing  # "several missions", in Vietnamese: the row of that digest
    for key in ("jp_today", "us_late"):
        assert str(work[key]) in page, key
