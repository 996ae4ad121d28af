"""The version of the data the portal's filter options are drawn from, with its one row ("filter_options")."""

from django.db import migrations, models


def install(apps, schema_editor):
    DataVersion = apps.get_model("tracker", "DataVersion")
    DataVersion.objects.get_or_create(name="filter_options", defaults={"version": 0})


def uninstall(apps, schema_editor):
    DataVersion = apps.get_model("tracker", "DataVersion")
    DataVersion.objects.filter(name="filter_options").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0009_reminders_one_per_recipient_day'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('name', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('version', models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
