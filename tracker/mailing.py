"""The rules every e-mail the product sends follows, whichever log records it (reminders, the outbox).

- A message is leased to one sender at a time (`LEASE`), longer than a task's hard time limit, so a
  sender killed mid-way frees its messages for the next run and two senders never share one.
- A transient failure (`TRANSIENT_ERRORS`: the mail server down, refusing for now, a broken connection)
  is retried after `backoff(attempts)`: 1, 2, 4, 8, 16, then 30 minutes; after `MAX_ATTEMPTS` the message
  is failed, shown in the admin, and sent again only when an operator asks.
- Every Celery countdown goes through `retry_countdown`, which never exceeds `MAX_BACKOFF`: a task
  waiting in the broker longer than the broker's visibility timeout would be delivered twice
  (tests/test_celery_timeouts.py reads the settings and checks it).
"""

import datetime
import smtplib

MAX_ATTEMPTS = 8
MAX_BACKOFF = datetime.timedelta(minutes=30)  # well below the broker's visibility timeout (1 hour)
LEASE = datetime.timedelta(minutes=10)  # longer than a task's hard time limit (5 minutes)
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next attempt after `attempts` failed ones: 1, 2, 4, 8, 16, 30, 30 … minutes."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def retry_countdown(wait: datetime.timedelta | None) -> int:
    """Seconds a Celery task waits before it runs again: `wait` rounded up, at least 1, at most MAX_BACKOFF."""
    seconds = int(wait.total_seconds()) + 1 if wait is not None else 1
    return max(1, min(seconds, int(MAX_BACKOFF.total_seconds())))


def describe(exc: BaseException) -> str:
    """An exception as the error shown in the admin's logs."""
    return f"{exc.__class__.__name__}: {exc}"
