"""`python manage.py seed_demo`: the demo data set and the demo users, then a table of their log-ins."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import demo, demo_data


class Command(BaseCommand):
    help = (
        "Loads the demo data set drawn from the 2024 economic-diplomacy directives (directives, commitments, tasks "
        "assigned to missions, progress reports, extension requests) and the demo users, and prints their "
        "log-ins. Loads the missions and themes fixtures first when the database has none. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password of every demo user (default: $DEMO_PASSWORD, else a development default that is "
            "accepted only with DEBUG on).",
        )

    def handle(self, *args, password=None, **options):
        password = password or os.environ.get("DEMO_PASSWORD", "")
        if not password:
            if not settings.DEBUG:
                raise CommandError(
                    "DEBUG is off: give the demo users a password of your own with --password or DEMO_PASSWORD "
                    "(the development default is published in the code)."
                )
            password = demo_data.DEFAULT_PASSWORD
        try:
            result = demo.demo_seed(password=password)
        except demo.DemoDataError as error:
            raise CommandError(str(error)) from error

        created = {what: n for what, n in result.created.items() if n}
        if created:
            self.stdout.write("Created: " + ", ".join(f"{what} {n}" for what, n in created.items()) + ".")
        else:
            self.stdout.write("The demo data set is already there; nothing was changed.")
        for line in result.skipped:
            self.stderr.write(f"Skipped: {line}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo log-ins (the same password for every demo user):"))
        self.stdout.write(self._table(result.logins, password))

    @staticmethod
    def _table(logins: list[demo.Login], password: str) -> str:
        header = ("username", "name", "role", "mission", "password", "log in at", "note")
        rows = [(x.username, x.name, x.role, x.mission, password, x.url, x.note) for x in logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)
