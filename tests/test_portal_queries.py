"""The portal's pages cost a fixed number of queries, whatever the number of rows.

If a count changes, ask why: a new query per row (N+1) is a bug; a new fixed query may be fine, then update the
pinned number here.
"""

import datetime
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DirectiveFactory, TaskFactory
from tests.portal_world import pdf
from tracker import selectors, services
from tracker.models import Assignment, Task, Theme

# Pinned counts: session, user, the counts by timeliness with the page count, the rows; and the time zones of the
# work with the version of the filters' options: a member's with their memberships, the committee's every mission's
# (its memberships are not read: it sees every mission's work). The filters' options come from the cache.
LIST_QUERIES = {"head_a": 5, "committee": 5}
# The first view after the work changed reads the options too (then cached): the list is 6 queries at most.
FIRST_VIEW_QUERIES = {"head_a": 6, "committee": 6}
# One more on the detail page once the reminders' delivery log is installed (the timeline shows reminders sent).
DETAIL_QUERIES = 9 + selectors.reminder_log_installed()


def add_assignments(world, count: int) -> None:
    """`count` more assignments for mission A (and as many for mission B), made by the committee's service."""
    directive = DirectiveFactory()
    theme = Theme.objects.create(code=f"t{Theme.objects.count()}", name_vi="Chủ đề", name_en="Theme", group="new")
    today = timezone.localdate()
    tasks = Task.objects.bulk_create(
        TaskFactory.build(directive=directive, default_deadline=today + datetime.timedelta(days=(i % 60) - 20))
        for i in range(count)
    )
    Task.themes.through.objects.bulk_create(Task.themes.through(task=t, theme=theme) for t in tasks)
    for task in tasks:
        services.task_assign(task=task, missions=[world.mission_a, world.mission_b])


def queries_for(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


LIST_VIEWS = [
    {},
    {"timeliness": "overdue"},
    {"ordering": "-percent", "page": "2"},
    {"status": ["in_progress", "not_started"], "q": "Task", "deadline_after": "01/01/2020"},
]


def test_the_list_costs_the_same_at_10_and_1000_assignments(client, world):
    urls = [reverse("portal:home") + ("?" + urlencode(p, doseq=True) if p else "") for p in LIST_VIEWS]
    add_assignments(world, 9)
    assert Assignment.objects.filter(mission=world.mission_a).count() == 10
    small = {}
    for who in LIST_QUERIES:
        client.force_login(world.user(who))
        assert queries_for(client, urls[0])[0] == FIRST_VIEW_QUERIES[who], f"{who}: the options not cached yet"
        for url in urls:
            small[who, url] = queries_for(client, url)[0]

    add_assignments(world, 990)
    assert Assignment.objects.filter(mission=world.mission_a).count() == 1000
    for who, pinned in LIST_QUERIES.items():
        client.force_login(world.user(who))
        assert queries_for(client, urls[0])[0] == FIRST_VIEW_QUERIES[who], f"{who}: new work, the options read again"
        for url in urls:
            large, sql = queries_for(client, url)
            assert small[who, url] == large, f"{who} {url}: queries grew with rows ({small[who, url]} → {large})\n" + (
                "\n".join(sql)
            )
            assert large == pinned, f"{who} {url}: the list now makes {large} queries (pinned {pinned}): why?"


def test_the_detail_page_costs_the_same_with_few_and_many_rows(client, world, media_root):
    client.force_login(world.head_a)
    url = reverse("portal:assignment_detail", args=[world.assignment_a.pk])
    add_assignments(world, 9)
    small, _ = queries_for(client, url)

    add_assignments(world, 990)
    a = world.assignment_a
    for i in range(25):
        services.report_submit(
            assignment_id=a.pk,
            author=world.officer_a if i % 2 else world.head_a,
            status="blocked" if i % 3 == 0 else "in_progress",
            percent=30 + i,
            results=f"Step {i}",
            obstacles="Waiting." if i % 3 == 0 else "",
            attachments=[pdf(f"r{i}.pdf"), pdf(f"s{i}.pdf")],
        )
    services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=True)
    services.extension_request_create(
        assignment_id=a.pk,
        requested_by=world.head_a,
        requested_deadline=a.deadline + datetime.timedelta(days=200),
        reason="Again.",
    )
    large, sql = queries_for(client, url)
    assert small == large, f"the page's queries grew with rows ({small} → {large}): why?\n" + "\n".join(sql)
    assert large == DETAIL_QUERIES, f"the detail page now makes {large} queries (pinned {DETAIL_QUERIES}): why?"


# A report through the portal: session, user, memberships, the assignment with its task and mission, then the
# service's transaction: the row locked, the report, the assignment, its history row. Eight statements, and two
# that only a test sees (its transaction makes the service's a SAVEPOINT and its RELEASE).
REPORT_POST_QUERIES = 8 + 2


def test_a_report_through_the_portal_costs_the_same_with_few_and_many_rows(client, world):
    client.force_login(world.head_a)
    url = reverse("portal:report_create", args=[world.assignment_a.pk])

    def post(percent: int) -> tuple[int, list[str]]:
        world.assignment_a.refresh_from_db()
        data = {"status": "in_progress", "percent": percent, "results": "Progress", "obstacles": "", "proposals": ""}
        data["version"] = world.assignment_a.version
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url, data)
        assert response.status_code == 302, response.content[:500]
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    post(20)  # the first POST of a session may store its messages; count the next ones
    small, _ = post(25)
    add_assignments(world, 300)
    for i in range(30):
        services.report_submit(
            assignment_id=world.assignment_a.pk, author=world.head_a, status="in_progress", percent=30 + i
        )
    large, sql = post(70)
    assert small == large, f"a report's queries grew with rows ({small} → {large}): why?\n" + "\n".join(sql)
    assert large == REPORT_POST_QUERIES, f"a report through the portal now makes {large} queries: why?\n" + "\n".join(
        sql
    )
