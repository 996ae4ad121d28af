"""The digests: who gets one, what is in it, in which language, with which links and headers; once a day."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from missions.models import Membership
from tests.factories import UserFactory, member
from tests.reminders_support import assign, at, mission_with_people
from tracker import services as tracker_services
from tracker.reminders import services
from tracker.reminders.models import DigestKind, ItemKind, ReminderDelivery, ReminderPreference

pytestmark = pytest.mark.django_db

WED = datetime.date(2025, 3, 12)
TOKYO_8 = "2025-03-12T08:00+09:00"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


@pytest.fixture
def tokyo(db):
    mission, people = mission_with_people("EMB-JP", "Asia/Tokyo")
    work = {
        "soon7": assign(mission, WED + days(7), "Lobby for market-economy recognition"),
        "soon1": assign(mission, WED + days(1), "Prepare the semiconductor forum"),
        "today": assign(mission, WED, "Report on the Halal market"),
        "late1": assign(mission, WED - days(1), "Follow up the state-visit agreements"),
        "late15": assign(mission, WED - days(15), "Promote the international financial centre"),
        "quiet": assign(mission, WED + days(3), "Nothing to say today"),
        "done": assign(mission, WED, "Completed already"),
        "cancelled": assign(mission, WED - days(1), "Cancelled by the committee"),
    }
    head = people["head"]
    tracker_services.report_submit(
        assignment_id=work["done"].pk, author=head, status="completed", percent=100, results="Done."
    )
    committee = UserFactory(username="secretariat", is_staff=True, email="")  # no address: gets no mail
    tracker_services.report_submit(
        assignment_id=work["cancelled"].pk, author=committee, status="cancelled", percent=0, results="Dropped."
    )
    return mission, people, work


def test_each_member_and_the_mission_address_get_one_digest_of_their_items(tokyo):
    mission, people, work = tokyo
    other, other_people = mission_with_people("EMB-KR", "Asia/Seoul")
    assign(other, WED, "Another mission's task")
    gone = member(mission, Membership.Role.OFFICER, username="rotated-out", email="gone@example.org")
    Membership.objects.filter(user=gone).update(ends_on=WED - days(30))

    result, outcome = services.reminders_run(now=at(TOKYO_8), mission_code="EMB-JP")

    got = by_recipient()
    assert sorted(got) == sorted(
        [people["head"].email, people["deputy"].email, people["officer"].email, "emb-jp@missions.example"]
    )
    assert len(outcome.sent) == 4 and not outcome.retrying and not outcome.failed
    message = got[people["head"].email]
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    expected = ["soon7", "soon1", "today", "late1", "late15"]
    for key in expected:
        url = f"http://testserver/portal/assignments/{work[key].pk}/"
        assert work[key].task.title in message.body and url in message.body
        assert f'href="{url}"' in html
    for key in ("quiet", "done", "cancelled"):
        assert work[key].task.title not in message.body and work[key].task.title not in html
    assert "Another mission's task" not in message.body
    # Grouped by kind, most urgent first; dates as dd/mm/yyyy.
    body = message.body
    assert body.index("OVERDUE") < body.index("DUE TODAY") < body.index("DUE SOON")
    assert "Deadline: 25/02/2025 (15 days late)" in body
    assert "Deadline: 19/03/2025 (due in 7 days)" in body
    assert "[EMB-JP]" in message.subject
    assert message.extra_headers["List-Unsubscribe"] == "<http://testserver/portal/preferences/>"
    assert "http://testserver/portal/preferences/" in body and "http://testserver/portal/preferences/" in html

    log = ReminderDelivery.objects.get(recipient=people["head"].email)
    assert (log.kind, log.local_date, log.mission, log.state, log.attempts) == (
        DigestKind.MISSION,
        WED,
        mission,
        ReminderDelivery.State.SENT,
        1,
    )
    assert log.sent_at is not None and log.message_id == message.extra_headers["Message-ID"]
    assert dict(log.items.values_list("assignment_id", "kind")) == {
        work["soon7"].pk: ItemKind.DUE_SOON,
        work["soon1"].pk: ItemKind.DUE_SOON,
        work["today"].pk: ItemKind.DUE_TODAY,
        work["late1"].pk: ItemKind.OVERDUE,
        work["late15"].pk: ItemKind.OVERDUE,
    }
    # The mission's own address: Vietnamese (the default), no personal unsubscribe link.
    own = ReminderDelivery.objects.get(recipient="emb-jp@missions.example")
    assert own.language == "vi" and own.user is None
    assert "List-Unsubscribe" not in got["emb-jp@missions.example"].extra_headers
    assert ReminderDelivery.objects.get(recipient=people["deputy"].email).language == "vi"
    # Its items in Vietnamese, each standing in its colour: late red, due today amber, ahead green.
    vi = got["emb-jp@missions.example"]
    assert "Thời hạn: 25/02/2025 (quá hạn 15 ngày)" in vi.body
    assert "Thời hạn: 12/03/2025 (đến hạn hôm nay)" in vi.body
    assert "Thời hạn: 19/03/2025 (còn 7 ngày)" in vi.body
    vi_html = vi.alternatives[0][0]
    assert "Thời hạn: 25/02/2025 · <span style=\"color:#b3261e;\">quá hạn 15 ngày</span>" in vi_html
    assert "<span style=\"color:#8a5a00;\">đến hạn hôm nay</span>" in vi_html
    assert "<span style=\"color:#1b6e3a;\">còn 7 ngày</span>" in vi_html


def test_messages_of_a_mission_thread_together_and_each_has_its_own_id(tokyo):
    mission, people, work = tokyo
    services.reminders_run(now=at(TOKYO_8))
    services.reminders_run(now=at("2025-03-13T08:00+09:00"))  # Thursday: soon1 is due today
    head_messages = [m for m in mail.outbox if m.to == [people["head"].email]]
    assert len(head_messages) == 2
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert len(ids) == len(mail.outbox)
    threads = {m.extra_headers["References"] for m in mail.outbox if m.to[0].endswith("example.org")}
    assert threads == {"<reminders.emb-jp@localhost>"}
    assert {m.extra_headers["In-Reply-To"] for m in head_messages} == threads
    assert len({m.subject for m in head_messages}) == 1  # one subject per thread


def test_people_choose_the_kinds_they_receive(tokyo):
    mission, people, work = tokyo
    services.reminder_preference_update(user=people["officer"], due_soon=False, due_today=False)
    services.reminder_preference_update(user=people["deputy"], due_soon=False, due_today=False, overdue=False)

    services.reminders_run(now=at(TOKYO_8))

    got = by_recipient()
    assert people["deputy"].email not in got  # chose nothing: no mail at all
    officer = got[people["officer"].email].body
    assert work["late1"].task.title in officer and work["late15"].task.title in officer
    assert work["soon7"].task.title not in officer and work["today"].task.title not in officer
    assert work["soon7"].task.title in got["emb-jp@missions.example"].body  # the mission's address gets everything


def test_the_policy_decides_which_roles_and_addresses_are_told(tokyo):
    from tracker.reminders.models import ReminderPolicy

    mission, people, work = tokyo
    ReminderPolicy.objects.filter(pk=1).update(notify_officers=False, notify_mission_address=False)
    services.reminders_run(now=at(TOKYO_8))
    assert sorted(by_recipient()) == sorted([people["head"].email, people["deputy"].email])


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_the_next_digest(tokyo):
    mission, people, work = tokyo
    services.reminders_run(now=at(TOKYO_8))
    first = len(mail.outbox)
    assert first == 4

    result, outcome = services.reminders_run(now=at("2025-03-12T18:30+09:00"))
    assert len(mail.outbox) == first and not result.claimed and not outcome.sent
    assert all(plan.already_claimed for plan in result.planned)

    services.reminders_run(now=at("2025-03-13T08:00+09:00"))
    assert len(mail.outbox) == first + 4
    thursday = by_recipient()[people["head"].email]
    assert work["soon1"].task.title in thursday.body  # due today on Thursday
    assert ReminderDelivery.objects.filter(local_date=WED + days(1)).count() == 4


def test_a_missed_morning_is_caught_up_the_same_local_day_but_not_the_next(tokyo):
    mission, people, work = tokyo
    # The worker was down all morning; it comes back at 15:40 Tokyo time.
    services.reminders_run(now=at("2025-03-12T15:40+09:00"))
    assert len(mail.outbox) == 4

    # Another day nobody ran the sweep: Thursday's digest is not sent on Friday.
    services.reminders_run(now=at("2025-03-14T07:59+09:00"))
    assert len(mail.outbox) == 4
    assert not ReminderDelivery.objects.filter(local_date=WED + days(1)).exists()


def test_nothing_before_eight_nor_on_the_weekend(tokyo):
    services.reminders_run(now=at("2025-03-12T07:59+09:00"))
    services.reminders_run(now=at("2025-03-15T09:00+09:00"))  # Saturday
    services.reminders_run(now=at("2025-03-16T09:00+09:00"))  # Sunday
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_completed_and_cancelled_assignments_never_remind(tokyo):
    mission, people, work = tokyo
    for hour in ("2025-03-12T08:00+09:00", "2025-03-13T08:00+09:00", "2025-03-18T08:00+09:00"):
        services.reminders_run(now=at(hour))
    reminded = set(
        ReminderDelivery.objects.filter(items__isnull=False).values_list("items__assignment_id", flat=True)
    )
    assert work["done"].pk not in reminded and work["cancelled"].pk not in reminded
    assert {work["soon7"].pk, work["late1"].pk} <= reminded


def test_inactive_missions_get_nothing(tokyo):
    from missions.services import mission_set_active

    mission, people, work = tokyo
    mission_set_active(mission=mission, is_active=False)
    services.reminders_run(now=at(TOKYO_8))
    assert mail.outbox == []


# --- the committee ------------------------------------------------------------------------------


@pytest.fixture
def committee(db):
    chair = UserFactory(username="chair", is_staff=True, email="chair@mofa.example", language="en")
    clerk = UserFactory(username="clerk", is_staff=True, email="clerk@mofa.example", language="vi")
    UserFactory(username="not-staff", email="someone@mofa.example")
    return chair, clerk


def test_escalations_go_to_the_committee_at_eight_in_ha_noi(tokyo, committee):
    mission, people, work = tokyo
    chair, clerk = committee
    seoul, _people = mission_with_people("EMB-KR", "Asia/Seoul")
    late = assign(seoul, datetime.date(2025, 2, 25), "Escalated in Seoul")  # day 15 on Wednesday 12/03

    services.reminders_run(now=at("2025-03-12T07:59+07:00"))
    assert not ReminderDelivery.objects.filter(kind=DigestKind.ESCALATION).exists()
    services.reminders_run(now=at("2025-03-12T08:00+07:00"))

    escalations = [m for m in mail.outbox if m.to[0].endswith("@mofa.example")]
    assert sorted(m.to[0] for m in escalations) == ["chair@mofa.example", "clerk@mofa.example"]
    message = next(m for m in escalations if m.to == ["chair@mofa.example"])
    html = message.alternatives[0][0]
    admin_url = f"http://testserver/admin/tracker/assignment/{late.pk}/change/"
    assert late.task.title in message.body and admin_url in message.body and admin_url in html
    assert "EMB-KR" in message.body
    assert "more than 14 days" in message.subject
    assert message.extra_headers["References"] == "<reminders.committee.escalation@localhost>"
    # Tokyo's assignment 15 days late is escalated too; the one a day late is not.
    assert work["late15"].task.title in message.body and work["late1"].task.title not in message.body
    assert set(
        ReminderDelivery.objects.filter(kind=DigestKind.ESCALATION).values_list("items__assignment_id", flat=True)
    ) == {late.pk, work["late15"].pk}


def test_the_committee_group_narrows_the_recipients(tokyo, committee):
    chair, clerk = committee
    group = Group.objects.create(name="Steering committee")
    chair.groups.add(group)
    seoul, _people = mission_with_people("EMB-KR", "Asia/Seoul")
    assign(seoul, datetime.date(2025, 2, 25))
    services.reminders_run(now=at("2025-03-12T08:00+07:00"))
    assert [m.to[0] for m in mail.outbox if m.to[0].endswith("@mofa.example")] == ["chair@mofa.example"]


def test_the_weekly_summary_on_monday_in_ha_noi(tokyo, committee):
    mission, people, work = tokyo
    chair, clerk = committee
    services.reminder_preference_update(user=clerk, weekly=False)
    tracker_services.extension_request_create(
        assignment_id=work["soon1"].pk,
        requested_by=people["head"],
        requested_deadline=WED + days(40),
        reason="The partner postponed the forum.",
    )
    monday = "2025-03-17T08:05+07:00"

    with translation.override("en"):
        services.reminders_run(now=at(monday))

    weekly = [m for m in mail.outbox if m.to == ["chair@mofa.example"]]
    assert len(weekly) == 1  # the summary, and no separate escalation digest the same morning
    message = weekly[0]
    text, html = message.body, message.alternatives[0][0]
    assert message.subject == "Weekly summary of the missions' assignments"
    for section in ("TOTALS", "WHAT CHANGED THIS WEEK", "ESCALATIONS", "OVERDUE", "EXTENSION REQUESTS"):
        assert section in text
    assert work["late15"].task.title in text  # 19 days overdue on Monday: escalated
    assert work["late1"].task.title in text  # overdue
    assert work["soon1"].task.title in text and "asked on" in text  # the pending extension request
    assert "The partner postponed" not in text
    assert f"http://testserver/admin/tracker/assignment/{work['late15'].pk}/change/" in html
    delivery = ReminderDelivery.objects.get(kind=DigestKind.WEEKLY)
    assert delivery.local_date == datetime.date(2025, 3, 17) and delivery.recipient == "chair@mofa.example"
    # The clerk opted out of the summary: they get the escalations as usual instead.
    clerk_kinds = set(ReminderDelivery.objects.filter(user=clerk).values_list("kind", flat=True))
    assert clerk_kinds <= {DigestKind.ESCALATION}

    services.reminders_run(now=at("2025-03-17T16:00+07:00"))
    assert len([m for m in mail.outbox if m.to == ["chair@mofa.example"]]) == 1
    services.reminders_run(now=at("2025-03-18T08:00+07:00"))  # Tuesday: no summary
    assert ReminderDelivery.objects.filter(kind=DigestKind.WEEKLY).count() == 1


def test_preferences_without_a_row_mean_everything(tokyo):
    mission, people, work = tokyo
    assert not ReminderPreference.objects.exists()
    services.reminders_run(now=at(TOKYO_8))
    assert people["officer"].email in by_recipient()


# --- cost ---------------------------------------------------------------------------------------


def _plan_queries(now) -> int:
    with CaptureQueriesContext(connection) as ctx:
        services.reminders_plan(now=now)
    return len(ctx.captured_queries)


def test_planning_costs_the_same_number_of_queries_for_one_mission_or_many(committee):
    now = at("2025-03-12T08:00+07:00")  # 08:00 in Ha Noi, Bangkok and Jakarta; after 08:00 further east
    first, _ = mission_with_people("EMB-TH", "Asia/Bangkok")
    assign(first, WED)
    small = _plan_queries(now)
    for n, zone in enumerate(["Asia/Jakarta", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Asia/Bangkok"] * 3):
        mission, _people = mission_with_people(f"EMB-X{n}", zone)
        for k in range(6):
            assign(mission, WED - days(k))
    large = _plan_queries(now)
    assert small == large, "planning the sweep must not cost more queries with more missions: why did it?"


def _send_queries(now) -> tuple[int, int]:
    """(queries, e-mails) of sending every digest the sweep at `now` claimed, in one batch."""
    result = services.reminders_sweep(now=now)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as ctx:
        services.deliveries_send(delivery_ids=result.to_send, now=now)
    return len(ctx.captured_queries), len(mail.outbox)


def test_sending_a_batch_costs_the_same_number_of_queries_for_few_or_many_items(db):
    # Each digest is recorded as sent with a query of its own (a lost worker then resends at most one e-mail);
    # loading the batch and rendering its e-mails costs the same, whatever the number of items in them.
    now = at(TOKYO_8)
    few, _ = mission_with_people("EMB-JP", "Asia/Tokyo")
    assign(few, WED)
    few_queries, few_mails = _send_queries(now)
    many, _ = mission_with_people("EMB-KR", "Asia/Seoul")
    for k in range(12):
        assign(many, WED - days(k), f"Follow up agreement {k}")
    many_queries, many_mails = _send_queries(now)
    assert (few_mails, many_mails) == (4, 4)  # three members and the mission's address, each mission
    assert many_queries == few_queries, "loading or rendering a batch must not cost a query per item: why did it?"
