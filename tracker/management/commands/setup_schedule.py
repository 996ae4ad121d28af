"""Installs the Celery beat schedule declared in `tracker.reminders.schedule` into django-celery-beat."""

from django.core.management.base import BaseCommand

from tracker.reminders.schedule import SCHEDULE, schedule_install


class Command(BaseCommand):
    help = (
        "Installs the periodic tasks (reminder sweep, outbox drain) into django-celery-beat; "
        "keeps entries changed in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Put every entry back to its value in the code.")

    def handle(self, *args, reset: bool = False, **options):
        written = schedule_install(reset=reset)
        for name in SCHEDULE:
            state = "installed" if name in written else "kept as it is"
            self.stdout.write(f"{name}: {state}")
