"""The reminder sweep, run in its own process so that its time and peak memory are its own.

`python -m bench.sweep workers|product|baseline NOW` (NOW in ISO 8601), with EMAIL_URL pointing at the SMTP server
the bench listens with on loopback. Empties the reminders' delivery log first (untimed), then times the run and
prints one line of JSON: ms, queries, messages handed to the SMTP server, resident memory before and at peak.

Both are timed warm, as the pages are (after their warm-up calls) and as the beat's worker is after its first sweep:
the run is made once untimed with Django's dummy mail backend (templates compiled, translation catalogues and
URL patterns loaded, messages built but handed to nobody), the log emptied again, then timed against the SMTP
server.

- workers: the sweep as it runs in service: Celery beat's task (`tracker.tasks.reminders_sweep`) in this process plans
  and claims every mission's digest and hands the batches of 25 to the broker; a Celery worker started here as the
  Procfile starts it (two prefork processes) sends them, each batch over one SMTP connection, recording each digest
  as sent before the next. Timed from the sweep's start until every digest is recorded as sent (read on a
  connection of its own every 2 ms, not counted). The worker is warmed by two sweeps whose mail goes to the same
  SMTP server (reported as `warmup_sent`, so that the bench counts only the timed run's); queries are this
  process's (the sweep's); peak memory is the largest of this process and the worker's processes.
- product: `tracker.reminders.services.reminders_run`, what `send_reminders` runs: the same sweep, the batches
  sent one after the other in this one process.
- baseline: the straightforward version: for each mission, each open assignment (its task read when needed),
  one e-mail per assignment and recipient, each over a new SMTP connection. Each is the product's e-mail (its
  HTML and text templates, in the recipient's language) with that one assignment in it, so that both send
  the same kind of message. Like any reminder job that must not send a reminder twice, it keeps a log: before
  each e-mail it looks for the row that says it went, after it writes one (its table
  `bench_baseline_reminder_log`, one row per assignment, recipient, kind and day, committed as it goes).

Between the warm-up and the timed run, the reminder logs' statistics are brought up to date (ANALYZE), as
autovacuum keeps them for a log in service: the bench empties the log before each run, and the planner would
otherwise plan the sending's reads for whatever the table held when it last looked (once, a join of every
assignment for 25 digests' items, 15 ms instead of 2).
"""

import contextlib
import json
import os
import subprocess
import sys
import time


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB. (getrusage's peak is not used:
    Linux keeps it across exec, so a child would report the bench's own peak at the fork.)"""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def product(now) -> int:
    from tracker.reminders import services

    _result, outcome = services.reminders_run(now=now)
    return len(outcome.sent)


def workers(now, *, poll) -> int:
    from tracker import tasks

    summary = tasks.reminders_sweep(now=now.isoformat())
    deadline = time.monotonic() + 300
    while poll() < summary["claimed"]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker recorded {poll()} of {summary['claimed']} digests as sent in 300 s")
        time.sleep(0.002)
    return summary["claimed"]


def _worker_peak_mb(pid: int) -> float:
    """The largest peak resident memory of a Celery worker's processes (the main one and its pool)."""
    pids = [pid]
    with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
        pids += [int(child) for child in children.read().split()]
    peaks = []
    for each in pids:
        with contextlib.suppress(OSError), open(f"/proc/{each}/status", encoding="ascii") as status:
            peaks += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")]
    return max(peaks, default=0.0)


def baseline(now) -> int:
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.db import connection
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from missions.models import Membership, Mission
    from tracker.models import Assignment
    from tracker.reminders import emails
    from tracker.reminders import policy as rules

    policy = rules.current()
    log = connection.cursor()
    sent = 0
    for mission in Mission.objects.active().order_by("code"):
        weekend = mission.weekend_days()
        day = rules.local_morning(policy, now=now, zone=mission.zone, weekend=weekend)
        if day is None:
            continue
        recipients = [
            (m.user.email, m.user, m.user.language)
            for m in Membership.objects.current(on=day)
            .filter(mission=mission, role__in=list(rules.roles_notified(policy)))
            .exclude(user__email="")
            .select_related("user")
        ]
        if policy.notify_mission_address and mission.email:
            recipients.append((mission.email, None, settings.LANGUAGE_CODE))
        for assignment in Assignment.objects.open().filter(mission=mission):
            item = rules.mission_item(
                policy, status=assignment.status, deadline=assignment.deadline, day=day, weekend=weekend
            )
            if item is None:
                continue
            kind, days_left = item
            assignment.mission = mission  # in hand: the e-mail names it
            for address, user, language in recipients:
                key = [assignment.pk, address, kind, day]
                log.execute(
                    "SELECT 1 FROM bench_baseline_reminder_log "
                    "WHERE assignment_id = %s AND recipient = %s AND kind = %s AND local_date = %s",
                    key,
                )
                if log.fetchone():  # sent by an earlier run
                    continue
                # The same e-mail as the product's, with this one assignment in it, in the recipient's language.
                with translation.override(language):
                    row = emails.item_row(assignment, kind=kind, days_left=days_left)
                    context = {
                        "mission": mission,
                        "day": day,
                        "user": user,
                        "groups": emails._groups([row]),
                        "items": [row],
                        "summary_line": row["when"],
                        "deadline_label": _("Deadline"),
                        "portal_url": emails.absolute(reverse("portal:home")),
                        "preferences_url": emails.preferences_url() if user else "",
                    }
                    message = EmailMultiAlternatives(
                        f"[{mission.code}] {row['title']}",
                        render_to_string("email/reminders/mission_digest.txt", context),
                        settings.DEFAULT_FROM_EMAIL,
                        [address],
                    )
                    html = render_to_string("email/reminders/mission_digest.html", context)
                    message.attach_alternative(html, "text/html")
                message.send()  # a new connection for each message
                log.execute(
                    "INSERT INTO bench_baseline_reminder_log (assignment_id, recipient, kind, local_date, sent_at) "
                    "VALUES (%s, %s, %s, %s, now())",
                    key,
                )
                sent += 1
    return sent


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils.dateparse import parse_datetime

    from tracker.reminders.models import ReminderDelivery, ReminderItem

    mode, now = sys.argv[1], parse_datetime(sys.argv[2])
    run = {"product": product, "baseline": baseline}.get(mode)

    logs = [ReminderDelivery._meta.db_table, ReminderItem._meta.db_table, "bench_baseline_reminder_log"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline_reminder_log (id bigserial PRIMARY KEY, "
            "assignment_id bigint NOT NULL, recipient varchar(254) NOT NULL, kind varchar(20) NOT NULL, "
            "local_date date NOT NULL, sent_at timestamptz NOT NULL, "
            "UNIQUE (assignment_id, recipient, kind, local_date))"
        )

    def empty_log():
        ReminderItem.objects.all().delete()
        ReminderDelivery.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_baseline_reminder_log")

    empty_log()
    with contextlib.ExitStack() as stack:
        worker, warmup_sent = None, 0
        if mode == "workers":
            worker, poll = stack.enter_context(_worker())
            for _round in range(2):  # the warm-up: both of the worker's processes send a batch, to the SMTP server
                empty_log()
                warmup_sent += workers(now, poll=poll)
            run = lambda now: workers(now, poll=poll)  # noqa: E731
        else:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                run(now)  # the warm-up: nothing reaches the SMTP server
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(logs)}")
        empty_log()
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        before = _rss_mb()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            sent = run(now)
        ms = (time.perf_counter() - started) * 1000
        peak = _rss_mb("VmHWM")
        if worker is not None:
            peak = max(peak, _worker_peak_mb(worker.pid))
    figures = {"ms": ms, "queries": queries, "sent": sent, "rss_before_mb": before, "peak_mb": peak}
    print(json.dumps({**figures, "warmup_sent": warmup_sent}))
    return 0


@contextlib.contextmanager
def _worker():
    """A Celery worker as the Procfile starts it, on the bench's broker, database and SMTP server (stopped on the
    way out, whatever happens), and a count of the digests recorded as sent, read on a connection of its own."""
    import psycopg
    from django.db import connection

    from config.celery_app import app

    app.control.purge()  # nothing left over from an earlier run
    worker = subprocess.Popen(  # noqa: S603 (the project's own command)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=2",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,  # this process's last line is the figures
    )
    params = connection.get_connection_params()
    try:
        with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as watcher:

            def poll() -> int:
                sql = "SELECT count(*) FROM tracker_reminderdelivery WHERE state = 'sent'"
                return watcher.execute(sql).fetchone()[0]

            yield worker, poll
    finally:
        worker.terminate()
        worker.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
