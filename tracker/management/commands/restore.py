"""`manage.py restore FILE --yes`: replaces the whole database with a backup made by `manage.py backup`."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

from tracker import options_cache
from tracker.management.commands.backup import pg_env


class Command(BaseCommand):
    help = "Replaces the configured database with the backup in FILE. Everything in the database now is lost."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="Confirm that the current data is to be replaced.")

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("Restoring replaces everything in the database: add --yes to confirm.")
        # The portal's filter options are cached under versions this database has reached: the restored one
        # moves past them (the restored data may differ from what was cached under the same number).
        previous = options_cache.installed_version()
        if connection.vendor == "postgresql":
            conn_args, env = pg_env()
            result = subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *conn_args, file],
                env=env, capture_output=True, text=True, check=False,
            )
            if result.returncode:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            call_command("migrate", verbosity=0, interactive=False)
            call_command("flush", verbosity=0, interactive=False)
            # loaddata reads the format from the file name; a backup is JSON whatever its name.
            with tempfile.TemporaryDirectory() as tmp:
                json_copy = Path(tmp) / "backup.json"
                shutil.copyfile(file, json_copy)
                call_command("loaddata", str(json_copy), verbosity=0)
        options_cache.bump_past(previous)
        self.stdout.write(self.style.SUCCESS(f"Restored {connection.vendor} database from {file}"))
