"""Query counts of the committee's pages and of a report do not grow with the data (`generate_scale_data`).

The same pages are counted on a small data set and on one ten times larger; the counts must be equal.
`make bench` measures the same pages at 100,000 assignments for time.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker import scale_data, services
from tracker.models import Assignment, Status

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/tracker/assignment/"
PAGES = {
    "admin list": ADMIN_LIST,
    "admin list, overdue in Europe": ADMIN_LIST + "?timeliness=overdue&mission__region__exact=europe",
    "admin list, a directive and a mission": ADMIN_LIST + "?task__directive__id__exact={directive}&mission__id__exact"
    "={mission}",
    "admin list, searched": ADMIN_LIST + "?q=EMB",
}


@pytest.fixture
def committee_client(client, committee_user):
    client.force_login(committee_user)
    return client


def grow(assignments: int, reports: int, seed: int) -> None:
    scale_data.generate(assignments=assignments, reports=reports, seed=seed, append=True)


def count(client, url: str) -> int:
    client.get(url)  # warm: process-wide caches (content types, time zones) are filled once, not per page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def page_counts(client) -> dict[str, int]:
    busiest = Assignment.objects.filter(task__directive__isnull=False).order_by("-version", "id").first()
    urls = {
        name: url.format(directive=busiest.task.directive_id, mission=busiest.mission_id)
        for name, url in PAGES.items()
    }
    urls["admin assignment page, busiest"] = f"{ADMIN_LIST}{busiest.pk}/change/"
    return {name: count(client, url) for name, url in urls.items()}


def report_count() -> int:
    a = Assignment.objects.filter(status=Status.IN_PROGRESS, percent__lt=90).order_by("id").first()
    head = a.mission.memberships.get(user__username__startswith="scale-head-").user
    with CaptureQueriesContext(connection) as ctx:
        services.report_submit(
            assignment_id=a.pk, author=head, status=Status.IN_PROGRESS, percent=a.percent, expected_version=a.version
        )
    return len(ctx)


def test_admin_pages_and_a_report_cost_the_same_queries_at_any_size(committee_client):
    grow(assignments=40, reports=200, seed=1)
    small = {**page_counts(committee_client), "report_submit": report_count()}
    busiest_small = Assignment.objects.order_by("-version").first().version
    grow(assignments=1200, reports=12_000, seed=2)
    assert Assignment.objects.count() == 1240
    large = {**page_counts(committee_client), "report_submit": report_count()}
    assert Assignment.objects.order_by("-version").first().version > busiest_small
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries grew with the data (small, large): {grown} — why?"


def test_the_filtered_admin_list_stays_within_ten_queries_and_a_report_within_eight(committee_client):
    grow(assignments=600, reports=4000, seed=3)
    counts = page_counts(committee_client)
    assert counts["admin list, overdue in Europe"] <= 10, counts
    assert max(counts.values()) <= 10, counts
    assert report_count() <= 8


def test_directive_and_mission_filters_are_drop_downs_that_filter(committee_client):
    from tracker.models import Directive

    grow(assignments=200, reports=800, seed=4)
    a = Assignment.objects.filter(task__directive__isnull=False).order_by("id").first()
    url = f"{ADMIN_LIST}?task__directive__id__exact={a.task.directive_id}"
    response = committee_client.get(url)
    page = response.content.decode()
    assert page.count('<select id="filter-task__directive__id__exact"') == 1
    assert page.count("<option value=") >= Directive.objects.count() + 94
    assert f'<option value="{a.task.directive_id}" selected>' in page
    shown = response.context["cl"].result_list
    assert shown and {x.task.directive_id for x in shown} == {a.task.directive_id}
    both = committee_client.get(url + f"&mission__id__exact={a.mission_id}").context["cl"].result_list
    assert a in both and {x.mission_id for x in both} == {a.mission_id}
    assert committee_client.get(f"{ADMIN_LIST}?task__directive__id__exact=nonsense").status_code in (200, 302)


def test_row_links_of_a_filtered_list_lead_back_to_the_same_list(committee_client):
    from urllib.parse import parse_qs, urlsplit

    grow(assignments=60, reports=300, seed=5)
    query = "mission__region__exact=europe&status__exact=completed"
    response = committee_client.get(f"{ADMIN_LIST}?{query}")
    rows = response.context["cl"].result_list
    assert rows
    link = response.context["cl"].url_for_result(rows[0])
    assert urlsplit(link).path == f"{ADMIN_LIST}{rows[0].pk}/change/"
    assert parse_qs(urlsplit(link).query) == {"_changelist_filters": [query]}
    encoded = "mission__region__exact%3Deurope%26status__exact%3Dcompleted"
    assert f'href="{ADMIN_LIST}{rows[0].pk}/change/?_changelist_filters={encoded}"' in response.content.decode()
