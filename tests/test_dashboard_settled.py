"""The dashboard's settled work (completed or cancelled assignments) is cached under tokens that database triggers
replace in the transaction of any write that changes it; open work is counted again after any write.

What a committee member must see: after every kind of write, the same figures as a count made afresh. What the
design spares: a report on open work recounts only the open work; a completion, the recent settled work with it.
"""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.utils import timezone

from missions.models import Mission
from tests import dashboard_data as data
from tracker import dashboard, services
from tracker.dashboard import Scans, Scope
from tracker.models import Assignment, Directive, SettledWork, Task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EVERYTHING = Scope()
LATER = datetime.datetime(2026, 6, 15, 2, 0, tzinfo=datetime.UTC)  # the world's 2024 deadlines are old by then


@pytest.fixture
def world():
    return data.build()


def tokens() -> dict[str, str]:
    return {name: str(token) for name, token in SettledWork.objects.values_list("name", "token")}


def shown(dash: dashboard.Dashboard) -> tuple:
    """Every figure the dashboard shows."""
    return (
        dash.key,
        [(row.key, row.figures) for row in dash.regions],
        [(m.code, m.total, m.overdue, m.on_time, m.late, m.last_report) for m in dash.missions],
        [(row.key, row.figures) for row in dash.themes],
        [(row.key, row.label, row.extra, row.figures) for row in dash.directives],
        [(row.key, row.label, row.extra, row.figures) for row in dash.commitments],
        dash.trend,
        [(m.code, m.open_assignments, m.last_report) for m in dash.silent],
    )


def cached(scope=EVERYTHING, now=data.NOW) -> tuple:
    return shown(dashboard.dashboard(scope, now=now))


def counted_afresh(scope=EVERYTHING, now=data.NOW) -> tuple:
    """The same page with nothing read from the cache or written to it."""
    unknown = Value(None, output_field=CharField())
    with mock.patch.object(dashboard, "_DATA_STATE", unknown), mock.patch.object(dashboard, "_SETTLED_STATE", unknown):
        return shown(dashboard.dashboard(scope, now=now))


def slices_counted(scope=EVERYTHING, now=data.NOW) -> list[int]:
    """How many slices each assignment scan of one view had to count (0: all three from the cache)."""
    asked = []
    scan_by_mission, scan_by_task = Scans._scan_by_mission, Scans._scan_by_task

    def by_mission(self, slices, *, everything):
        asked.append(len(slices))
        return scan_by_mission(self, slices, everything=everything)

    def by_task(self, slices, *, everything):
        asked.append(len(slices))
        return scan_by_task(self, slices, everything=everything)

    with mock.patch.object(Scans, "_scan_by_mission", by_mission), mock.patch.object(Scans, "_scan_by_task", by_task):
        dashboard.dashboard(scope, now=now)
    return asked


def report(world, code: str, status: str, *, by: str = "head", percent: int = 50, now=data.NOW):
    assignment = Assignment.objects.select_related("mission").get(pk=world["assignments"][code].pk)
    author = world["committee"] if by == "committee" else world["heads"][assignment.mission.code.removeprefix("EMB-")]
    services.report_submit(assignment_id=assignment.pk, author=author, status=status, percent=percent, now=now)


def imported(world) -> None:
    """Work recorded as completed without a report (as an import of earlier years' work writes it)."""
    day = datetime.date(2024, 3, 1)
    Assignment.objects.create(
        task=world["tasks"]["K2"],
        mission=world["missions"]["DD"],
        original_deadline=day,
        deadline=day,
        status="completed",
        percent=100,
        completed_on=datetime.date(2024, 3, 5),
    )


# --- the triggers ------------------------------------------------------------------------------------------


def test_a_report_on_open_work_leaves_every_token_and_a_completion_replaces_its_deadline_years(world):
    before = tokens()
    # the month of every settled deadline: A11, A1, A2, A9 (cancelled) and A10
    settled = {"deadline:2024-02", "deadline:2024-03", "deadline:2024-04", "deadline:2024-05", "deadline:2024-08"}
    assert set(before) == {"structure", "reports", *settled}
    report(world, "A8", "in_progress", percent=30, now=None)  # filed now, as through the portal
    assert tokens() == before
    report(world, "A8", "completed", percent=100, now=None)  # due 30/06/2024
    after = tokens()
    assert set(after) - set(before) == {"deadline:2024-06"}
    assert {name: after[name] for name in before} == before


def test_the_reports_of_closed_months_change_with_a_late_filing_a_cancellation_or_a_move(world):
    before = tokens()
    report(world, "A6", "in_progress", now=timezone.now() - datetime.timedelta(days=29))
    assert tokens()["reports"] == before["reports"]  # within the month or so the trend always counts
    report(world, "A6", "in_progress", now=timezone.now() - datetime.timedelta(days=31))  # an import of old work
    late = tokens()["reports"]
    assert late != before["reports"]
    report(world, "A7", "cancelled", by="committee", percent=0, now=None)  # its reports leave the trend
    cancelled = tokens()["reports"]
    assert cancelled != late
    Assignment.objects.filter(pk=world["assignments"]["A3"].pk).update(mission=world["missions"]["DD"])
    assert tokens()["reports"] != cancelled  # its reports now count for another mission's region


def test_writes_by_any_path_replace_the_tokens_they_concern(world):
    a2 = world["assignments"]["A2"]  # completed late, deadline 30/04/2024
    before = tokens()
    with connection.cursor() as cursor:  # raw SQL, as a console or a restore writes: no Django signal
        cursor.execute(f"UPDATE {Assignment._meta.db_table} SET deadline = '2021-05-31' WHERE id = %s", [a2.pk])
    moved = tokens()
    # the month it left and the month it entered
    assert moved["deadline:2024-04"] != before["deadline:2024-04"] and moved["deadline:2021-05"]
    assert {name: moved[name] for name in before if name != "deadline:2024-04"} == {
        name: token for name, token in before.items() if name != "deadline:2024-04"
    }

    Directive.objects.filter(title="D2").update(title="D2, amended")  # a label the dashboard shows
    relabelled = tokens()
    assert relabelled["structure"] != moved["structure"] and relabelled["deadline:2024-04"] == moved["deadline:2024-04"]

    Task.objects.get(title="K4").themes.add(*world["themes"].values())  # how tasks sum into themes
    themed = tokens()
    assert themed["structure"] != relabelled["structure"]

    Assignment.objects.filter(pk=world["assignments"]["A5"].pk).update(percent=5)  # open work: nothing
    assert tokens() == themed


# --- what the committee sees -------------------------------------------------------------------------------


def test_after_each_kind_of_write_the_dashboard_shows_what_a_fresh_count_shows(world):
    a = world["assignments"]
    writes = [
        ("a progress report", lambda: report(world, "A7", "in_progress", percent=80)),
        ("a report filed for March (an import)", lambda: report(world, "A6", "in_progress", now=data.at("2024-03-10"))),
        ("a completion", lambda: report(world, "A8", "completed", percent=100)),
        ("a reopening", lambda: report(world, "A2", "in_progress", by="committee")),
        ("a cancellation", lambda: report(world, "A7", "cancelled", by="committee", percent=0)),
        ("work moved out of Paris", lambda: Assignment.objects.filter(pk=a["A11"].pk).update(mission=a["A3"].mission)),
        (
            "a completion day moved in SQL (on time to late)",
            lambda: Assignment.objects.filter(pk=a["A1"].pk).update(completed_on=datetime.date(2024, 4, 2)),
        ),
        ("a directive renamed", lambda: Directive.objects.filter(title="D1").update(title="D1, amended")),
        ("a task given a directive", lambda: Task.objects.filter(title="K4").update(directive=a["A1"].task.directive)),
        ("a theme taken off a task", lambda: Task.objects.get(title="K3").themes.clear()),
        ("completed work added directly (an import)", lambda: imported(world)),
        ("completed work deleted", lambda: Assignment.objects.filter(mission__code="EMB-DD").delete()),
    ]
    scopes = [EVERYTHING, Scope(region=Mission.Region.EUROPE), Scope(theme_id=world["themes"]["exports"].pk)]
    for scope in scopes:
        for now in (data.NOW, LATER):
            cached(scope, now)  # every slice in the cache before the first write
    for what, write in writes:
        write()
        for scope in scopes:
            for now in (data.NOW, LATER):
                assert cached(scope, now) == counted_afresh(scope, now), (what, scope, now)


def test_a_report_on_open_work_counts_only_the_open_work_again(world):
    cached()
    assert slices_counted() == []  # read again: nothing counted
    report(world, "A7", "in_progress", percent=80)
    assert slices_counted() == [1, 1]  # the open slice, by mission and by task
    assert cached() == counted_afresh()


def test_a_completion_counts_again_one_slice_of_settled_work_of_three(world):
    cached(now=data.NOW)
    cached(now=LATER)
    report(world, "A8", "completed", percent=100)  # deadline 30/06/2024
    # On 15 June 2024 that is recent work (since 1 April): the open slice and the recent one, by mission and by task;
    # the work due from January 2023 to March 2024 and the older work come from the cache.
    assert slices_counted(now=data.NOW) == [2, 2]
    # Seen from 2026 it is old work (before 2025): the open slice and the oldest.
    assert slices_counted(now=LATER) == [2, 2]
    report(world, "A7", "in_progress", percent=90)
    assert slices_counted(now=LATER) == [1, 1]
    assert cached(now=LATER) == counted_afresh(now=LATER)


def test_a_report_filed_now_counts_again_the_trend_of_open_months_only(world):
    cached()
    report(world, "A7", "in_progress", percent=80, now=None)
    asked = []
    scan_trend = Scans._scan_trend

    def spy(self, months, *, reports, cancelled):
        asked.append((list(reports), cancelled))
        return scan_trend(self, months, reports=reports, cancelled=cancelled)

    with mock.patch.object(Scans, "_scan_trend", spy):
        assert cached() == counted_afresh()
    # The last twelve months to June 2024: May ended after 11 May (35 days before 15 June), so May and June are
    # counted; the other ten months' reports, and those on cancelled work, come from the cache.
    assert asked == [([10, 11], False), ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], True)]


def test_inside_a_transaction_nothing_is_read_from_the_cache(world):
    from django.db import transaction

    cached()
    with transaction.atomic():
        Assignment.objects.filter(pk=world["assignments"]["A2"].pk).update(completed_on=datetime.date(2024, 4, 1))
        assert slices_counted() == [1, 1]  # everything in one slice, counted with this transaction's write
        dash = dashboard.dashboard(EVERYTHING, now=data.NOW)
        assert dash.key.on_time == 4 and dash.key.late == 0
        transaction.set_rollback(True)
    assert cached() == counted_afresh()
