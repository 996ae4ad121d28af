"""The dashboard's scans are cached under the database's state: read again on unchanged data they cost no query,
and any write since, by any path, is counted on the next view.

The data is committed (a transactional test), as in production: inside a transaction nothing is cached, since it
may write between reading the state and a scan. The state is PostgreSQL's snapshot of the whole cluster, which
any transaction of anyone else's (autovacuum, another test run on the same server) moves: the tests of what else
the key holds keep it still (`still`), the tests of the state itself read it.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import CharField, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Mission
from tests import dashboard_data as data
from tracker import dashboard, services, timeliness
from tracker.dashboard import Scans, Scope
from tracker.models import Assignment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

H1 = Scope(start=data.H1_START, end=data.H1_END)
SCANS = 3  # by mission, by task, the trend


@pytest.fixture
def world():
    return data.build()


@pytest.fixture
def still(monkeypatch):
    """The database's state held still: nobody else's transaction can turn an expected hit into a miss."""
    monkeypatch.setattr(dashboard, "_DATA_STATE", Value("still", output_field=CharField()))


def state() -> str | None:
    return Mission.objects.annotate(state=dashboard._DATA_STATE).values_list("state", flat=True).first()


def steady_state() -> tuple[str | None, str | None]:
    """The state read twice in a row; again (a few times at most) when someone else's transaction ended between."""
    for _attempt in range(5):
        first, second = state(), state()
        if first == second:
            break
    return first, second


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


# --- the state ---------------------------------------------------------------------------------------------


def test_the_state_holds_while_nothing_is_written(world):
    first, second = steady_state()
    assert first is not None and first == second


def test_every_committed_write_moves_the_state_and_is_counted_on_the_next_view(world):
    assert view()[0].key.completed == 3
    before = state()
    a8 = world["assignments"]["A8"]
    services.report_submit(
        assignment_id=a8.pk, author=world["heads"]["BB"], status="completed", percent=100, now=data.at("2024-06-14")
    )
    after_report = state()
    assert after_report != before
    dash = view()[0]
    assert dash.key.completed == 4 and dash.key.on_track == 0  # A8 was on track, now completed on time
    assert [p.reports for p in dash.trend][-1] == 3  # June's reports: A4, A10 and now A8

    with connection.cursor() as cursor:  # raw SQL, as a restore or a database console writes: no signal
        cursor.execute(
            f"UPDATE {Assignment._meta.db_table} SET status = %s, completed_on = NULL WHERE id = %s",
            ["in_progress", world["assignments"]["A2"].pk],
        )
    assert state() != after_report
    dash = view()[0]
    assert dash.key.completed == 3 and dash.key.late == 0 and dash.key.overdue == 4


def test_inside_a_transaction_nothing_is_cached(world):
    with transaction.atomic():
        assert state() is not None  # nothing written yet
        Assignment.objects.filter(pk=world["assignments"]["A8"].pk).update(status="blocked")
        assert state() is None  # its own writes are not in the snapshot's numbers
        first, cold = view()
        assert first.key.blocked == 2
        Assignment.objects.filter(pk=world["assignments"]["A7"].pk).update(status="blocked")
        again, warm = view()
        assert again.key.blocked == 3 and warm == cold


def test_given_the_zones_the_figures_cost_no_query_for_the_state(world):
    zones = timeliness.mission_timezones()
    with CaptureQueriesContext(connection) as queries:
        rows = dashboard.by_directive(H1, now=data.NOW, zones=zones)
    assert [row.label for row in rows] == ["D2", "D1", ""]
    assert len(queries) == 1  # the scan by task alone, as before the cache


# --- what else the key holds (the state held still) ---------------------------------------------------------


def test_unchanged_data_is_read_from_the_cache_with_the_same_figures(world, still):
    first, cold = view()
    again, warm = view()
    assert warm == cold - SCANS
    assert shown(again) == shown(first)
    assert (again.key.total, again.key.overdue, again.key.pending_extensions) == (9, 3, 1)


def test_a_new_day_is_counted_on_unchanged_data(world, still):
    today, cold = view()
    assert today.key.due_soon == 2  # A5 is due on 14/06, still the day in New York
    tomorrow, queries = view(now=data.NOW + datetime.timedelta(days=1))
    assert tomorrow.key.overdue == 4 and tomorrow.key.due_soon == 1  # A5 has fallen overdue
    assert queries == cold


def test_each_scope_has_its_own_figures(world, still):
    view()
    europe, _queries = view(Scope(start=data.H1_START, end=data.H1_END, region="europe"))
    assert (europe.key.total, europe.key.completed, europe.key.overdue) == (4, 2, 1)
    assert [m.code for m in europe.missions] == ["EMB-BB"]


def test_each_span_of_months_has_its_own_trend(world, still):
    half = dashboard.trend_months(H1, data.NOW)
    assert [p.reports for p in Scans(H1, now=data.NOW).trend(half)] == [0, 2, 1, 1, 2, 2]
    spring = half[2:5]
    assert [p.reports for p in Scans(H1, now=data.NOW).trend(spring)] == [1, 1, 2]


def test_a_cache_server_that_does_not_answer_costs_the_scans_not_the_page(world, still, cache_server_down, caplog):
    first, cold = view()
    again, warm = view()
    assert shown(again) == shown(first) and warm == cold
    assert "dashboard figures cache: read failed" in caplog.text


def test_the_page_read_again_sends_three_statements_fewer(world, still, client):
    client.force_login(world["committee"])
    url = reverse("admin:tracker_dashboard") + "?start=2024-01-01&end=2024-06-30"
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert len(warm) == len(cold) - SCANS
    assert first.content.count(b"EMB-BB") == again.content.count(b"EMB-BB") > 0


def test_a_scan_inside_a_transaction_is_not_cached_for_others(world, still):
    with transaction.atomic():
        scans = Scans(H1, now=data.NOW)
        assert scans.all_missions  # the state is read here, before the transaction writes
        Assignment.objects.filter(pk=world["assignments"]["A8"].pk).update(status="blocked")
        assert scans.key_figures().blocked == 2  # its own write, counted for itself
        transaction.set_rollback(True)
    assert view()[0].key.blocked == 1  # what was committed: the uncommitted count was not kept
