"""Fault: the database restarts under a running application, which recovers without a restart of its own.

Real processes: the web application under gunicorn with persistent database connections (CONN_MAX_AGE=60, as in
production) and a `celery worker`, both against this test's own PostgreSQL database, with a private redis-server.

The shared PostgreSQL server must not be restarted (other people use it), so the restart is simulated the way
clients see one: every server process serving this test's database is terminated (`pg_terminate_backend`), which
breaks each open connection exactly as a restart does. The first request afterwards must already succeed: Django's
CONN_HEALTH_CHECKS finds the broken persistent connection and opens a new one, instead of answering 500.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from missions.models import Membership
from tests.factories import MissionFactory, make_assignment, member
from tests.process_support import Browser, RedisServer, WebServer, Worker, fire, wait_until
from tracker.models import Report

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def other_backends() -> list[int]:
    """Server processes connected to this test's database, other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def restart_the_database() -> int:
    """What a restart does to the application's connections: all of them are cut. Returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def redis_server(tmp_path):
    import shutil

    from tests.conftest import _missing

    if not shutil.which("redis-server"):
        _missing("redis-server is not installed (Debian package 'redis-server')")
    server = RedisServer(tmp_path / "redis.log").start()
    yield server
    server.stop()


def test_the_app_recovers_from_a_database_restart_without_restarting(tmp_path, artifacts_dir, redis_server):
    mission = MissionFactory(code="EMB-DB")
    head = member(mission, Membership.Role.HEAD, username="db-head", language="en")
    assignment = make_assignment(mission=mission, deadline=timezone.localdate() + datetime.timedelta(days=30))
    env = {"CELERY_BROKER_URL": redis_server.url, "CONN_MAX_AGE": "60", "EMAIL_URL": "memorymail://"}
    processes = []
    try:
        web = WebServer(log_path=tmp_path / "web.log", **env)
        worker = Worker(log_path=tmp_path / "worker.log", **env)
        processes += [web, worker]
        wait_until(worker.ready, "the worker to start", worker)
        browser = Browser(web.url, user=head)
        pids = (web.pid, worker.pid)

        assert browser.get(reverse("portal:home"))[0] == 200
        fire(redis_server.url, "tracker.outbox.drain")
        wait_until(lambda: worker.succeeded("tracker.outbox.drain") >= 1, "a task before the restart", worker)
        assert other_backends(), "the web server should be holding a persistent connection"

        assert restart_the_database() >= 1  # ------------------------------------------- the database "restarts"
        wait_until(lambda: other_backends() == [], "the terminated server processes to exit", timeout=15)

        # The very first request after the restart succeeds, and so does everything after it.
        status, _headers, body = browser.get(reverse("portal:home"))
        assert status == 200, body[:2000]
        status, _headers, body = browser.get("/healthz")
        assert status == 200 and '"database": "ok"' in body
        status, headers, _ = browser.post(
            reverse("portal:report_create", args=[assignment.pk]),
            {"status": "in_progress", "percent": 20, "results": "After the restart.", "version": assignment.version},
        )
        assert status == 302 and "#report-" in headers["Location"]
        assert Report.objects.filter(assignment=assignment, results="After the restart.").exists()

        restart_the_database()  # again, now while the worker is idle between tasks
        fire(redis_server.url, "tracker.outbox.drain")
        wait_until(lambda: worker.succeeded("tracker.outbox.drain") >= 2, "a task after the restart", worker)

        assert (web.pid, worker.pid) == pids and web.alive() and worker.alive()  # nothing was restarted
        assert " 500 " not in web.output()
        assert "OperationalError" not in worker.output()
    finally:
        for process in processes:
            process.stop()
            (artifacts_dir / f"faults-database-{process.name.replace(' ', '-')}.log").write_text(process.output())
