"""The documented backup and restore, performed and checked: every row comes back."""

import datetime
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import DateTimeField

from tests.conftest import uses_postgres
from tests.factories import make_assignment, member
from tracker import audit, services
from tracker.models import Assignment, DataVersion, ExtensionRequest, Report

# Made anew rather than restored: Django's bookkeeping (the migrations applied, the content types and permissions
# `migrate` creates), the sessions (everyone signs in again), and the version the portal's cached filter options
# are kept under, which a restore moves past on purpose (tracker.options_cache).
NOT_COMPARED = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_session",
    DataVersion._meta.db_table,
}


def compared_tables() -> dict[str, type]:
    """{table: model} of every table but those made anew, the many-to-many tables included."""
    existing = set(connection.introspection.table_names()) - NOT_COMPARED
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in existing
    }


def select_all(model) -> str:
    """Every column of the model's table as text (the same text from both databases whatever their drivers make of
    the types); a content type or a permission by its name, not its id, since `migrate` numbers them anew."""
    qn = connection.ops.quote_name
    columns = []
    for field in model._meta.concrete_fields:
        column = f"t.{qn(field.column)}"
        if field.is_relation and field.related_model is ContentType:
            column = f"(SELECT ct.app_label || '.' || ct.model FROM django_content_type ct WHERE ct.id = {column})"
        elif field.is_relation and field.related_model is Permission:
            column = (
                "(SELECT ct.app_label || '.' || p.codename FROM auth_permission p"
                f" JOIN django_content_type ct ON ct.id = p.content_type_id WHERE p.id = {column})"
            )
        column = f"CAST({column} AS TEXT)"
        if connection.vendor == "sqlite" and isinstance(field, DateTimeField):
            column = f"substr({column}, 1, 23)"  # a JSON backup keeps times to the millisecond (Django's serializer)
        columns.append(column)
    return f"SELECT {', '.join(columns)} FROM {qn(model._meta.db_table)} t"  # noqa: S608 (names from the models)


def every_row(execute, tables: dict[str, type]) -> dict[str, list[tuple]]:
    """{table: its rows, sorted}, read with `execute(sql) -> rows`."""

    def order(row):
        return [(value is None, value or "") for value in row]

    return {table: sorted(map(tuple, execute(select_all(model))), key=order) for table, model in tables.items()}


def build_history(missions, committee_user):
    for code in ["EMB-US", "EMB-JP", "EMB-SA"]:
        a = make_assignment(mission=missions.get(code=code))
        head = member(a.mission)
        services.report_submit(assignment_id=a.pk, author=head, status="in_progress", percent=30, results="Bắt đầu ✓")
        services.report_submit(assignment_id=a.pk, author=head, status="blocked", percent=30, obstacles="مشكلة")
        req = services.extension_request_create(
            assignment_id=a.pk,
            requested_by=head,
            requested_deadline=a.deadline + datetime.timedelta(days=30),
            reason="Chờ phía bạn",
        )
        services.extension_decide(extension_id=req.pk, decided_by=committee_user, approve=True)
    # the committee's action log is part of the record too
    audit.admin_action_log(user=committee_user, objects=Assignment.objects.all(), message="Đã rà soát")


def run_manage(*args, database_url: str):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_brings_back_every_row(missions, committee_user, tmp_path):
    build_history(missions, committee_user)
    tables = compared_tables()
    with connection.cursor() as cursor:

        def read(sql):
            cursor.execute(sql)
            return cursor.fetchall()

        expected = every_row(read, tables)
    # what the history holds, so that a comparison of empty tables cannot pass for one of the record
    for model, least in ((Assignment, 3), (Report, 6), (ExtensionRequest, 3), (audit.AdminAction, 3)):
        assert len(expected[model._meta.db_table]) >= least, model
    assert sum(1 for rows in expected.values() if rows) >= 10
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
                restored.execute("SET TIME ZONE 'UTC'")  # as Django's own connection: times as text alike
                found = every_row(lambda sql: restored.execute(sql).fetchall(), tables)
        finally:
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    else:
        target = tmp_path / "restored.sqlite3"
        run_manage("restore", str(backup), "--yes", database_url=f"sqlite:///{target}")
        with sqlite3.connect(target) as restored:
            found = every_row(lambda sql: restored.execute(sql).fetchall(), tables)

    for table in tables:
        assert found[table] == expected[table], table


def test_restore_asks_for_confirmation(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))
