"""`python -m bench` (what `make bench` runs): builds ten years of data in PostgreSQL and prints one table.

Environment:
  DATABASE_URL       the bench database (default postgres://postgres@127.0.0.1:5432/bench); created when
                     missing, migrated, and emptied of tracker work: its name must contain "bench".
  BENCH_ASSIGNMENTS  assignments to generate (100000)
  BENCH_REPORTS      reports to generate (1000000)
  BENCH_SEED         the generator's seed (1)
  BENCH_REUSE=1      keep the data already in the database instead of generating it again
  BENCH_WARMUP       untimed calls before timing each row (3)
  BENCH_REPEAT       timed calls per row (30)

Each row is measured beside its baseline (the straightforward version, `bench/baseline.py`), alternately,
in the same run, with a logged-in committee member or mission head and a warm database cache.
"""

import datetime
import itertools
import json
import os
import platform
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from unittest import mock

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").replace("_", "").replace(",", "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        sys.exit(f"{name} must be a whole number, not {raw!r}.")


def ensure_database() -> None:
    """Creates the bench database when it does not exist (connecting to the server's `postgres` database)."""
    import psycopg
    from django.db import connection
    from psycopg import sql

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        sys.exit("The bench runs on PostgreSQL: set DATABASE_URL=postgres://…/bench (or leave it unset).")
    if "bench" not in s["NAME"]:
        sys.exit(
            f"Refusing to use the database {s['NAME']!r}: the bench deletes all tracker work in its database, "
            "so its name must contain 'bench'."
        )
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}
    params = {k: str(v) for k, v in params.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [s["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(s["NAME"])))
            print(f"created database {s['NAME']}")


def machine() -> list[str]:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
            memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    broker = settings.CELERY_BROKER_URL
    if broker.startswith("redis"):
        import redis

        try:
            redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
            broker += " (answers)"
        except redis.RedisError:
            broker += " (NOT answering)"
    return [
        f"machine: {os.cpu_count()} CPUs, {memory} memory, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"PostgreSQL {pg} (shared_buffers {shared_buffers}), broker {broker}",
    ]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Bench:
    """What the rows need: logged-in clients, sample objects, and the callables that make one request."""

    def __init__(self):
        from django.db.models import Count

        from missions.models import Membership, Mission, User
        from tracker import dashboard, scale_data
        from tracker.models import Assignment, Status

        committee, _ = User.objects.get_or_create(
            username="bench-committee", defaults={"is_staff": True, "is_superuser": True}
        )
        self.committee = committee
        self._handler = None
        self.committee_client = self._signed_in(committee)

        # The mission with the most assignments, and its head.
        largest = Assignment.objects.values("mission_id").annotate(n=Count("*")).order_by("-n", "mission_id").first()
        self.largest_mission = Mission.objects.get(pk=largest["mission_id"])
        self.largest_mission_assignments = largest["n"]
        self.head = User.objects.get(username=scale_data.HEAD_USERNAME.format(code=self.largest_mission.code.lower()))
        self.head_client = self._signed_in(self.head)

        # A busy open assignment of that mission: the 90th percentile of reports per assignment.
        versions = sorted(Assignment.objects.values_list("version", flat=True))
        p90 = versions[int(len(versions) * 0.9)] if versions else 0
        self.sample = (
            Assignment.objects.filter(status=Status.IN_PROGRESS, version__gte=p90)
            .order_by("version", "id")
            .select_related("mission")
            .first()
        )

        # Open assignments to report on: the product and the baseline each get their own.
        pool = list(
            Assignment.objects.filter(status=Status.IN_PROGRESS, percent__lt=95)
            .order_by("id")
            .values_list("id", "mission_id", "percent", "version")[:800]
        )
        users = {u.pk: u for u in User.objects.filter(username__startswith="scale-head-")}
        heads = {
            mission_id: users[user_id]
            for mission_id, user_id in Membership.objects.filter(user_id__in=users).values_list("mission_id", "user_id")
        }
        if not pool or self.sample is None:
            sys.exit("Too little data to measure: raise BENCH_ASSIGNMENTS and BENCH_REPORTS.")
        self._heads = heads
        rows = [(pk, heads[m], pct, v) for pk, m, pct, v in pool]
        self._pool = itertools.cycle(rows[0:400:2])
        self._baseline_pool = itertools.cycle(rows[1:400:2])
        self._portal_pool = itertools.cycle(rows[400::2] or rows[0::2])
        self._portal_baseline_pool = itertools.cycle(rows[401::2] or rows[1::2])
        self._versions = {pk: v for pk, _, _, v in pool}
        # Work due around today (from the first day of the month before last to a month ahead), completed and
        # reopened in turn: the dashboard's first view after a completion, which comes around its deadline.
        today = dashboard.committee_today()
        since = (today.replace(day=1) - datetime.timedelta(days=32)).replace(day=1)  # the month before last
        around = {"deadline__gte": since, "deadline__lte": today + datetime.timedelta(days=30)}
        settling = list(
            Assignment.objects.filter(status__in=[Status.IN_PROGRESS, Status.COMPLETED], **around)
            .exclude(pk__in=[row[0] for row in pool])
            .filter(reports__results__endswith="; bench.")
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)[:8]
        ) or list(
            Assignment.objects.filter(status=Status.IN_PROGRESS, **around)
            .exclude(pk__in=[row[0] for row in pool])
            .order_by("-id")
            .values_list("id", flat=True)[:8]
        )
        if not settling:
            sys.exit("No work due around today to complete: raise BENCH_ASSIGNMENTS.")
        self._settling = itertools.cycle(settling)
        self._clients: dict = {}
        for _pk, head, _percent, _version in rows:  # logged in now: a login is not part of a timed POST
            self._client_of(head)
        self.mailbox = None
        self.sweep_now = None

    def get(self, url: str, *, client=None):
        """A callable: one GET as a logged-in user (the committee unless told), which must answer 200."""
        client = client or self.committee_client

        def request():
            response = client.get(url)
            if response.status_code != 200:
                raise AssertionError(f"GET {url} answered {response.status_code}")
            return response

        return request

    def submit(self):
        """One progress report through the product's service, in its own transaction (committed)."""
        from tracker import services

        pk, author, percent, _ = next(self._pool)
        author.__dict__.pop("_mission_roles", None)  # as in a new request: the roles are read again
        services.report_submit(
            assignment_id=pk,
            author=author,
            status="in_progress",
            percent=percent,
            results="Đã làm việc với đối tác; bench.",
            expected_version=self._versions[pk],
        )
        self._versions[pk] += 1

    def complete_or_reopen(self):
        """Completes one of a few assignments due around today as its mission's head, or reopens it as the committee
        when it is completed; the next run takes the same ones again (those the bench has reported on)."""
        from tracker import services
        from tracker.models import Assignment, Status

        pk = next(self._settling)
        assignment = Assignment.objects.select_related("mission").get(pk=pk)
        completing = assignment.status != Status.COMPLETED
        services.report_submit(
            assignment_id=pk,
            author=self._heads[assignment.mission_id] if completing else self.committee,
            status=Status.COMPLETED if completing else Status.IN_PROGRESS,
            percent=100 if completing else 90,
            results="Hoàn thành; bench." if completing else "Mở lại; bench.",
        )

    def submit_baseline(self):
        from bench import baseline

        pk, author, percent, _ = next(self._baseline_pool)
        author.__dict__.pop("_mission_roles", None)
        baseline.report_submit(
            assignment_id=pk, author=author, status="in_progress", percent=percent, results="Baseline; bench."
        )

    def head_of(self, mission_id: int):
        return self._heads[mission_id]

    def _signed_in(self, user):
        """A test client signed in as `user`. Every client shares one request handler, so the middleware is loaded
        once, as a server process loads it once: a handler of its own loaded it again on each client's first
        request (WhiteNoise reading every collected static file: 30 ms once `collectstatic` has run)."""
        from django.test import Client

        client = Client()
        if self._handler is None:
            self._handler = client.handler
        client.handler = self._handler
        client.force_login(user)
        return client

    def _client_of(self, user):
        if user.pk not in self._clients:
            self._clients[user.pk] = self._signed_in(user)
        return self._clients[user.pk]

    def portal_post(self, *, baseline: bool = False):
        """One report through the portal's form (a POST answered with a redirect), as the mission's head."""
        pool = self._portal_baseline_pool if baseline else self._portal_pool

        def request():
            pk, author, percent, _ = next(pool)
            data = {
                "status": "in_progress",
                "percent": percent,
                "results": "Đã làm việc với đối tác; bench.",
                "obstacles": "",
                "proposals": "",
                "version": self._versions[pk],
            }
            with ExitStack() as stack:
                if baseline:
                    from bench import baseline as straightforward

                    stack.enter_context(
                        mock.patch("tracker.services.report_submit", straightforward.portal_report_submit)
                    )
                response = self._client_of(author).post(f"/portal/assignments/{pk}/report/", data)
            if response.status_code != 302:
                raise AssertionError(f"POST report on {pk} answered {response.status_code}")
            self._versions[pk] += 1
            return response

        return request

    def patched(self, fn, **patches):
        """The callable run with module attributes replaced (the baselines of the portal, dashboard and API)."""

        def request():
            with ExitStack() as stack:
                for target, value in patches.items():
                    stack.enter_context(mock.patch(target.replace("__", "."), value))
                return fn()

        return request

    def start_mailbox(self) -> None:
        """An SMTP server on loopback (aiosmtpd) that counts what it receives, and a moment when every active
        mission's local morning has come on a working day (so that the sweep sends every mission's digest)."""
        from aiosmtpd.controller import Controller
        from django.utils import timezone

        from missions.models import Mission
        from tracker.reminders import policy as rules

        class Counter:
            received = 0

            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                Counter.received += 1
                return "250 Message accepted"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.mailbox = Controller(Counter(), hostname="127.0.0.1", port=port)
        self.mailbox.start()
        self.mailbox.counter = Counter
        policy = rules.current()
        missions = list(Mission.objects.active())
        moment = timezone.now().replace(minute=5, second=0, microsecond=0)
        for hours in range(24 * 8):
            candidate = moment - datetime.timedelta(hours=hours)
            if all(rules.local_morning(policy, now=candidate, zone=m.zone, weekend=m.weekend_days()) for m in missions):
                moment = candidate
                break
        self.sweep_now = moment

    def sweep(self, mode: str):
        """The reminder sweep in a child process (`bench/sweep.py`), mail to the SMTP server above."""
        from bench.measure import Sample

        def run():
            before = self.mailbox.counter.received
            env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{self.mailbox.port}"}
            done = subprocess.run(
                [sys.executable, "-m", "bench.sweep", mode, self.sweep_now.isoformat()],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"the {mode} sweep failed:\n{done.stderr[-3000:]}")
            data = json.loads(done.stdout.strip().splitlines()[-1])
            received = self.mailbox.counter.received - before - data.get("warmup_sent", 0)
            note = (
                f"{mode}: {received:,} messages received by the SMTP server ({data['sent']:,} sent), "
                f"peak memory {data['peak_mb']:.0f} MB ({data['rss_before_mb']:.0f} MB before the timed sweep: "
                "Python, Django and the warm-up run)"
            )
            return Sample(data["ms"], data["queries"], note)

        return run


def cases(b: Bench) -> list:
    """The table's rows: (name, the product's callable, the baseline's callable, target). One line per page."""
    from bench.measure import Case, Target

    admin = "/admin/tracker/assignment/"
    baseline = "/bench-baseline-admin/tracker/assignment/"
    overdue_europe = "?timeliness=overdue&mission__region__exact=europe"
    change = f"{b.sample.pk}/change/"
    from django import forms
    from django.db.models import CharField, Value

    from bench import baseline as straightforward
    from bench import baseline_dashboard

    portal = "/portal/"
    detail = f"/portal/assignments/{b.sample.pk}/"
    api = "/api/v1/assignments/"
    sample_head = b.head_of(b.sample.mission_id)
    sample_client = b._client_of(sample_head)
    portal_baseline = {
        "tracker__selectors__portal_assignment_list": straightforward.portal_assignment_list,
        "tracker__selectors__assignment_filter_choices": straightforward.portal_filter_choices,
        "tracker__selectors__assignment_filter_options": straightforward.portal_filter_options,
        "tracker__views__assignments__OptionsSelect": forms.Select,
    }
    # The portal's page holds 25 (and takes no ?page_size): the 50 is measured with the size raised here.
    fifty = {"tracker__views__assignments__PAGE_SIZE": 50}
    detail_baseline = {
        "tracker__selectors__assignment_detail": straightforward.portal_assignment_detail,
        "tracker__selectors__assignment_timeline": straightforward.portal_assignment_timeline,
    }
    b.start_mailbox()
    return [
        Case("admin list, 100/page", b.get(admin), b.get(baseline), Target(queries=10)),
        Case(
            "admin list, overdue in Europe, 100/page",
            b.get(admin + overdue_europe),
            b.get(baseline + overdue_europe),
            Target(median_ms=60, p95_ms=120, queries=10, speedup=4),
        ),
        Case(f"admin assignment page ({b.sample.version} reports)", b.get(admin + change), b.get(baseline + change)),
        Case("report submission (report_submit)", b.submit, b.submit_baseline, Target(median_ms=15, queries=8)),
        Case(
            "portal list, largest mission, 25/page",
            b.get(portal, client=b.head_client),
            b.patched(b.get(portal, client=b.head_client), **portal_baseline),
        ),
        Case(
            "portal list, largest mission, 50/page",
            b.patched(b.get(portal, client=b.head_client), **fifty),
            b.patched(b.get(portal, client=b.head_client), **fifty, **portal_baseline),
            Target(median_ms=25, p95_ms=50, queries=6),
        ),
        Case(
            f"portal assignment page ({b.sample.version} reports)",
            b.get(detail, client=sample_client),
            b.patched(b.get(detail, client=sample_client), **detail_baseline),
        ),
        Case(
            "report through the portal (one POST)",
            b.portal_post(),
            b.portal_post(baseline=True),
            Target(median_ms=15, queries=8),
        ),
        Case(
            "dashboard (/admin/)",
            b.get("/admin/"),
            b.patched(b.get("/admin/"), tracker__dashboard__dashboard=baseline_dashboard.dashboard),
            Target(median_ms=150, p95_ms=300, queries=8),
        ),
        # The first view after a write counts again what the write can have changed (see tracker.dashboard): after
        # a progress report, the open work; after a completion or a reopening, the recent settled work too. Each
        # timed view comes after its own write (untimed, committed). The last row counts everything every time.
        Case(
            "dashboard, first view after a report",
            b.get("/admin/"),
            target=Target(median_ms=150, p95_ms=300, queries=8),
            before=b.submit,
        ),
        Case(
            "dashboard, first view after a completion",
            b.get("/admin/"),
            target=Target(median_ms=150, p95_ms=300, queries=8),
            before=b.complete_or_reopen,
        ),
        Case(
            "dashboard, nothing cached",
            b.patched(
                b.get("/admin/"),
                tracker__dashboard___DATA_STATE=Value(None, output_field=CharField()),
                tracker__dashboard___SETTLED_STATE=Value(None, output_field=CharField()),
            ),
            target=Target(queries=8),
        ),
        Case(
            "API assignment list, 50/page",
            b.get(api),
            b.patched(b.get(api), tracker__selectors__assignment_list=straightforward.portal_assignment_list),
            Target(queries=10),
        ),
        # As in service: beat's sweep task, the batches sent by a Celery worker of two processes (the Procfile's).
        Case(
            "reminder sweep, every mission's digest",
            b.sweep("workers"),
            b.sweep("baseline"),
            Target(median_ms=10_000, speedup=10),
            warmup=0,
            repeat=_env_int("BENCH_SWEEP_REPEAT", 3),
            self_timed=True,
        ),
        # The same sweep with its batches sent one after the other in one process (`manage.py send_reminders`).
        Case(
            "reminder sweep, in one process",
            b.sweep("product"),
            b.sweep("baseline"),
            warmup=0,
            repeat=_env_int("BENCH_SWEEP_REPEAT", 3),
            self_timed=True,
        ),
    ]


def settle() -> None:
    """Writes the freshly generated data out of PostgreSQL's buffers (a checkpoint), so that the first rows
    measured do not share the machine with that write, as a database in service has long since done."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:  # a role without the right: measured as it is
        print(f"no checkpoint after the data set ({exc}); the first rows may be slower", file=sys.stderr)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from bench.measure import measure, table
    from tracker import scale_data
    from tracker.management.commands.generate_scale_data import ProgressBar
    from tracker.models import Assignment, Report

    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)
    assignments = _env_int("BENCH_ASSIGNMENTS", 100_000)
    reports = _env_int("BENCH_REPORTS", 1_000_000)
    seed = _env_int("BENCH_SEED", 1)
    warmup = _env_int("BENCH_WARMUP", 3)
    repeat = _env_int("BENCH_REPEAT", 30)

    header = machine()
    if os.environ.get("BENCH_REUSE") == "1" and Assignment.objects.exists():
        generated = "data reused (BENCH_REUSE=1)"
    else:
        print(f"generating {assignments:,} assignments and {reports:,} reports (seed {seed}); load {load()}")
        scale_data.flush()
        bar = ProgressBar(sys.stderr)
        result = scale_data.generate(assignments=assignments, reports=reports, seed=seed, progress=bar)
        bar.close()
        generated = f"generated in {result.seconds:.1f} s by generate_scale_data (COPY), load {load()} after"
        settle()
    counts = f"{Assignment.objects.count():,} assignments, {Report.objects.count():,} reports"

    b = Bench()
    rows = []
    started = time.perf_counter()
    load_before = load()
    only = os.environ.get("BENCH_ONLY", "").lower()
    for case in cases(b):
        if only not in case.name.lower():
            continue
        print(f"measuring {case.name} …", file=sys.stderr)
        rows.append(
            measure(
                case,
                warmup=warmup if case.warmup is None else case.warmup,
                repeat=repeat if case.repeat is None else case.repeat,
            )
        )
    print()
    for line in header:
        print(line)
    print(f"data: {counts} ({generated}); database {connection.settings_dict['NAME']}")
    print(
        f"largest mission {b.largest_mission.code}: {b.largest_mission_assignments:,} assignments; "
        f"{warmup} warm-up + {repeat} timed calls per row, product and baseline alternately; "
        f"load average {load_before} before, {load()} after ({time.perf_counter() - started:.0f} s)"
    )
    if b.mailbox is not None:
        b.mailbox.stop()
    print()
    print(table(rows))
    missed = [row for row in rows if row.verdict().startswith("MISSED")]
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
