"""The documented backup and restore, performed and checked: every row comes back."""

import datetime
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import uses_postgres
from tests.factories import make_assignment, member
from tracker import services
from tracker.models import Assignment, ExtensionRequest, Report

TABLES = {
    "tracker_assignment": Assignment,
    "tracker_report": Report,
    "tracker_extensionrequest": ExtensionRequest,
}


def build_history(missions, committee_user):
    for code in ["EMB-US", "EMB-JP", "EMB-SA"]:
        a = make_assignment(mission=missions.get(code=code))
        head = member(a.mission)
        services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=30, results="Bắt đầu ✓")
        services.report_submit(assignment_id=a.pk, author=head, status="blocked", percent=30, obstacles="مشكلة")
        req = services.extension_request_create(
            assignment_id=a.pk, requested_by=head, requested_deadline=a.deadline + datetime.timedelta(days=30),
            reason="Chờ phía bạn",
        )
        services.extension_decide(extension_id=req.pk, decided_by=committee_user, approve=True)
    return {table: model.objects.count() for table, model in TABLES.items()}


def run_manage(*args, database_url: str):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_brings_back_every_row(missions, committee_user, tmp_path):
    expected = build_history(missions, committee_user)
    reports_text = sorted(Report.objects.values_list("results", "obstacles"))
    backup = tmp_path / "tracker.backup"
    call_command("backup", str(backup), verbosity=0)
    assert backup.stat().st_size > 0

    if uses_postgres():
        import psycopg

        s = connection.settings_dict
        target = f"restore_{uuid.uuid4().hex[:8]}"
        dsn = f"host={s['HOST']} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{target}"')
        try:
            url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{target}"
            run_manage("restore", str(backup), "--yes", database_url=url)
            with psycopg.connect(dsn.replace("dbname=postgres", f"dbname={target}")) as restored:
                counts = {t: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
                texts = sorted(restored.execute("SELECT results, obstacles FROM tracker_report").fetchall())
        finally:
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    else:
        target = tmp_path / "restored.sqlite3"
        run_manage("restore", str(backup), "--yes", database_url=f"sqlite:///{target}")
        with sqlite3.connect(target) as restored:
            counts = {t: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
            texts = sorted(restored.execute("SELECT results, obstacles FROM tracker_report").fetchall())

    assert counts == expected
    assert [tuple(t) for t in texts] == reports_text


def test_restore_asks_for_confirmation(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
