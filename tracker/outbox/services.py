"""Every write of the outbox: record the e-mail an action triggers, send it once, retry, give up, send again.

1. `outbox_add` runs inside the transaction of the action (an extension decision, say): it writes one row per
   recipient, already rendered, and asks for the sending once the transaction commits. If the action fails
   later in its transaction, the rows go with it: nobody is told of a change that did not happen.
2. After the commit, `outbox_enqueue` hands the ids to the Celery task `tracker.outbox.send`. A broker that is
   down does not fail the action: the rows stay pending and the periodic drain (`outbox_due`, every minute)
   sends them once the broker and a worker are back.
3. `outbox_send` leases the rows to one sender (`tracker.mailing.LEASE`), sends them over one SMTP connection
   and records each result: sent; retrying after the back-off of `tracker.mailing`; failed after
   `MAX_ATTEMPTS` (the admin can send it again with `outbox_retry`). A sent message is never sent again.
"""

import contextlib
import datetime
import logging
import smtplib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker.mailing import LEASE, MAX_ATTEMPTS, TRANSIENT_ERRORS, backoff, describe
from tracker.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

PENDING_GRACE = datetime.timedelta(minutes=1)  # not taken by the after-commit task by then: the drain sends it
BATCH_SIZE = 25
DRAIN_LIMIT = 1000  # messages one drain hands out (it runs every minute)
# Publishing from a web request: two quick tries, then the message waits for the drain (never a slow page).
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


@dataclass(frozen=True)
class Mail:
    """A rendered message for one recipient."""

    recipient: str
    subject: str
    body: str
    html: str = ""
    user: object | None = None


@dataclass
class SendOutcome:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retry_in: datetime.timedelta | None = None


def _message_id() -> str:
    from tracker.reminders.emails import mail_domain

    return f"<outbox.{uuid.uuid4().hex}@{mail_domain()}>"


def outbox_add(
    *, kind: str, reference: str, mails: Sequence[Mail], now: datetime.datetime | None = None
) -> list[OutboxMessage]:
    """Records messages in the current transaction (the action's own) and sends them after it commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_add records mail inside the transaction of the action it reports")
    now = now or timezone.now()
    rows = [
        OutboxMessage.objects.create(
            kind=kind,
            reference=reference,
            recipient=mail.recipient,
            user=mail.user,
            subject=" ".join(mail.subject.split())[:255],
            body=mail.body,
            html=mail.html,
            message_id=_message_id(),
            created_at=now,
        )
        for mail in mails
    ]
    if rows:
        transaction.on_commit(partial(outbox_enqueue, message_ids=[row.pk for row in rows]), robust=True)
    return rows


def outbox_enqueue(*, message_ids: list[int]) -> bool:
    """Hands committed messages to a worker. False (and logged) when the broker does not take them: they wait,
    pending, for the periodic drain. Never raises: the action they report on is already committed."""
    from tracker.tasks import outbox_send

    try:
        outbox_send.apply_async(args=[list(message_ids)], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception as exc:  # the broker is down or unreachable: the rows are the promise, the drain keeps it
        logger.warning(
            "the broker did not take outbox messages %s (%s); the periodic drain will send them",
            message_ids,
            describe(exc),
        )
        return False
    return True


def _lease(message_ids: Sequence[int], *, now: datetime.datetime):
    """Takes the unsent, unleased, due messages among `message_ids` for this sender; returns the lease."""
    real = timezone.now()
    clock = max(now, real)
    lease = OutboxMessage.new_lease()
    OutboxMessage.objects.unsent().filter(pk__in=list(message_ids)).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=real)
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock)).update(
        lease=lease, locked_until=real + LEASE
    )
    return lease


def _email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={
            "Message-ID": message.message_id,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def _record_sent(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk, lease=message.lease).update(
        state=OutboxMessage.State.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
        locked_until=None,
        lease=None,
    )


def _record_failure(message: OutboxMessage, error: str, *, permanent: bool = False) -> str:
    attempts = message.attempts + 1
    final = permanent or attempts >= MAX_ATTEMPTS
    state = OutboxMessage.State.FAILED if final else OutboxMessage.State.RETRYING
    OutboxMessage.objects.filter(pk=message.pk, lease=message.lease).update(
        state=state,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=None if final else timezone.now() + backoff(attempts),
        locked_until=None,
        lease=None,
    )
    log = logger.error if final else logger.warning
    log("outbox message %s to %s failed (attempt %s): %s", message.pk, message.recipient, attempts, error)
    return state


def outbox_send(*, message_ids: Sequence[int], now: datetime.datetime | None = None) -> SendOutcome:
    """Sends the given messages that are still unsent and due, over one SMTP connection, recording each result.

    Safe to call twice with the same ids, and from several workers at once: the lease gives each message to one
    sender, and a sent message is never sent again.
    """
    now = now or timezone.now()
    outcome = SendOutcome()
    lease = _lease(message_ids, now=now)
    messages = list(OutboxMessage.objects.filter(lease=lease).order_by("pk"))
    taken = {m.pk for m in messages}
    outcome.skipped = [pk for pk in message_ids if pk not in taken]
    if not messages:
        return outcome

    def fail(message: OutboxMessage, error: str, permanent: bool = False) -> None:
        state = _record_failure(message, error, permanent=permanent)
        (outcome.failed if state == OutboxMessage.State.FAILED else outcome.retrying).append(message.pk)

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except TRANSIENT_ERRORS as exc:
        for message in messages:
            fail(message, describe(exc))
        messages = []
    for index, message in enumerate(messages):
        try:
            if connection.send_messages([_email(message, connection)]) != 1:
                raise smtplib.SMTPException("the mail server accepted no message")
        except TRANSIENT_ERRORS as exc:
            fail(message, describe(exc))
            with contextlib.suppress(*TRANSIENT_ERRORS):  # it may be broken: open a new one for the rest
                connection.close()
            try:
                connection.open()
            except TRANSIENT_ERRORS as again:
                for rest in messages[index + 1 :]:
                    fail(rest, describe(again))
                break
            continue
        except Exception as exc:  # not the mail server's doing: never retried blindly, shown in the admin
            logger.exception("outbox message %s could not be sent", message.pk)
            fail(message, describe(exc), permanent=True)
            continue
        _record_sent(message)
        outcome.sent.append(message.pk)
    with contextlib.suppress(*TRANSIENT_ERRORS):
        connection.close()
    if outcome.retrying:
        waits = OutboxMessage.objects.filter(pk__in=outcome.retrying).values_list("next_attempt_at", flat=True)
        outcome.retry_in = max(max(waits) - timezone.now(), datetime.timedelta(seconds=1))
    return outcome


def outbox_due(*, now: datetime.datetime | None = None, limit: int = DRAIN_LIMIT) -> list[int]:
    """Ids the periodic drain sends: retries whose time has come, and pending messages nobody took (the broker
    was down when they were written, or the worker that had them was lost)."""
    real = timezone.now()
    clock = max(now or real, real)
    due = (
        OutboxMessage.objects.filter(
            Q(state=OutboxMessage.State.RETRYING, next_attempt_at__lte=clock)
            | Q(state=OutboxMessage.State.PENDING, created_at__lte=clock - PENDING_GRACE)
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=real))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(due[:limit])


def outbox_retry(*, message_ids: Sequence[int]) -> list[int]:
    """An operator sends failed (or waiting) messages again now: put back in line, handed to a worker after the
    commit (or to the next drain). Returns the ids put back in line."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(
                pk__in=list(message_ids), state__in=[OutboxMessage.State.FAILED, OutboxMessage.State.RETRYING]
            ).values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            state=OutboxMessage.State.RETRYING, next_attempt_at=timezone.now(), locked_until=None, lease=None
        )
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            transaction.on_commit(partial(outbox_enqueue, message_ids=batch), robust=True)
    return ids
