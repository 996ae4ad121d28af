"""Exports: filtered assignment lists to CSV and XLSX, the dashboard and the period report to XLSX; read back
with openpyxl; formula-looking values neutralised; Vietnamese text intact."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests import dashboard_data as data
from tests.factories import MissionFactory, TaskFactory, UserFactory, make_assignment
from tracker import dashboard, exports, tables, timeliness
from tracker.admin_views import REPORT_PAGE_ROWS
from tracker.models import Assignment, Timeliness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages and files in English, whatever the catalogue says (the site's default language is Vietnamese)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8 (Vietnamese) correctly
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response):
    assert response["Content-Type"] == exports_xlsx_type()
    return load_workbook(io.BytesIO(body(response)))


def exports_xlsx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Thúc đẩy xuất khẩu", "Thúc đẩy xuất khẩu"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected
    assert exports.unneutralise(exports.neutralise(value)) == value


def test_cells_format_dates_the_vietnamese_way():
    moment = datetime.datetime(2024, 6, 14, 23, 30, tzinfo=datetime.UTC)  # 15/06 06:30 in Ha Noi
    assert exports.cell_text(datetime.date(2024, 6, 5)) == "05/06/2024"
    assert exports.cell_text(moment) == "15/06/2024 06:30"
    assert exports.cell_text(33.333, "percent") == "33.3"
    assert exports.cell_value(moment) == (datetime.datetime(2024, 6, 15, 6, 30), "DD/MM/YYYY HH:MM")
    assert exports.cell_value(33.3, "percent") == (0.333, "0.0%")


@pytest.fixture
def world(db):
    return data.build()


def expected_rows(queryset) -> list[tuple]:
    now = timezone.now()
    return [
        (
            a.pk,
            a.mission.code,
            a.task.title,
            a.deadline,
            a.get_status_display(),
            a.percent,
            Timeliness(a.get_timeliness(now)).label if a.get_timeliness(now) else "",
        )
        for a in queryset.select_related("mission", "task").order_by("deadline", "id")
    ]


def test_csv_export_of_a_filtered_list_round_trips(client, world):
    client.force_login(world["committee"])
    query = {"mission__region__exact": "europe"}
    response = client.get(reverse("admin:tracker_assignment_export", args=["csv"]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="assignments_')
    header, *rows = read_csv(response)
    assert header == [c.label for c in exports.assignment_columns()]
    got = [
        (int(r[0]), r[1], r[4], datetime.date(*map(int, reversed(r[10].split("/")))), r[11], int(r[12]), r[13])
        for r in rows
    ]
    assert got == expected_rows(Assignment.objects.filter(mission__region="europe"))
    assert [r[1] for r in rows] == ["EMB-BB"] * 4
    by_id = {int(r[0]): r for r in rows}
    a2 = world["assignments"]["A2"]
    assert by_id[a2.pk][2] == "Test embassy EMB-BB"  # the English name, for an English page
    assert by_id[a2.pk][14] == "10/05/2024"  # completed on, in the mission's day
    assert by_id[a2.pk][15] == "10/05/2024 19:00"  # last report, in Ha Noi time
    assert by_id[a2.pk][7] == "exports"


def test_xlsx_export_of_a_filtered_list_round_trips(client, world):
    client.force_login(world["committee"])
    query = {"status__exact": "completed"}
    response = client.get(reverse("admin:tracker_assignment_export", args=["xlsx"]), query)
    assert response.status_code == 200
    ws = read_xlsx(response).worksheets[0]
    header, *rows = list(ws.iter_rows(values_only=True))
    assert list(header) == [c.label for c in exports.assignment_columns()]
    got = [(r[0], r[1], r[4], r[10].date(), r[11], r[12], r[13]) for r in rows]
    assert got == expected_rows(Assignment.objects.filter(status="completed"))
    assert len(rows) == 4  # A1, A2, A10, A11
    assert ws["J2"].number_format == "DD/MM/YYYY"


def test_the_changelist_offers_exports_with_its_filters(client, world):
    client.force_login(world["committee"])
    response = client.get(reverse("admin:tracker_assignment_changelist"), {"status__exact": "completed"})
    html = response.content.decode()
    assert reverse("admin:tracker_assignment_export", args=["csv"]) + "?status__exact=completed" in html
    assert reverse("admin:tracker_assignment_export", args=["xlsx"]) + "?status__exact=completed" in html


def test_exports_follow_the_changelists_search_and_timeliness_filter(client, world):
    client.force_login(world["committee"])
    response = client.get(reverse("admin:tracker_assignment_export", args=["csv"]), {"q": "EMB-CC"})
    assert {r[1] for r in read_csv(response)[1:]} == {"EMB-CC"}
    response = client.get(reverse("admin:tracker_assignment_export", args=["csv"]), {"timeliness": "overdue"})
    ids = [int(r[0]) for r in read_csv(response)[1:]]
    assert ids == [a.pk for a in Assignment.objects.filter(timeliness.filter_q("overdue")).order_by("deadline", "id")]


def test_formula_looking_values_are_neutralised_in_both_formats(client, committee_user):
    evil = ['=HYPERLINK("http://example.org","x")', "@SUM(1+1)", "+1", "-1+2", "\t=1"]
    mission = MissionFactory(code="EMB-FX", name_en="=2+3")
    for i, title in enumerate(evil):
        make_assignment(
            mission=mission, task=TaskFactory(title=title, directive=None), deadline=datetime.date(2030, 1, i + 1)
        )
    client.force_login(committee_user)
    rows = read_csv(client.get(reverse("admin:tracker_assignment_export", args=["csv"])))[1:]
    assert [r[4] for r in rows] == ["'" + t for t in evil]
    assert rows[0][2] == "'=2+3"
    ws = read_xlsx(client.get(reverse("admin:tracker_assignment_export", args=["xlsx"]))).worksheets[0]
    cells = [row[4] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + t for t in evil]
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula
    assert all(row[2].data_type == "s" for row in ws.iter_rows(min_row=2))


def test_bad_export_filters_change_nothing_and_never_fail(client, world):
    client.force_login(world["committee"])
    url = reverse("admin:tracker_assignment_export", args=["csv"])
    response = client.get(url, {"mission__id__exact": "abc"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:tracker_assignment_changelist")
    assert client.get(url, {"task__title__startswith": "x"}).status_code in (302, 400)
    assert client.get(reverse("admin:tracker_assignment_export", args=["pdf"])).status_code == 404
    assert client.get(url, {"deadline__gte": "soon"}).status_code == 200


def test_exports_need_the_right_to_see_assignments(client, world):
    url = reverse("admin:tracker_assignment_export", args=["csv"])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(UserFactory(username="staff-without-permissions", is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(world["heads"]["AA"])
    assert client.get(url).status_code == 302


def test_export_queries_do_not_grow_with_rows(client, committee_user):
    missions = [MissionFactory(code=f"EMB-Q{i}") for i in range(30)]
    tasks = [TaskFactory() for _ in range(50)]
    client.force_login(committee_user)
    url = reverse("admin:tracker_assignment_export", args=["csv"])

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            body(client.get(url))
        return len(ctx.captured_queries)

    Assignment.objects.bulk_create(
        Assignment(
            task=tasks[0], mission=m, deadline=datetime.date(2030, 1, 1), original_deadline=datetime.date(2030, 1, 1)
        )
        for m in missions[:5]
    )
    small = queries()
    Assignment.objects.bulk_create(
        Assignment(task=t, mission=m, deadline=datetime.date(2030, 1, 1), original_deadline=datetime.date(2030, 1, 1))
        for t in tasks[1:]
        for m in missions
    )
    assert Assignment.objects.count() == 5 + 49 * 30  # within one chunk of the iterator
    assert queries() == small


# --- the dashboard and the period report ------------------------------------------------------------------


def sheet_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


def test_dashboard_workbook_holds_the_hand_worked_figures(world):
    dash = dashboard.dashboard(dashboard.Scope(start=data.H1_START, end=data.H1_END), now=data.NOW)
    workbook = exports.tables_xlsx(tables.dashboard_tables(dash), title="Dashboard", lines=["H1 2024"])
    wb = load_workbook(workbook)
    summary = {row[0]: row[1] for row in sheet_rows(wb["Summary"]) if len(row) > 1 and row[1] is not None}
    assert summary["Assignments"] == 9
    assert summary["Completed"] == 3
    assert summary["Completed on time"] == 2
    assert summary["Overdue"] == 3
    assert summary["Blocked"] == 1
    assert summary["Due in the next 7 days"] == 2
    assert summary["Pending extension requests"] == 1
    assert summary["On-time rate (%)"] == 33.3
    regions = {row[0]: row[1:] for row in sheet_rows(wb["By region"])[1:]}
    assert regions["Europe"][:8] == (4, 2, 1, 1, 1, 0, 0, 0.333)  # the rate as a spreadsheet percent
    assert regions["Middle East–Africa"][7] is None
    trend = sheet_rows(wb["Trend by month"])
    assert trend[1:7] == [
        ("01/2024", 0, 0, 0),
        ("02/2024", 1, 0, 2),
        ("03/2024", 1, 0, 1),
        ("04/2024", 0, 0, 1),
        ("05/2024", 1, 1, 2),
        ("06/2024", 1, 3, 2),
    ]
    missions = [row[0] for row in sheet_rows(wb["By mission"])[1:5]]
    assert missions == ["EMB-CC", "EMB-BB", "EMB-AA", "EMB-DD"]
    silent = [row[0] for row in sheet_rows(wb["Missions with no report for 30"])[1:3]]
    assert silent == ["EMB-CC", "EMB-BB"]


def test_dashboard_and_report_workbooks_over_http(client, world):
    client.force_login(world["committee"])
    response = client.get(reverse("admin:tracker_dashboard_xlsx"), {"start": "2024-01-01", "end": "2024-06-30"})
    assert response.status_code == 200
    assert 'filename="dashboard_2024-01-01_2024-06-30.xlsx"' in response["Content-Disposition"]
    wb = read_xlsx(response)
    assert wb.sheetnames[0] == "Summary"
    assert {"By region", "By mission", "By theme", "By directive", "By commitment", "Trend by month"} <= set(
        wb.sheetnames
    )
    assert "Test embassy EMB-AA" in {row[1] for row in sheet_rows(wb["By mission"])[1:]}
    response = client.get(reverse("admin:tracker_report_xlsx"), {"region": "europe"})
    wb = read_xlsx(response)
    assert {"Overdue assignments", "Pending extension requests"} <= set(wb.sheetnames)
    overdue = sheet_rows(wb["Overdue assignments"])[1:]
    assert [row[0] for row in overdue] == ["EMB-BB", "EMB-BB"]  # A6 and A8, long overdue at the real time


def test_exports_keep_vietnamese_text(client, world):
    client.force_login(world["committee"])
    make_assignment(
        mission=world["missions"]["DD"],
        task=TaskFactory(title="Thúc đẩy xuất khẩu sầu riêng sang Trung Quốc", directive=world["directives"]["D1"]),
        deadline=datetime.date(2030, 1, 1),
    )
    client.cookies["django_language"] = "vi"  # mission names follow the page's language
    vietnamese = {}
    rows = read_csv(client.get(reverse("admin:tracker_assignment_export", args=["csv"]), **vietnamese))
    ws = read_xlsx(client.get(reverse("admin:tracker_assignment_export", args=["xlsx"]), **vietnamese)).worksheets[0]
    assert "Thúc đẩy xuất khẩu sầu riêng sang Trung Quốc" in [r[4] for r in rows]
    assert "Đại sứ quán thử EMB-DD" in [r[2] for r in rows]
    assert "Thúc đẩy xuất khẩu sầu riêng sang Trung Quốc" in [r[4] for r in ws.iter_rows(values_only=True)]


def test_the_report_page_shows_a_limited_list_and_the_workbook_has_every_row(client, committee_user):
    mission = MissionFactory(code="EMB-OD")
    tasks = [TaskFactory(directive=None) for _ in range(REPORT_PAGE_ROWS + 5)]
    past = timezone.localdate() - datetime.timedelta(days=30)
    Assignment.objects.bulk_create(
        Assignment(task=t, mission=mission, deadline=past, original_deadline=past) for t in tasks
    )
    client.force_login(committee_user)
    response = client.get(reverse("admin:tracker_report"))
    overdue = next(t for t in response.context["tables"] if t.key == "overdue")
    assert len(overdue.rows) == REPORT_PAGE_ROWS and overdue.more == 5
    assert "5 more rows" in response.content.decode()
    wb = read_xlsx(client.get(reverse("admin:tracker_report_xlsx")))
    assert len(sheet_rows(wb["Overdue assignments"])) == REPORT_PAGE_ROWS + 5 + 1
    assert sheet_rows(wb["Overdue assignments"])[1][4] == (mission.local_today() - past).days  # days overdue
