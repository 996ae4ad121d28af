"""No Celery countdown, ETA, retry back-off or task time limit reaches the broker's visibility timeout.

With late acknowledgement on Redis, a task the broker has handed out and that is not acknowledged within the
visibility timeout is handed out again: a countdown (or a task run) that long would send its e-mail twice. This
test reads the production settings as a deploy would load them, every task the Celery app registers, the
reminders' and the outbox's back-off schedules, the countdowns the tasks actually ask for, and every place in the
code that passes a countdown, and fails when one could reach the timeout.
"""

import datetime
import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import MissionFactory
from tracker import mailing
from tracker.outbox import services as outbox
from tracker.outbox.models import OutboxMessage
from tracker.reminders.models import ReminderDelivery
from tracker.tasks import outbox_send, reminders_send_batch

READ_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from config.celery_app import app
app.loader.import_default_modules()
tasks = {
    name: {
        "max_retries": task.max_retries,
        "default_retry_delay": task.default_retry_delay,
        "retry_backoff_max": getattr(task, "retry_backoff_max", None),
        "autoretry_for": bool(getattr(task, "autoretry_for", ())),
        "time_limit": task.time_limit,
        "soft_time_limit": task.soft_time_limit,
        "acks_late": task.acks_late,
    }
    for name, task in app.tasks.items()
    if name.startswith("tracker.")
}
print(json.dumps({
    "transport_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "broker_url": settings.CELERY_BROKER_URL,
    "time_limit": app.conf.task_time_limit,
    "soft_time_limit": app.conf.task_soft_time_limit,
    "acks_late": app.conf.task_acks_late,
    "tasks": tasks,
}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    """The Celery configuration of a production deploy (Redis broker), read by a fresh process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "ALLOWED_HOSTS": "tracker.example",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def visibility(production) -> int:
    timeout = production["transport_options"].get("visibility_timeout")
    assert timeout, "production on Redis must set the broker's visibility timeout explicitly"
    return timeout


def test_late_acknowledgement_is_on_and_the_time_limits_are_below_the_visibility_timeout(production):
    timeout = visibility(production)
    assert production["acks_late"] is True
    assert 0 < production["soft_time_limit"] < production["time_limit"] < timeout
    # A sender killed mid-way frees its messages before the broker would hand the task to another worker.
    assert production["time_limit"] < mailing.LEASE.total_seconds() < timeout


def test_every_task_stays_below_the_visibility_timeout(production):
    timeout = visibility(production)
    tasks = production["tasks"]
    assert {
        "tracker.reminders.sweep",
        "tracker.reminders.send_batch",
        "tracker.outbox.send",
        "tracker.outbox.drain",
    } <= set(tasks)
    for name, task in tasks.items():
        assert task["acks_late"] in (None, True), name
        assert task["default_retry_delay"] < timeout, name
        if task["autoretry_for"]:
            assert task["retry_backoff_max"] is not None and task["retry_backoff_max"] < timeout, name
        for limit in (task["time_limit"], task["soft_time_limit"]):
            assert limit is None or limit < timeout, name


def test_the_back_off_schedules_are_bounded_below_the_visibility_timeout(production):
    timeout = datetime.timedelta(seconds=visibility(production))
    waits = [mailing.backoff(n) for n in range(1, mailing.MAX_ATTEMPTS + 2)]
    assert waits == sorted(waits) and max(waits) == mailing.MAX_BACKOFF < timeout
    # Whatever wait a sender reports, the countdown a task asks for is clamped.
    for wait in (None, datetime.timedelta(0), datetime.timedelta(hours=5), datetime.timedelta(days=400)):
        assert 1 <= mailing.retry_countdown(wait) <= mailing.MAX_BACKOFF.total_seconds() < timeout.total_seconds()
    # The reminders and the outbox follow these same rules, not copies of them.
    from tracker.reminders import services as reminders

    assert reminders.backoff is mailing.backoff and reminders.MAX_BACKOFF is mailing.MAX_BACKOFF


def test_every_countdown_in_the_code_goes_through_the_clamp():
    """A countdown, ETA or expiry written anywhere else would escape the rule: the code is read for them."""
    offenders, clamped = [], 0
    for path in sorted((settings.BASE_DIR / "tracker").rglob("*.py")) + sorted(
        (settings.BASE_DIR / "config").rglob("*.py")
    ):
        text = path.read_text()
        for match in re.finditer(r"\b(countdown|eta|expires|retry_backoff|default_retry_delay)\s*=\s*([^,)\n]+)", text):
            key, value = match.groups()
            if key == "countdown" and value.startswith("mailing.retry_countdown("):
                clamped += 1
                continue
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert offenders == []
    assert clamped >= 2  # the reminders' and the outbox's sending tasks


@pytest.mark.django_db
@pytest.mark.parametrize("failed_before", range(mailing.MAX_ATTEMPTS - 1))
def test_the_countdowns_the_sending_tasks_ask_for(monkeypatch, settings, failed_before):
    """The mail server is down; after each number of failed attempts, both sending tasks ask to run again within
    the bounded back-off."""
    from tests.process_support import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    countdowns = {}

    def capture(task):
        def retry(self, *args, **kwargs):
            countdowns[task] = kwargs["countdown"]
            raise RuntimeError("retry requested")

        return retry

    now = timezone.now()
    mission = MissionFactory()
    delivery = ReminderDelivery.objects.create(
        kind="mission",
        local_date=now.date(),
        mission=mission,
        recipient="head@example.org",
        language="en",
        claimed_at=now,
        attempts=failed_before,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reminders_send_batch.__class__, "retry", capture("reminders"))
        reminders_send_batch.apply(args=[[delivery.pk]])
    from django.db import transaction

    with transaction.atomic():
        (message,) = outbox.outbox_add(
            kind=OutboxMessage.Kind.EXTENSION_DECIDED, reference="x:1", mails=[outbox.Mail("a@example.org", "s", "b")]
        )
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=failed_before)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox_send.__class__, "retry", capture("outbox"))
        outbox_send.apply(args=[[message.pk]])
    expected = mailing.backoff(failed_before + 1).total_seconds()
    for task in ("reminders", "outbox"):
        assert expected <= countdowns[task] <= mailing.MAX_BACKOFF.total_seconds() + 1, (task, countdowns)
