"""The committee's pages cost the same number of queries at 100 and at 10,000 assignments."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, DirectiveFactory, TaskFactory
from tracker.models import Assignment, ExtensionRequest, Report, Status, Theme

pytestmark = pytest.mark.django_db

STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED, Status.BLOCKED, Status.CANCELLED]


class Network:
    """Tasks over the 94 missions; `grow(n)` adds n assignments (with reports and extension requests)."""

    def __init__(self, missions, author, tasks: int = 110):
        self.author = author
        themes = list(Theme.objects.all())
        directives = [DirectiveFactory() for _ in range(4)]
        commitments = [CommitmentFactory() for _ in range(4)]
        self.tasks = []
        for i in range(tasks):
            task = TaskFactory(directive=directives[i % 4], commitment=commitments[i % 5] if i % 5 < 4 else None)
            task.themes.set([themes[i % len(themes)], themes[(i * 7) % len(themes)]])
            self.tasks.append(task)
        self.pairs = itertools.product(self.tasks, list(missions))
        self.count = 0
        self.today = timezone.localdate()

    def grow(self, n: int) -> None:
        assignments = []
        for i, (task, mission) in zip(range(n), self.pairs, strict=False):
            k = self.count + i
            status = STATUSES[k % 5]
            deadline = self.today + datetime.timedelta(days=(k % 400) - 250)
            completed_on = deadline + datetime.timedelta(days=(k % 9) - 4) if status == Status.COMPLETED else None
            assignments.append(
                Assignment(
                    task=task,
                    mission=mission,
                    original_deadline=deadline,
                    deadline=deadline,
                    status=status,
                    percent=100 if status == Status.COMPLETED else (k * 7) % 100,
                    completed_on=completed_on,
                    last_reported_at=timezone.now() - datetime.timedelta(days=k % 90) if k % 3 else None,
                )
            )
        created = Assignment.objects.bulk_create(assignments)
        self.count += len(created)
        reports = [
            Report(
                assignment=a,
                author=self.author,
                created_at=a.last_reported_at,
                previous_status=Status.NOT_STARTED,
                status=a.status,
                percent=a.percent,
            )
            for a in created
            if a.last_reported_at
        ]
        Report.objects.bulk_create(reports)
        ExtensionRequest.objects.bulk_create(
            ExtensionRequest(
                assignment=a,
                requested_by=self.author,
                current_deadline=a.deadline,
                requested_deadline=a.deadline + datetime.timedelta(days=30),
                reason="More time",
            )
            for a in created[::25]
        )


def pages(mission_id: int, commitment_id: int, theme_id: int) -> list[str]:
    filters = f"?period=year&region=europe&theme={theme_id}"
    return [
        reverse("admin:index"),
        reverse("admin:index") + filters,
        reverse("admin:index") + "?sort=-last_report",
        reverse("admin:tracker_report"),
        reverse("admin:tracker_report") + filters,
        reverse("admin:tracker_dashboard_xlsx"),
        reverse("admin:tracker_scorecard", args=[mission_id]),
        reverse("admin:tracker_commitment_followup"),
        reverse("admin:tracker_commitment_followup_detail", args=[commitment_id]),
    ]


def count_queries(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm the caches (content types, permissions) the first request fills
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), [q["sql"][:160] for q in ctx.captured_queries]


def test_committee_pages_cost_the_same_at_100_and_10000_assignments(client, missions, committee_user):
    network = Network(missions, committee_user)
    network.grow(100)
    client.force_login(committee_user)
    mission = missions.get(code="EMB-DE")
    commitment = network.tasks[0].commitment
    theme = Theme.objects.first()
    urls = pages(mission.pk, commitment.pk, theme.pk)
    small = {url: count_queries(client, url) for url in urls}

    network.grow(9900)
    assert Assignment.objects.count() == 10000
    assert Report.objects.count() > 6000
    large = {url: count_queries(client, url) for url in urls}

    for url in urls:
        assert small[url][0] == large[url][0], (
            f"{url}: {small[url][0]} queries at 100 assignments, {large[url][0]} at 10,000 — why?\n"
            + "\n".join(large[url][1])
        )
    # The dashboard itself: session and user, the themes (the filter's choices and the rows by theme), the
    # missions (time zones, with the pending extensions and commitments without a task counted along), and three
    # scans: by mission (key figures, regions, missions, silent missions), by task (directives, commitments,
    # themes), the trend. Was 15 (one query per table) before the scans were shared.
    for url in (reverse("admin:index"), reverse("admin:index") + f"?period=year&region=europe&theme={theme.pk}"):
        assert small[url][0] == 7, "\n".join(small[url][1])
