"""The dashboard's figures on the fixed data set of `tests.dashboard_data`, every number worked out by hand there."""

import datetime

import pytest

from tests import dashboard_data as data
from tracker import dashboard
from tracker.dashboard import Figures, Scope

H1 = Scope(start=data.H1_START, end=data.H1_END)


def figures(total, completed, on_time, late, overdue, due_soon, on_track, blocked, in_progress, not_started):
    return Figures(total, completed, on_time, late, overdue, due_soon, on_track, blocked, in_progress, not_started)


@pytest.fixture
def world(db):
    return data.build()


def test_key_figures_of_the_first_half_year(world):
    key = dashboard.key_figures(H1, now=data.NOW)
    # In scope: A1–A8 and A11 (A9 is cancelled, A10 is due in August).
    assert key.total == 9
    assert key.completed == 3  # A1, A2, A11
    assert key.on_time == 2  # A1, A11 (completed on its deadline day)
    assert key.late == 1  # A2
    assert key.overdue == 3  # A3, A4, A6 (14/06 has passed in Paris)
    assert key.blocked == 1  # A4
    assert key.due_soon == 2  # A5 (still 14/06 in New York), A7
    assert key.on_track == 1  # A8
    assert key.rate == 33.3  # 2 on time ÷ (3 completed + 3 overdue)
    assert key.pending_extensions == 1  # A7's
    assert (key.in_progress, key.not_started) == (2, 3)  # A3, A7; A5, A6, A8


def test_key_figures_of_all_time_add_the_august_assignment(world):
    key = dashboard.key_figures(Scope(), now=data.NOW)
    assert (key.total, key.completed, key.on_time, key.late, key.overdue) == (10, 4, 3, 1, 3)
    assert key.rate == 42.9  # 3 ÷ 7


def test_a_day_later_new_york_is_overdue_too(world):
    key = dashboard.key_figures(H1, now=data.NOW + datetime.timedelta(days=1))
    assert (key.overdue, key.due_soon) == (4, 1)  # A5 joins the overdue; A7 is still due soon


def test_by_region_has_every_region_even_without_work(world):
    rows = {row.key: row for row in dashboard.by_region(H1, now=data.NOW)}
    assert list(rows) == ["asia_pacific", "europe", "americas", "middle_east_africa"]
    assert rows["asia_pacific"].figures == figures(3, 1, 1, 0, 1, 1, 0, 1, 1, 0)  # A1, A4, A7
    assert rows["asia_pacific"].rate == 50.0
    assert rows["europe"].figures == figures(4, 2, 1, 1, 1, 0, 1, 0, 0, 2)  # A2, A6, A8, A11
    assert rows["europe"].rate == 33.3
    assert rows["americas"].figures == figures(2, 0, 0, 0, 1, 1, 0, 0, 1, 1)  # A3, A5
    assert rows["americas"].rate == 0.0
    assert rows["middle_east_africa"].figures == Figures()
    assert rows["middle_east_africa"].rate is None


def test_by_mission_lists_active_missions_worst_first(world):
    rows = list(dashboard.by_mission(H1, now=data.NOW))
    # EE is inactive with no work: left out. Each of AA, BB, CC has one overdue; the lowest rate comes first.
    assert [m.code for m in rows] == ["EMB-CC", "EMB-BB", "EMB-AA", "EMB-DD"]
    cc, bb, aa, dd = rows
    assert Figures.from_row(cc) == figures(2, 0, 0, 0, 1, 1, 0, 0, 1, 1)
    assert Figures.from_row(bb) == figures(4, 2, 1, 1, 1, 0, 1, 0, 0, 2)
    assert Figures.from_row(aa) == figures(3, 1, 1, 0, 1, 1, 0, 1, 1, 0)
    assert Figures.from_row(dd) == Figures()
    assert (round(cc.rate, 1), round(bb.rate, 1), round(aa.rate, 1), dd.rate) == (0.0, 33.3, 50.0, None)
    assert aa.last_report == data.at("2024-06-01")  # A4's blocked report (A10's June report is out of scope)
    assert bb.last_report == data.at("2024-05-10")
    assert cc.last_report == data.at("2024-05-05")  # A9's cancelling report does not count
    assert dd.last_report is None


def test_by_mission_sorts_on_any_column(world):
    def codes(sort):
        return [m.code for m in dashboard.by_mission(H1, now=data.NOW, sort=sort)]

    assert codes("code") == ["EMB-AA", "EMB-BB", "EMB-CC", "EMB-DD"]
    assert codes("-total") == ["EMB-BB", "EMB-AA", "EMB-CC", "EMB-DD"]
    assert codes("-rate") == ["EMB-AA", "EMB-BB", "EMB-CC", "EMB-DD"]  # no rate last, whichever the direction
    assert codes("rate") == ["EMB-CC", "EMB-BB", "EMB-AA", "EMB-DD"]
    assert codes("-last_report") == ["EMB-AA", "EMB-BB", "EMB-CC", "EMB-DD"]
    assert codes("nonsense") == codes(None) == ["EMB-CC", "EMB-BB", "EMB-AA", "EMB-DD"]


def test_by_theme_counts_work_with_two_themes_under_both(world):
    rows = {row.extra["code"]: row for row in dashboard.by_theme(H1, now=data.NOW)}
    assert rows["exports"].figures == figures(5, 2, 1, 1, 1, 1, 1, 0, 2, 1)  # K1: A1, A2, A3; K3: A7, A8
    assert rows["exports"].rate == 33.3
    assert rows["digital"].figures == figures(5, 0, 0, 0, 2, 2, 1, 1, 1, 3)  # K2: A4, A5, A6; K3: A7, A8
    assert rows["digital"].rate == 0.0


def test_by_directive_has_a_row_for_tasks_without_one(world):
    rows = {row.label: row for row in dashboard.by_directive(H1, now=data.NOW)}
    assert list(rows) == ["D2", "D1", ""]  # latest directive first, then the tasks without a directive
    assert rows["D1"].figures == figures(5, 2, 1, 1, 1, 1, 1, 0, 2, 1)  # K1 and K3
    assert rows["D1"].extra["number"] == "1/CT-TTg"
    assert rows["D2"].figures == figures(3, 0, 0, 0, 2, 1, 0, 1, 0, 2)  # K2
    assert rows[""].figures == figures(1, 1, 1, 0, 0, 0, 0, 0, 0, 0)  # K4's A11 (A10 is out of the period)
    assert rows[""].rate == 100.0


def test_by_commitment(world):
    rows = {row.label: row for row in dashboard.by_commitment(H1, now=data.NOW)}
    assert list(rows) == ["C1", ""]  # C2 has no task
    assert rows["C1"].figures == figures(3, 2, 1, 1, 1, 0, 0, 0, 1, 0)  # K1: A1, A2, A3
    assert rows["C1"].extra["partners"] == "US"
    assert rows[""].figures.total == 6


def test_trend_of_the_first_half_year(world):
    points = dashboard.trend(H1, now=data.NOW)
    assert [p.month for p in points] == [datetime.date(2024, m, 1) for m in range(1, 7)]
    # Completions by completion day: A11 29/02, A1 20/03, A2 10/05, A10 05/06 (a trend counts events, any deadline).
    assert [p.completed for p in points] == [0, 1, 1, 0, 1, 1]
    # Fell overdue the day after the deadline: A2 on 01/05; A3 on 01/06, A4 on 11/06, A6 on 15/06.
    assert [p.fell_overdue for p in points] == [0, 0, 0, 0, 1, 3]
    # Reports: A1 10/02, A11 29/02 | A1 20/03 | A7 01/04 | A3 05/05, A2 10/05 | A4 01/06, A10 05/06.
    assert [p.reports for p in points] == [0, 2, 1, 1, 2, 2]


def test_trend_with_region_and_theme(world):
    europe = dashboard.trend(Scope(start=data.H1_START, end=data.H1_END, region="europe"), now=data.NOW)
    assert [p.completed for p in europe] == [0, 1, 0, 0, 1, 0]  # A11, A2
    assert [p.fell_overdue for p in europe] == [0, 0, 0, 0, 1, 1]  # A2, A6
    assert [p.reports for p in europe] == [0, 1, 0, 0, 1, 0]
    digital = world["themes"]["digital"].pk
    themed = dashboard.trend(Scope(start=data.H1_START, end=data.H1_END, theme_id=digital), now=data.NOW)
    assert [p.completed for p in themed] == [0] * 6
    assert [p.fell_overdue for p in themed] == [0, 0, 0, 0, 0, 2]  # A4, A6
    assert [p.reports for p in themed] == [0, 0, 0, 1, 0, 1]  # A7 (K3), A4


def test_trend_without_a_period_covers_the_last_twelve_months(world):
    points = dashboard.trend(Scope(), now=data.NOW)
    assert points[0].month == datetime.date(2023, 7, 1)
    assert points[-1].month == datetime.date(2024, 6, 1)
    assert sum(p.reports for p in points) == 8


def test_missions_silent_for_thirty_days(world):
    silent = list(dashboard.silent_missions(H1, now=data.NOW))
    # 30 days before NOW is 16/05: CC last reported 05/05, BB 10/05; AA reported 01/06; DD has no work.
    assert [(m.code, m.open_assignments, m.overdue, m.last_report) for m in silent] == [
        ("EMB-CC", 2, 1, data.at("2024-05-05")),
        ("EMB-BB", 2, 1, data.at("2024-05-10")),
    ]


def test_region_filter_applies_to_every_figure(world):
    dash = dashboard.dashboard(Scope(start=data.H1_START, end=data.H1_END, region="europe"), now=data.NOW)
    assert (dash.key.total, dash.key.completed, dash.key.overdue, dash.key.pending_extensions) == (4, 2, 1, 0)
    assert [row.key for row in dash.regions] == ["europe"]
    assert [m.code for m in dash.missions] == ["EMB-BB"]  # EE is in Europe but inactive, with no work
    assert {row.extra["code"]: row.figures.total for row in dash.themes} == {"exports": 2, "digital": 2}
    assert [m.code for m in dash.silent] == ["EMB-BB"]


def test_theme_filter_applies_to_every_figure(world):
    digital = world["themes"]["digital"].pk
    dash = dashboard.dashboard(Scope(start=data.H1_START, end=data.H1_END, theme_id=digital), now=data.NOW)
    key = dash.key
    assert (key.total, key.completed, key.overdue, key.blocked, key.due_soon, key.rate) == (5, 0, 2, 1, 2, 0.0)
    assert key.pending_extensions == 1  # A7 serves K3, which is digital too
    assert [row.extra["code"] for row in dash.themes] == ["digital"]
    assert {row.label: row.figures.total for row in dash.directives} == {"D2": 3, "D1": 2}
    assert {m.code: m.total for m in dash.missions} == {"EMB-AA": 2, "EMB-BB": 2, "EMB-CC": 1, "EMB-DD": 0}


def test_period_filter_is_on_the_deadline(world):
    key = dashboard.key_figures(Scope(start=datetime.date(2024, 6, 1), end=datetime.date(2024, 6, 30)), now=data.NOW)
    assert (key.total, key.overdue, key.due_soon, key.on_track) == (5, 2, 2, 1)  # A4–A8


def test_scorecard_of_a_mission(world):
    card = dashboard.scorecard(world["missions"]["AA"], H1, now=data.NOW)
    f = card.figures
    assert (f.total, f.completed, f.on_time, f.overdue, f.blocked, f.due_soon, f.rate) == (3, 1, 1, 1, 1, 1, 50.0)
    assert f.pending_extensions == 1
    assert card.network.total == 9 and card.network.rate == 33.3
    assert card.reports_filed == 5  # A1 twice, A7, A4, and A10's completion on 05/06 (filed in the period)
    assert card.extensions == {"asked": 1, "approved": 0, "rejected": 0, "pending": 1}
    assert [a.task.title for a in card.assignments] == ["K2", "K3", "K1"]  # overdue, due soon, completed
    assert [p.completed for p in card.trend] == [0, 0, 1, 0, 0, 1]
    assert [p.reports for p in card.trend] == [0, 1, 1, 1, 0, 2]


def test_scorecard_of_a_mission_with_a_rejected_extension(world):
    card = dashboard.scorecard(world["missions"]["CC"], H1, now=data.NOW)
    assert card.reports_filed == 1  # A3's; A9 is cancelled
    assert card.extensions == {"asked": 1, "approved": 0, "rejected": 1, "pending": 0}
    assert card.figures.rate == 0.0


def test_commitment_follow_up_rolls_up_and_puts_commitments_without_tasks_first(world):
    rows = list(dashboard.commitment_followup(now=data.NOW))
    assert [c.title for c in rows] == ["C2", "C1"]
    c2, c1 = rows
    assert (c2.tasks_count, c2.total, c2.progress, c2.rate) == (0, 0, 0.0, None)
    assert (c1.tasks_count, c1.total, c1.completed, c1.overdue) == (1, 3, 2, 1)
    assert round(c1.progress, 1) == 76.7  # (100 + 100 + 30) ÷ 3
    assert [c.title for c in dashboard.commitment_followup(now=data.NOW, without_tasks=True)] == ["C2"]
    assert dashboard.commitments_without_tasks() == 1


def test_commitment_detail_lists_every_assignment_of_every_task(world):
    detail = dashboard.commitment_detail(world["commitments"]["C1"], now=data.NOW)
    assert [t.title for t in detail.tasks] == ["K1"]
    assert [a.mission.code for a in detail.tasks[0].assignment_list] == ["EMB-AA", "EMB-BB", "EMB-CC"]
    assert [a.timeliness for a in detail.tasks[0].assignment_list] == [
        "completed_on_time",
        "completed_late",
        "overdue",
    ]
    assert detail.figures.total == 3 and detail.progress == 76.7


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("month", "2024-06-15", ("2024-06-01", "2024-06-30")),
        ("last_month", "2024-01-10", ("2023-12-01", "2023-12-31")),
        ("quarter", "2024-05-15", ("2024-04-01", "2024-06-30")),
        ("last_quarter", "2024-02-29", ("2023-10-01", "2023-12-31")),
        ("half", "2024-06-30", ("2024-01-01", "2024-06-30")),
        ("last_half", "2024-07-01", ("2024-01-01", "2024-06-30")),
        ("year", "2024-06-15", ("2024-01-01", "2024-12-31")),
        ("last_year", "2024-06-15", ("2023-01-01", "2023-12-31")),
    ],
)
def test_named_periods(name, today, expected):
    start, end = dashboard.period_dates(name, datetime.date.fromisoformat(today))
    assert (start.isoformat(), end.isoformat()) == expected


def test_trend_months_are_capped():
    months = dashboard.trend_months(Scope(start=datetime.date(2015, 1, 1), end=datetime.date(2024, 6, 30)), data.NOW)
    assert len(months) == dashboard.MAX_TREND_MONTHS
    assert months[-1] == (datetime.date(2024, 6, 1), datetime.date(2024, 6, 30))
    future = dashboard.trend_months(Scope(start=datetime.date(2025, 3, 5)), data.NOW)
    assert future == [(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))]
