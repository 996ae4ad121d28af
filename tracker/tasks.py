"""Celery entry points: thin, named, taking plain values; the work is in the services they call."""

import logging

from celery import shared_task
from django.utils.dateparse import parse_datetime

from tracker import mailing
from tracker.outbox import services as outbox
from tracker.reminders import services as reminders

logger = logging.getLogger(__name__)


def _moment(now: str | None):
    """An aware datetime from a task's `now` argument (ISO 8601 with its offset), or None for the real time."""
    moment = parse_datetime(now) if now else None
    if now and (moment is None or moment.tzinfo is None):
        raise ValueError(f"now must be an ISO 8601 date and time with an offset, not {now!r}")
    return moment


@shared_task(name="tracker.reminders.sweep", ignore_result=True)
def reminders_sweep(now: str | None = None) -> dict:
    """Beat runs this every 15 minutes: claims the digests whose local 08:00 has come, then sends them.

    `now` (ISO 8601, with its offset) is for time travel in tests; beat passes nothing.
    """
    result = reminders.reminders_sweep(now=_moment(now))
    for batch in result.batches():
        reminders_send_batch.delay_on_commit(batch)
    summary = {"planned": len(result.planned), "claimed": len(result.claimed), "due": len(result.due)}
    logger.info("reminders sweep: %s", summary)
    return summary


@shared_task(bind=True, name="tracker.reminders.send_batch", max_retries=None, ignore_result=True)
def reminders_send_batch(self, delivery_ids: list[int]) -> dict:
    """Sends a batch of claimed digests over one SMTP connection; failed ones come back after a back-off."""
    outcome = reminders.deliveries_send(delivery_ids=delivery_ids)
    if outcome.retrying:
        raise self.retry(args=[outcome.retrying], countdown=mailing.retry_countdown(outcome.retry_in))
    return {"sent": len(outcome.sent), "failed": len(outcome.failed), "skipped": len(outcome.skipped)}




# --- the outbox: e-mail that people's actions trigger (tracker.outbox) -----------------------------


@shared_task(bind=True, name="tracker.outbox.send", max_retries=None, ignore_result=True)
def outbox_send(self, message_ids: list[int]) -> dict:
    """Sends committed outbox messages; failed ones come back after the back-off (bounded by MAX_BACKOFF)."""
    outcome = outbox.outbox_send(message_ids=message_ids)
    if outcome.retrying:
        raise self.retry(args=[outcome.retrying], countdown=mailing.retry_countdown(outcome.retry_in))
    return {"sent": len(outcome.sent), "failed": len(outcome.failed), "skipped": len(outcome.skipped)}


@shared_task(name="tracker.outbox.drain", ignore_result=True)
def outbox_drain(now: str | None = None) -> dict:
    """Beat runs this every minute: hands out the messages nobody took (the broker was down when they were
    written, a worker was lost) and the retries whose time has come. `now` (ISO 8601 with its offset) is for
    time travel in tests; beat passes nothing."""
    due = outbox.outbox_due(now=_moment(now))
    for start in range(0, len(due), outbox.BATCH_SIZE):
        outbox_send.delay(due[start : start + outbox.BATCH_SIZE])
    if due:
        logger.info("outbox drain: %d messages handed out", len(due))
    return {"due": len(due)}
