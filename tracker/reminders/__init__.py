"""Reminders: digests at 08:00 in each mission's time zone, exactly once, with escalation to the committee.

- `tracker.reminders.models`: the policy the committee edits, per-user choices, and the delivery log
  whose unique claim makes every digest go out once;
- `tracker.reminders.policy`: the one rule (which kind on which day, when a recipient's morning comes);
- `tracker.reminders.selectors`: who receives what, and the weekly summary's figures;
- `tracker.reminders.services`: the sweep (plan, claim), the sending (one SMTP connection per batch,
  retries with back-off), the operator's retry, the preference update;
- `tracker.reminders.emails`: the messages (templates under `templates/email/reminders/`);
- `tracker.reminders.schedule`: the Celery beat schedule, declared once and installed into django-celery-beat.

The Celery entry points are in `tracker.tasks`, the operator's command is `send_reminders`.
"""
