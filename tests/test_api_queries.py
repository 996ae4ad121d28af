"""Every list endpoint costs the same number of queries at 10 rows and at 1,000 (pages of up to 200 rows)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.models import Mission
from tests.api_world import build_world
from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory
from tracker.models import Assignment, Commitment, ExtensionRequest, Report, ReportAttachment, Task, Theme

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/missions/?page_size=200",
    "/api/v1/directives/?page_size=200",
    "/api/v1/commitments/?page_size=200",
    "/api/v1/tasks/?page_size=200",
    "/api/v1/assignments/?page_size=200",
    "/api/v1/assignments/?page_size=200&timeliness=overdue&ordering=-percent",
    "/api/v1/assignments/?page_size=200&status=in_progress&status=not_started&theme={theme}&q=Task",
    "/api/v1/reports/?page_size=200",
    "/api/v1/reports/?page_size=200&mission={mission}&submitted_after=2020-01-01",
    "/api/v1/extension-requests/?page_size=200&state=pending",
    "/api/v1/summary/",
    "/api/v1/summary/?region=asia_pacific&status=in_progress&status=not_started",
]

_seq = itertools.count()


def grow(world, n: int) -> None:
    """Adds n of everything to mission A's work (bulk inserts: these are rows to count, not behaviour)."""
    today = timezone.localdate()
    themes = list(Theme.objects.all()[:2]) or [
        Theme.objects.create(code="exports", name_vi="Xuất khẩu", name_en="Exports", group="traditional")
    ]
    batch = next(_seq)
    missions = MissionFactory.build_batch(n)
    for i, m in enumerate(missions):
        m.code = f"EMB-Q{batch}-{i}"
    Mission.objects.bulk_create(missions)
    directives = DirectiveFactory._meta.model.objects.bulk_create(DirectiveFactory.build_batch(n))
    commitments = Commitment.objects.bulk_create(CommitmentFactory.build_batch(n))
    tasks = TaskFactory.build_batch(n)
    for task, directive, commitment in zip(tasks, directives, commitments, strict=True):
        task.directive, task.commitment = directive, commitment
    tasks = Task.objects.bulk_create(tasks)
    Commitment.themes.through.objects.bulk_create(
        [Commitment.themes.through(commitment=c, theme=t) for c in commitments for t in themes]
    )
    Task.themes.through.objects.bulk_create([Task.themes.through(task=k, theme=t) for k in tasks for t in themes])
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                task=task,
                mission=world.mission_a,
                deadline=today + datetime.timedelta(days=i % 30 - 10),
                original_deadline=today + datetime.timedelta(days=i % 30 - 10),
                status="in_progress" if i % 2 else "not_started",
                percent=10 if i % 2 else 0,
            )
            for i, task in enumerate(tasks)
        ]
    )
    assignments = list(Assignment.objects.filter(task__in=tasks).order_by("pk"))
    reports = Report.objects.bulk_create(
        [
            Report(
                assignment=a,
                author=world.users["officer_a"],
                created_at=timezone.now(),
                previous_status="not_started",
                status=a.status,
                percent=a.percent,
                results="Progress",
            )
            for a in assignments
        ]
    )
    reports = list(Report.objects.filter(assignment__in=assignments))
    ReportAttachment.objects.bulk_create(
        [
            ReportAttachment(
                report=r, file="attachments/x.pdf", original_name="x.pdf", content_type="application/pdf", size=1
            )
            for r in reports
        ]
    )
    ExtensionRequest.objects.bulk_create(
        [
            ExtensionRequest(
                assignment=a,
                requested_by=world.users["head_a"],
                current_deadline=a.deadline,
                requested_deadline=a.deadline + datetime.timedelta(days=30),
                reason="More time",
            )
            for a in assignments
        ]
    )


def count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    body = response.json()
    rows = len(body["results"]) if "results" in body else body["total"]
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("role", ["committee", "head_a"])
def test_list_queries_do_not_grow_with_rows(role):
    world = build_world()
    theme = Theme.objects.first()
    urls = [u.format(theme=theme.pk, mission=world.mission_a.pk) for u in LISTS]
    client = world.client(role)
    grow(world, 10)
    small = {url: count_queries(client, url) for url in urls}
    grow(world, 990)
    large = {url: count_queries(client, url) for url in urls}
    for url in urls:
        (q_small, rows_small), (q_large, rows_large) = small[url], large[url]
        if "missions" not in url or role == "committee":
            assert rows_large > rows_small, (url, rows_small, rows_large)  # the page did fill up
        assert q_small == q_large, (
            f"{url} as {role}: {q_small} queries at 10 rows, {q_large} at 1,000: a query per row crept in. Why?"
        )
    # And the counts stay small: token, memberships, time zones, count, page and one prefetch at most.
    assert max(q for q, _ in large.values()) <= 7, large
