"""`manage.py backup FILE`: the whole database to one file (pg_dump custom format, or JSON on SQLite)."""

import subprocess

from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

# Made anew on restore (`migrate` creates the content types and permissions; everyone signs in again), so left out
# of a JSON backup. The committee's action log (admin.logentry) is kept: it names its content type by natural key.
JSON_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


def pg_env() -> tuple[list[str], dict]:
    """pg_dump / pg_restore connection arguments for the configured database (password via environment)."""
    import os

    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


class Command(BaseCommand):
    help = "Backs up the whole database to FILE (PostgreSQL: pg_dump -Fc; SQLite: dumpdata JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if connection.vendor == "postgresql":
            conn_args, env = pg_env()
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", file, *conn_args],
                env=env, capture_output=True, text=True, check=False,
            )
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            call_command(
                "dumpdata", natural_foreign=True, natural_primary=False, exclude=JSON_EXCLUDE, output=file,
                indent=None, verbosity=0,
            )
        self.stdout.write(self.style.SUCCESS(f"Backed up {connection.vendor} database to {file}"))
