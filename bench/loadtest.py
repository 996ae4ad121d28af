"""`make loadtest`: 50 mission heads browsing the portal and filing reports for 60 seconds against gunicorn with
several workers on loopback, with locust; prints the figures (no errors, p95 under 300 ms is the target).

Uses the bench database (`make bench` builds it; with none there, it builds 10,000 assignments first).
Environment: LOADTEST_USERS (50), LOADTEST_SECONDS (60), LOADTEST_WORKERS (4), DATABASE_URL as for the bench.
Exits 1 when a request failed or the p95 is over 300 ms.
"""

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
P95_TARGET_MS = 300


def prepare(users: int) -> list[dict]:
    """A signed-in session for `users` mission heads (the missions with most open work), with their assignments."""
    from django.db.models import Count, Q
    from django.test import Client

    from missions.models import Membership
    from tracker import scale_data
    from tracker.models import Assignment, Status

    if not Assignment.objects.exists():
        print("no data: generating 10,000 assignments and 100,000 reports", flush=True)
        scale_data.generate(assignments=10_000, reports=100_000, seed=1)
    heads = (
        Membership.objects.current()
        .filter(role=Membership.Role.HEAD, user__username__startswith="scale-head-")
        .annotate(open=Count("mission__assignments", filter=Q(mission__assignments__status=Status.IN_PROGRESS)))
        .order_by("-open", "mission__code")
        .select_related("user")[:users]
    )
    people = []
    for membership in heads:
        client = Client()
        client.force_login(membership.user)
        mine = Assignment.objects.filter(mission_id=membership.mission_id)
        open_work = mine.filter(status=Status.IN_PROGRESS, percent__lt=40)  # reports of 40–60 % are allowed
        people.append(
            {
                "username": membership.user.username,
                "session": client.cookies["sessionid"].value,
                "assignments": list(mine.order_by("-deadline").values_list("pk", flat=True)[:40]),
                "open": list(open_work.order_by("pk").values_list("pk", flat=True)[:20]),
            }
        )
    return [p for p in people if p["open"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback only)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    import django

    django.setup()
    from django.db import connection

    users = int(os.environ.get("LOADTEST_USERS", "50"))
    seconds = int(os.environ.get("LOADTEST_SECONDS", "60"))
    workers = int(os.environ.get("LOADTEST_WORKERS", "4"))
    people = prepare(users)
    connection.close()
    if not people:
        sys.exit("no mission head with open work to report on")
    bin_dir = Path(sys.executable).parent
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        people_file = Path(tmp) / "people.json"
        people_file.write_text(json.dumps(people), encoding="utf-8")
        server = subprocess.Popen(  # noqa: S603
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
            print(
                f"load test: {len(people)} mission heads for {seconds} s against gunicorn ({workers} workers) "
                f"on 127.0.0.1:{port}; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            subprocess.run(  # noqa: S603
                [
                    str(bin_dir / "locust"),
                    "-f",
                    str(Path(__file__).with_name("locustfile.py")),
                    "--headless",
                    "--users",
                    str(len(people)),
                    "--spawn-rate",
                    str(max(len(people) // 5, 1)),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(Path(tmp) / "result"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={**os.environ, "LOADTEST_PEOPLE": str(people_file)},
                check=False,
                timeout=seconds + 120,
            )
            with open(Path(tmp) / "result_stats.csv", encoding="utf-8") as stats:
                rows = list(csv.DictReader(stats))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print()
    print(f"{'request':48} {'count':>7} {'fails':>6} {'median':>7} {'p95':>7} {'max':>7} {'req/s':>6}")
    for row in rows:
        print(
            f"{row['Name'][:48]:48} {int(row['Request Count']):7d} {int(row['Failure Count']):6d} "
            f"{float(row['Median Response Time']):7.0f} {float(row['95%']):7.0f} "
            f"{float(row['Max Response Time']):7.0f} {float(row['Requests/s']):6.1f}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures, p95 = int(total["Failure Count"]), float(total["95%"])
    verdict = "met" if failures == 0 and p95 <= P95_TARGET_MS else "MISSED"
    print(f"\ntimes in ms; target: no errors, p95 ≤ {P95_TARGET_MS} ms: {verdict}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    sys.exit(main())
