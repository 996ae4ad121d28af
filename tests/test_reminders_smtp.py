"""A real SMTP server on loopback that is down, refuses, then comes back: failures are recorded and retried,
nothing is lost, nothing is sent twice."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.reminders_support import SmtpServer, assign, bodies, free_port, mission_with_people
from tracker.reminders import services
from tracker.reminders.models import ReminderDelivery
from tracker.tasks import reminders_send_batch

pytestmark = pytest.mark.django_db

State = ReminderDelivery.State


def smtp_settings(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=10,
    )


def mission_at_noon_today():
    """A mission whose local time is about noon now, on one of its working days (retries run on the real clock)."""
    now = timezone.now()
    offset = 12 - now.hour
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # the Etc/GMT signs are inverted
    mission, people = mission_with_people("EMB-NOON", zone)
    today = mission.local_today(now)
    mission.weekend = str(today.isoweekday() % 7 + 1)  # tomorrow is its weekend, today works
    mission.save(update_fields=["weekend"])
    for offset_days in (7, 1, 0, -1):
        assign(mission, today + datetime.timedelta(days=offset_days))
    return mission, people


def later(minutes: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_smtp_down_then_back_everything_is_delivered_once():
    mission, people = mission_at_noon_today()
    port = free_port()
    with smtp_settings(port):
        # Nothing listens on the port: every digest fails, is recorded, and waits for a retry.
        result, outcome = services.reminders_run()
        assert len(result.claimed) == 4 and outcome.sent == []
        assert sorted(outcome.retrying) == sorted(result.claimed)
        rows = ReminderDelivery.objects.all()
        assert set(rows.values_list("state", "attempts")) == {(State.RETRYING, 1)}
        assert all("ConnectionRefused" in error for error in rows.values_list("last_error", flat=True))
        assert all(row.next_attempt_at > timezone.now() for row in rows)

        # Too early for the retry: a sweep now neither claims again nor resends.
        result, outcome = services.reminders_run()
        assert result.claimed == [] and outcome.sent == [] and outcome.retrying == []

        server = SmtpServer(port).start()
        try:
            # Two minutes later the back-off has passed: the next sweep picks the retries up and delivers them.
            result, outcome = services.reminders_run(now=later(2))
            assert result.claimed == [] and len(outcome.sent) == 4
            # Later sweeps the same day find nothing more to send.
            services.reminders_run(now=later(20))
            services.reminders_run(now=later(60))
        finally:
            server.stop()

    inbox = server.inbox
    expected = sorted(
        [people["head"].email, people["deputy"].email, people["officer"].email, "emb-noon@missions.example"]
    )
    assert inbox.recipients() == expected
    assert set(ReminderDelivery.objects.values_list("state", "attempts")) == {(State.SENT, 2)}
    message = next(m for m in inbox.messages() if m["To"] == people["head"].email)
    text, html = bodies(message)
    assert "[EMB-NOON]" in message["Subject"] and "http://testserver/portal/assignments/" in text and "<a " in html
    assert len(inbox.sessions()) == 1  # the four digests of the batch went over one SMTP connection


class Refusing:
    """An SMTP handler that refuses some recipients (a full mailbox, say) until it is told to accept them."""

    def __init__(self, inbox, refused: set[str]):
        self.inbox = inbox
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "450 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.inbox.handle_DATA(server, session, envelope)


def test_a_refused_recipient_is_retried_and_the_others_are_sent():
    from aiosmtpd.controller import Controller

    mission, people = mission_at_noon_today()
    server = SmtpServer()
    handler = Refusing(server.inbox, {people["deputy"].email})
    controller = Controller(handler, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        with smtp_settings(server.port):
            result, outcome = services.reminders_run()
            assert len(outcome.sent) == 3 and len(outcome.retrying) == 1
            refused = ReminderDelivery.objects.get(recipient=people["deputy"].email)
            assert refused.state == State.RETRYING and "450" in refused.last_error
            handler.refused.clear()
            result, outcome = services.reminders_run(now=later(2))
            assert outcome.sent == [refused.pk]
    finally:
        controller.stop()
    assert server.inbox.recipients().count(people["deputy"].email) == 1
    assert len(server.inbox.recipients()) == 4


def test_after_the_last_attempt_a_delivery_is_failed_until_an_operator_sends_it_again():
    mission, people = mission_at_noon_today()
    port = free_port()
    with smtp_settings(port):
        ids = services.reminders_sweep().claimed
        for attempt in range(services.MAX_ATTEMPTS):
            services.deliveries_send(delivery_ids=ids, now=later(60 * (attempt + 1)))
        assert set(ReminderDelivery.objects.values_list("state", "attempts")) == {(State.FAILED, services.MAX_ATTEMPTS)}
        # A failed delivery is not retried by itself any more, and is not lost.
        outcome = services.deliveries_send(delivery_ids=ids, now=later(60 * 24))
        assert outcome.sent == [] and outcome.skipped == sorted(ids)

        put_back = services.delivery_retry(delivery_ids=ids)
        assert sorted(put_back) == sorted(ids)
        server = SmtpServer(port).start()
        try:
            outcome = services.deliveries_send(delivery_ids=ids)
        finally:
            server.stop()
    assert sorted(outcome.sent) == sorted(ids)
    assert len(server.inbox.recipients()) == 4
    assert set(ReminderDelivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_the_send_task_respects_the_back_off_when_it_comes_back_early():
    """The task retries itself after the back-off; run eagerly, the immediate re-run finds nothing due."""
    mission, people = mission_at_noon_today()
    with smtp_settings(free_port()):
        ids = services.reminders_sweep().claimed
        reminders_send_batch.apply(args=[ids])
    assert set(ReminderDelivery.objects.values_list("state", "attempts")) == {(State.RETRYING, 1)}


def test_the_back_off_is_bounded_below_the_brokers_visibility_timeout():
    waits = [services.backoff(n) for n in range(1, services.MAX_ATTEMPTS + 1)]
    assert waits == sorted(waits) and waits[0] == datetime.timedelta(minutes=1)
    assert max(waits) <= datetime.timedelta(minutes=30) < datetime.timedelta(seconds=3600)
