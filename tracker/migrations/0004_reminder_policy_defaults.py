"""Installs the reminder policy's one row with the defaults of the product brief (the committee edits it later)."""

from django.db import migrations


def install(apps, schema_editor):
    ReminderPolicy = apps.get_model("tracker", "ReminderPolicy")
    ReminderPolicy.objects.get_or_create(
        pk=1,
        defaults={
            "send_hour": 8,
            "due_soon_days": "7,1",
            "due_today": True,
            "overdue_first_day": 1,
            "overdue_every_days": 7,
            "escalation_after_days": 14,
            "escalation_every_days": 7,
            "notify_heads": True,
            "notify_deputies": True,
            "notify_officers": True,
            "notify_mission_address": True,
            "committee_group": "Steering committee",
            "committee_timezone": "Asia/Ho_Chi_Minh",
            "committee_weekend": "67",
            "weekly_summary": True,
            "weekly_weekday": 1,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_reminders")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
