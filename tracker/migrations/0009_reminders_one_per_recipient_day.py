"""One reminder e-mail per address and day: the claim is unique on (recipient, local date), whatever the digest's
kind or mission. Items the committee's digests list as the committee's are marked, so that a committee member's
own missions' items can share their e-mail. The reminders log of the days before keeps what was sent then."""

from django.conf import settings
from django.db import migrations, models


def mark_committee_items(apps, schema_editor):
    ReminderItem = apps.get_model("tracker", "ReminderItem")
    ReminderItem.objects.filter(delivery__kind__in=["escalation", "weekly"]).update(for_committee=True)


class Migration(migrations.Migration):

    dependencies = [
        ('missions', '0001_initial'),
        ('tracker', '0008_assignment_mission_task_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminderdelivery',
            name='reminder_once_per_recipient_mission_day',
        ),
        migrations.RemoveConstraint(
            model_name='reminderdelivery',
            name='reminder_once_per_recipient_day',
        ),
        migrations.RemoveConstraint(
            model_name='reminderdelivery',
            name='reminder_delivery_mission_iff_mission_digest',
        ),
        migrations.AddField(
            model_name='reminderdelivery',
            name='claim',
            field=models.UUIDField(blank=True, db_index=True, editable=False, null=True, verbose_name='claim'),
        ),
        migrations.AddField(
            model_name='reminderitem',
            name='for_committee',
            field=models.BooleanField(default=False, help_text="Listed as the committee's (escalated, or overdue in the weekly summary), not as one's own.", verbose_name='for the committee'),
        ),
        migrations.RunPython(mark_committee_items, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='reminderdelivery',
            constraint=models.UniqueConstraint(fields=('recipient', 'local_date'), name='reminder_once_per_recipient_day'),
        ),
        migrations.AddConstraint(
            model_name='reminderdelivery',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'mission'), ('mission__isnull', True), _connector='OR'), name='reminder_delivery_committee_digest_no_mission'),
        ),
    ]
