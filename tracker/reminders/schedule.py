"""The Celery beat schedule, declared here once and installed into django-celery-beat.

`manage.py setup_schedule` (run by `make setup`, and after `migrate` on a deploy) creates the entries
that are missing and leaves the others as the committee set them in the admin ("Periodic tasks");
`--reset` puts them back to these values.

The reminders need one entry: the sweep runs every quarter of an hour, so it meets every time zone's
08:00 (the half-hour and quarter-hour ones too: New Delhi +05:30, Kathmandu +05:45), and the policy
decides, per recipient, whether their morning has come and what they get (the committee's weekly
summary on Monday 08:00 Ha Noi included).

The outbox (`tracker.outbox`) has the other: every minute it sends the e-mail that people's actions
wrote while the broker was down or a worker was lost, and the retries whose time has come.
"""

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

SCHEDULE = {
    "reminders: sweep every 15 minutes": {
        "task": "tracker.reminders.sweep",
        "crontab": {"minute": "*/15", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "timezone": "UTC",
        "description": "Sends each mission's reminder digest at 08:00 local time on its working days, the "
        "committee's escalations and its Monday summary; catches up a missed run the same local day.",
    },
    "outbox: send what is waiting, every minute": {
        "task": "tracker.outbox.drain",
        "crontab": {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "timezone": "UTC",
        "description": "Sends the e-mail that people's actions wrote to the outbox while the broker was down or a "
        "worker was lost, and the retries whose time has come (at most 30 minutes apart).",
    },
}


def schedule_install(*, reset: bool = False) -> list[str]:
    """Creates the missing beat entries (all of them again with `reset`). Returns the names it wrote."""
    written = []
    with transaction.atomic():
        for name, entry in SCHEDULE.items():
            crontab, _created = CrontabSchedule.objects.get_or_create(timezone=entry["timezone"], **entry["crontab"])
            task = PeriodicTask.objects.filter(name=name).first()
            if task is not None and not reset:
                continue
            if task is None:
                task = PeriodicTask(name=name)
            task.task = entry["task"]
            task.crontab = crontab
            task.interval = None
            task.args = "[]"
            task.kwargs = "{}"
            task.enabled = True
            task.description = entry["description"]
            task.save()
            written.append(name)
    return written
