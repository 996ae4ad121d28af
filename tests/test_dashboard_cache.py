"""The dashboard's scans are cached under the database's state: read again on unchanged data they cost no query,
and any write since, by any path, is counted on the next view.

The data is committed (a transactional test), as in production: inside a transaction that has written, the
figures are never cached, since its own writes are not in the state's numbers.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import dashboard_data as data
from tracker import dashboard, services
from tracker.dashboard import Scope
from tracker.models import Assignment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

H1 = Scope(start=data.H1_START, end=data.H1_END)
SCANS = 3  # by mission, by task, the trend


@pytest.fixture
def world():
    return data.build()


def view(scope=H1, now=data.NOW):
    with CaptureQueriesContext(connection) as queries:
        dash = dashboard.dashboard(scope, now=now)
    return dash, len(queries)


def shown(dash: dashboard.Dashboard) -> tuple:
    """What the dashboard shows: every figure of every table and the trend."""
    return (
        dash.key,
        [(row.key, row.figures) for row in dash.regions],
        [(m.code, m.total, m.overdue, m.on_time, m.last_report) for m in dash.missions],
        [(row.key, row.figures) for row in dash.themes],
        [(row.key, row.label, row.figures) for row in dash.directives],
        [(row.key, row.label, row.figures) for row in dash.commitments],
        dash.trend,
        [(m.code, m.open_assignments, m.last_report) for m in dash.silent],
    )


def test_unchanged_data_is_read_from_the_cache_with_the_same_figures(world):
    first, cold = view()
    again, warm = view()
    assert warm == cold - SCANS
    assert shown(again) == shown(first)
    assert (again.key.total, again.key.overdue, again.key.pending_extensions) == (9, 3, 1)


def test_a_report_filed_since_is_counted_on_the_next_view(world):
    view()
    a8 = world["assignments"]["A8"]
    services.report_submit(
        assignment_id=a8.pk, author=world["heads"]["BB"], status="completed", percent=100, now=data.at("2024-06-14")
    )
    dash, queries = view()
    assert dash.key.completed == 4 and dash.key.on_track == 0  # A8 was on track, now completed on time
    assert [p.reports for p in dash.trend][-1] == 3  # June's reports: A4, A10 and now A8
    assert queries == view()[1] + SCANS  # read afresh, then cached again


def test_a_write_that_sends_no_signal_is_counted_too(world):
    view()
    with connection.cursor() as cursor:  # raw SQL, as a restore or a database console would write
        cursor.execute(
            f"UPDATE {Assignment._meta.db_table} SET status = %s, completed_on = NULL WHERE id = %s",
            ["in_progress", world["assignments"]["A2"].pk],
        )
    dash, _queries = view()
    assert dash.key.completed == 2 and dash.key.late == 0 and dash.key.overdue == 4


def test_a_new_day_is_counted_on_unchanged_data(world):
    today = view()[0]
    assert today.key.due_soon == 2  # A5 is due on 14/06, still the day in New York
    tomorrow, queries = view(now=data.NOW + datetime.timedelta(days=1))
    assert tomorrow.key.overdue == 4 and tomorrow.key.due_soon == 1  # A5 has fallen overdue
    assert queries == view()[1] + SCANS


def test_each_scope_has_its_own_figures(world):
    view()
    europe, _queries = view(Scope(start=data.H1_START, end=data.H1_END, region="europe"))
    assert (europe.key.total, europe.key.completed, europe.key.overdue) == (4, 2, 1)
    assert [m.code for m in europe.missions] == ["EMB-BB"]


def test_inside_a_transaction_that_wrote_the_figures_are_read_afresh(world):
    with transaction.atomic():
        Assignment.objects.filter(pk=world["assignments"]["A8"].pk).update(status="blocked")
        first, cold = view()
        assert first.key.blocked == 2
        Assignment.objects.filter(pk=world["assignments"]["A7"].pk).update(status="blocked")
        again, warm = view()
        assert again.key.blocked == 3 and warm == cold


def test_a_cache_server_that_does_not_answer_costs_the_scans_not_the_page(world, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    first, cold = view()
    again, warm = view()
    assert shown(again) == shown(first) and warm == cold
    assert "dashboard figures cache: read failed" in caplog.text


def test_the_page_read_again_sends_three_statements_fewer(world, client):
    client.force_login(world["committee"])
    url = reverse("admin:tracker_dashboard") + "?start=2024-01-01&end=2024-06-30"
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert len(warm) == len(cold) - SCANS
    assert first.content.count(b"EMB-BB") == again.content.count(b"EMB-BB") > 0
