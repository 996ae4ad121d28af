"""Fault: the worker is killed (SIGKILL) in the middle of a reminder sweep.

Real processes: a private redis-server (the broker), a `celery worker`, and an SMTP server on loopback that
holds the fourth digest of the batch until the worker is dead. The kill leaves three digests sent, one in
flight (never accepted by the mail server) and five not yet started, all of them claimed by the dead worker.
The next sweep (beat, fifteen minutes later, run by a new worker) sends the six that were not sent and none
of the three that were; the broker delivering the dead worker's task again later sends nothing either.
"""

import asyncio
import datetime
import threading
from collections import Counter

import pytest
from django.db.models import F

from tests.process_support import RedisServer, Worker, fire, wait_until
from tests.reminders_support import Inbox, SmtpServer
from tests.test_reminders_e2e import NOW, build_world
from tracker.mailing import LEASE
from tracker.reminders.models import ReminderDelivery

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DIGESTS = 9  # the world of the reminders' end-to-end test: two missions' people and addresses, and the chair
HELD = 4  # the mail server holds the fourth digest's recipient until the worker is dead


class HoldingInbox(Inbox):
    """Accepts digests, but keeps the HELD-th waiting at RCPT until released, then refuses it (451)."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.received) == HELD - 1 and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def redis_server(tmp_path):
    import shutil

    from tests.conftest import _missing

    if not shutil.which("redis-server"):
        _missing("redis-server is not installed (Debian package 'redis-server')")
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


def test_a_worker_killed_mid_sweep_the_rerun_sends_the_rest_and_nothing_twice(tmp_path, artifacts_dir, redis_server):
    build_world()
    server = SmtpServer()
    server.inbox = HoldingInbox()
    server.start()
    smtp = f"smtp://127.0.0.1:{server.port}"
    workers = []
    try:
        first = Worker(log_path=tmp_path / "worker-1.log", CELERY_BROKER_URL=redis_server.url, EMAIL_URL=smtp)
        workers.append(first)
        wait_until(first.ready, "the first worker to start", first)
        fire(redis_server.url, "tracker.reminders.sweep", now=NOW)
        wait_until(server.inbox.holding.is_set, "the fourth digest to reach the mail server", first)

        first.kill()  # ------------------------------------------------------------------ SIGKILL, mid-batch
        server.inbox.release.set()
        sent_before = server.inbox.recipients()
        assert len(sent_before) == HELD - 1
        rows = ReminderDelivery.objects.all()
        assert rows.count() == DIGESTS  # every digest was claimed before the kill
        assert rows.filter(state="sent").count() == HELD - 1
        assert sorted(rows.filter(state="sent").values_list("recipient", flat=True)) == sent_before
        unsent = rows.exclude(state="sent")
        assert unsent.filter(locked_until__isnull=False).count() == DIGESTS - HELD + 1  # still leased by the dead one

        # Time passes: the dead worker's lease runs out (LEASE, ten minutes). Only the clock of these rows moves.
        unsent.update(locked_until=F("locked_until") - LEASE, claimed_at=F("claimed_at") - LEASE)

        second = Worker(log_path=tmp_path / "worker-2.log", CELERY_BROKER_URL=redis_server.url, EMAIL_URL=smtp)
        workers.append(second)
        wait_until(second.ready, "the second worker to start", second)
        next_beat = (datetime.datetime.fromisoformat(NOW) + datetime.timedelta(minutes=15)).isoformat()
        fire(redis_server.url, "tracker.reminders.sweep", now=next_beat)
        wait_until(lambda: len(server.inbox.recipients()) >= DIGESTS, "the rest of the digests", second)
        wait_until(lambda: second.succeeded("tracker.reminders.send_batch") >= 1, "the sending task", second)

        # The broker delivers the dead worker's task again (its visibility timeout ran out): nothing is resent.
        ids = list(ReminderDelivery.objects.order_by("pk").values_list("pk", flat=True))
        fire(redis_server.url, "tracker.reminders.send_batch", delivery_ids=ids)
        fire(redis_server.url, "tracker.reminders.sweep", now=next_beat)
        wait_until(lambda: second.succeeded("tracker.reminders.send_batch") >= 2, "the redelivered task", second)
        wait_until(lambda: second.succeeded("tracker.reminders.sweep") >= 2, "the third sweep", second)
    finally:
        server.inbox.release.set()
        server.stop()
        for i, worker in enumerate(workers, start=1):
            worker.stop()
            (artifacts_dir / f"faults-worker-killed-{i}.log").write_text(worker.output())

    counts = Counter(server.inbox.recipients())
    assert len(counts) == DIGESTS and set(counts.values()) == {1}, counts  # everyone once, nobody twice
    assert set(ReminderDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert "WorkerLostError" not in workers[1].output()
