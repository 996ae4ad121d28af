"""Real processes for the end-to-end and fault tests: a private Redis server, a Celery worker, the web server
(gunicorn), and a small HTTP client with cookies and CSRF, all on loopback and started by the test itself.

Nothing here touches the machine's shared Redis (6379) or restarts the shared PostgreSQL server.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

WAIT = 90  # seconds allowed for a process to start or to finish its work (a deadline for failing, not a speed test)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database (the one pytest-django created) as a URL for other processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(condition, what: str, process=None, timeout: float = WAIT) -> None:
    """Waits for `condition()`; fails with `process`'s log when it dies or the time is up."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and not process.alive():
            pytest.fail(f"{process.name} stopped while waiting for {what}:\n{process.output()[-4000:]}")
        if time.monotonic() > deadline:
            log = f"; {process.name} log:\n{process.output()[-4000:]}" if process is not None else ""
            pytest.fail(f"gave up waiting for {what} after {timeout} s{log}")
        time.sleep(0.2)


def app_env(**overrides: str) -> dict:
    """The environment of the product's processes: local settings, the test database, no shared Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "DATABASE_URL": database_url(),
        "SITE_URL": "http://testserver",
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
    }
    env.update(overrides)
    return env


class Process:
    """A child process whose output goes to a log file."""

    name = "process"

    def __init__(self, command: list[str], *, env: dict, log_path):
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        # Its own process group, so that a kill reaches the children it forks too (a worker's pool).
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL to the process and its children, as when the machine or container dies: no clean-up, no
        acknowledgement, nothing finishes (and no orphan keeps a database connection open)."""
        self._kill_group()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._kill_group()  # a child left behind by the shutdown
        if not self.log.closed:
            self.log.close()


class RedisServer:
    """A private redis-server on its own loopback port, started, stopped and started again by the test."""

    def __init__(self, log_path, port: int | None = None):
        self.port = port or free_port()
        self.log_path = log_path
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = Process(command, env=dict(os.environ), log_path=self.log_path)
        self.process.name = "redis-server"
        wait_until(self.answers, f"redis-server on port {self.port}", self.process)
        return self

    def stop(self) -> None:
        """Stops the server (SIGTERM, no save): every connection to it breaks."""
        if self.process is not None:
            self.process.stop()
            self.process = None
        wait_until(lambda: not self.answers(), f"redis-server on port {self.port} to stop")


class Worker(Process):
    """`celery worker` (one process, the solo pool) with the product's local settings."""

    name = "celery worker"

    def __init__(self, *, log_path, **env: str):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        super().__init__(command, env=app_env(**env), log_path=log_path)

    def succeeded(self, task: str) -> int:
        """How many times the worker logged the task as succeeded."""
        return sum(1 for line in self.output().splitlines() if f"Task {task}[" in line and " succeeded " in line)

    def ready(self) -> bool:
        return " ready." in self.output()


class WebServer(Process):
    """The product's web application under gunicorn (one synchronous worker), as in production."""

    name = "gunicorn"

    def __init__(self, *, log_path, **env: str):
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ]
        super().__init__(command, env=app_env(**env), log_path=log_path)
        try:
            wait_until(self._answers, "the web server", self)
        except BaseException:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/portal/login/", timeout=5).close()  # noqa: S310 (loopback)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser against a real server: cookies, CSRF tokens, no redirects followed."""

    def __init__(self, base_url: str, *, user=None):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        if user is not None:
            self.sign_in(user)

    def sign_in(self, user) -> None:
        """Signs the person in with a session stored in the shared database (as a log-in would)."""
        from django.test import Client

        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        host = urllib.parse.urlsplit(self.base_url).hostname
        self._cookie(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value, host)
        self._cookie(settings.LANGUAGE_COOKIE_NAME, "en", host)

    def _cookie(self, name: str, value: str, host: str) -> None:
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers or {})  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, dict(response.headers), response.read().decode(errors="replace")

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict, *, form_page: str | None = None):
        """Posts a form the way a browser does: with the CSRF token of the page that shows the form."""
        status, _headers, html = self.get(form_page or path)
        assert status == 200, f"the form page {form_page or path} answered {status}"
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, f"no CSRF token on {form_page or path}"
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": match.group(1)}, {"Referer": self.base_url})


def celery_client(broker_url: str) -> Celery:
    return Celery("test-client", broker=broker_url, broker_transport_options={"visibility_timeout": 3600})


def fire(broker_url: str, task: str, **kwargs) -> None:
    """Sends a task by its name, as beat does."""
    client = celery_client(broker_url)
    with client.connection_for_write(broker_url) as conn:
        client.send_task(task, kwargs=kwargs, connection=conn)


# --- work done in separate OS processes (multiprocessing, "spawn": a fresh interpreter each) --------------


def django_in_child(database_url: str) -> None:
    """Sets Django up in a process started with "spawn", on the parent's test database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def report_storm(database_url, assignment_id, user_id, count, stale_forms, barrier, results) -> None:
    """One person files `count` reports on the same assignment as fast as they can, starting with the others.

    With `stale_forms` each report carries the version the person just read (a form opened a moment ago), so some
    are refused as stale; otherwise every report must be kept.
    """
    django_in_child(database_url)
    from missions.models import User
    from tracker import services
    from tracker.models import Assignment

    user = User.objects.get(pk=user_id)
    saved, stale = [], 0
    barrier.wait()
    for i in range(count):
        blocked = (user_id + i) % 3 == 0
        kwargs = {}
        if stale_forms:
            kwargs["expected_version"] = Assignment.objects.values_list("version", flat=True).get(pk=assignment_id)
        try:
            report = services.report_submit(
                assignment_id=assignment_id,
                author=user,
                status="blocked" if blocked else "in_progress",
                percent=(user_id * 7 + i * 13) % 100,
                results=f"{user_id}:{i}",
                obstacles="Held up" if blocked else "",
                **kwargs,
            )
            saved.append(report.pk)
        except services.StaleReport:
            stale += 1
    results.put((user_id, saved, stale))


def extension_decision(database_url, extension_id, user_id, approve, barrier, results) -> None:
    """A committee member approves or rejects, at the same moment as another."""
    django_in_child(database_url)
    from missions.models import User
    from tracker import services

    user = User.objects.get(pk=user_id)
    barrier.wait()
    try:
        services.extension_decide(extension_id=extension_id, decided_by=user, approve=approve)
        results.put((user_id, "won"))
    except services.AlreadyDecided:
        results.put((user_id, "told"))
