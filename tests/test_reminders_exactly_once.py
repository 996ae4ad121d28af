"""Exactly once, held by the database: sweeps and senders running at the same time never send a digest twice."""

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import UserFactory
from tests.reminders_support import assign, at, mission_with_people
from tracker.reminders import services
from tracker.reminders.models import DigestKind, ReminderDelivery

WED = datetime.date(2025, 3, 12)
# 10:00 in Ha Noi: after 08:00 in Ha Noi, Tokyo, Seoul, Bangkok; the committee's morning too.
NOW = "2025-03-12T10:00+07:00"


def build_world():
    missions = {}
    for code, zone in (("EMB-JP", "Asia/Tokyo"), ("EMB-KR", "Asia/Seoul"), ("EMB-TH", "Asia/Bangkok")):
        mission, _people = mission_with_people(code, zone)
        for offset in (7, 1, 0, -1, -8, -15):
            assign(mission, WED + datetime.timedelta(days=offset))
            assign(mission, WED + datetime.timedelta(days=offset + 1))  # Thursday's items
        missions[code] = mission
    UserFactory(username="chair", is_staff=True, email="chair@mofa.example")
    return missions


def run_together(n: int, work) -> list[BaseException]:
    """Runs `work` in n threads released at the same moment, each with its own database connection."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            work()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def sent_keys() -> Counter:
    return Counter((m.to[0], m.extra_headers["Message-ID"].split(".")[3]) for m in mail.outbox)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sweeps_started_at_the_same_time_send_each_digest_once():
    build_world()

    errors = run_together(6, lambda: services.reminders_run(now=at(NOW)))

    assert errors == []
    deliveries = ReminderDelivery.objects.all()
    # 3 missions × (head, deputy, officer, own address) + the committee's escalation digest.
    assert deliveries.count() == 13
    assert len(mail.outbox) == 13
    assert all(n == 1 for n in Counter(m.to[0] for m in mail.outbox).values())
    assert set(deliveries.values_list("state", "attempts")) == {(ReminderDelivery.State.SENT, 1)}

    # A second run the same day (an operator, a retried task) sends nothing.
    errors = run_together(3, lambda: services.reminders_run(now=at("2025-03-12T16:00+07:00")))
    assert errors == [] and len(mail.outbox) == 13

    # The next morning, the next digest, once.
    errors = run_together(6, lambda: services.reminders_run(now=at("2025-03-13T10:00+07:00")))
    assert errors == []
    thursday = ReminderDelivery.objects.filter(local_date=WED + datetime.timedelta(days=1))
    assert thursday.count() == 13 and len(mail.outbox) == 26
    assert all(n == 1 for n in sent_keys().values())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_given_the_same_deliveries_send_each_once():
    """Two workers handed the same batch (a redelivered task, the sweep picking up a claim): one sends each."""
    build_world()
    result = services.reminders_sweep(now=at(NOW))
    ids = result.claimed
    assert len(ids) == 13 and mail.outbox == []

    errors = run_together(5, lambda: services.deliveries_send(delivery_ids=ids))

    assert errors == []
    assert len(mail.outbox) == 13
    assert all(n == 1 for n in Counter(m.to[0] for m in mail.outbox).values())
    assert set(ReminderDelivery.objects.values_list("state", "attempts")) == {(ReminderDelivery.State.SENT, 1)}


@pytest.mark.django_db
def test_a_claim_is_refused_by_the_database_the_second_time():
    """The unique constraint itself, whatever the code in front of it believes."""
    build_world()
    plans = [p for p in services.reminders_plan(now=at(NOW)) if not p.already_claimed]
    first = services.digests_claim(plans=plans[:1])
    assert list(first) == [plans[0].key()]
    assert services.digests_claim(plans=plans[:1]) == {}
    # another kind of digest, or another mission's, to the same address on the same day: refused too
    plans[0].kind, plans[0].mission = DigestKind.ESCALATION, None
    assert services.digests_claim(plans=plans[:1]) == {}
    assert ReminderDelivery.objects.filter(recipient=plans[0].recipient.address).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDelivery.objects.create(
            kind=DigestKind.WEEKLY,
            local_date=plans[0].local_date,
            recipient=plans[0].recipient.address,
            language="vi",
            claimed_at=timezone.now(),
        )
