"""The committee's pages over HTTP: the dashboard is the admin's first page, every number leads to the list it
counts, filters never break a page, scorecards are the committee's and the head's own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from missions.models import Membership, Mission
from tests import dashboard_data as data
from tests.factories import (
    CommitmentFactory,
    DirectiveFactory,
    MembershipFactory,
    MissionFactory,
    TaskFactory,
    UserFactory,
    member,
)
from tracker import services
from tracker.models import Assignment, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, whatever the catalogue says (the site's default language is Vietnamese)."""
    client.cookies["django_language"] = "en"  # pages ignore Accept-Language; the cookie chooses
    with translation.override("en"):
        yield


@pytest.fixture
def live(db):
    """A small world around the real clock (the admin's lists count at the real time)."""
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    x = MissionFactory(code="EMB-XX", timezone="Asia/Tokyo", region=Mission.Region.ASIA_PACIFIC)
    y = MissionFactory(code="EMB-YY", timezone="Europe/Paris", region=Mission.Region.EUROPE)
    z = MissionFactory(code="EMB-ZZ", timezone="America/New_York", region=Mission.Region.AMERICAS)
    heads = {m.code: member(m, username=f"head-{m.code.lower()}") for m in (x, y, z)}
    committee = UserFactory(username="committee-live", is_staff=True, is_superuser=True)
    exports = Theme.objects.create(code="exports", name_vi="Xuất khẩu", name_en="Exports", group="traditional")
    digital = Theme.objects.create(code="digital", name_vi="Kinh tế số", name_en="Digital economy", group="new")
    directive = DirectiveFactory(title="Directive D", number="9/CT-TTg")
    commitment = CommitmentFactory(title="Commitment C")
    CommitmentFactory(title="Commitment without a task")
    t1 = TaskFactory(title="T1", directive=directive, commitment=commitment)
    t2 = TaskFactory(title="T2", directive=None)
    t3 = TaskFactory(title="T3", directive=directive)
    t1.themes.set([exports])
    t2.themes.set([digital])
    t3.themes.set([exports, digital])

    def assign(task, mission, offset):
        services.task_assign(task=task, missions=[mission], deadline=day(offset))
        return Assignment.objects.get(task=task, mission=mission)

    def report(a, status, percent, **extra):
        author = extra.pop("author", heads[a.mission.code])
        services.report_submit(assignment_id=a.pk, author=author, status=status, percent=percent, **extra)

    report(assign(t1, x, 5), "completed", 100)
    report(assign(t1, y, -10), "completed", 100)
    report(assign(t1, z, -10), "in_progress", 20)
    report(assign(t2, x, 3), "blocked", 5, obstacles="Waiting")
    assign(t2, y, 30)
    report(assign(t2, z, -20), "cancelled", 0, author=committee)
    assign(t3, x, -3)
    pending = assign(t3, y, 2)
    report(pending, "in_progress", 50)
    services.extension_request_create(
        assignment_id=pending.pk, requested_by=heads["EMB-YY"], requested_deadline=day(20), reason="Partner"
    )
    assign(t3, z, 60)
    return {
        "today": today,
        "day": day,
        "committee": committee,
        "heads": heads,
        "missions": (x, y, z),
        "themes": (exports, digital),
        "commitment": commitment,
    }


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_the_dashboard_is_the_committees_first_admin_page(client, live):
    client.force_login(live["committee"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "admin/tracker/dashboard/index.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'id="kf-overdue"' in html and "<svg" in html
    # The admin's own index stays one click away: every registered model is listed on the page.
    assert reverse("admin:tracker_assignment_changelist") in html
    assert reverse("admin:missions_mission_changelist") in html


def test_people_outside_the_committee_are_sent_to_the_login(client, live):
    assert client.get("/admin/").status_code == 302
    client.force_login(live["heads"]["EMB-XX"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    for name in ("admin:tracker_report", "admin:tracker_commitment_followup", "admin:tracker_task_import"):
        assert client.get(reverse(name)).status_code == 302


@pytest.mark.parametrize("filters", ["", "filtered"])
def test_every_key_figure_leads_to_a_list_of_that_many(client, live, filters):
    client.force_login(live["committee"])
    query = {}
    if filters:
        query = {
            "period": "custom",
            "start": live["day"](-15).isoformat(),
            "end": live["day"](40).isoformat(),
            "theme": live["themes"][0].pk,
        }
    response = client.get("/admin/", query)
    key = response.context["dash"].key
    tiles = {tile["id"]: tile for tile in response.context["tiles"]}
    expected = {
        "total": key.total,
        "completed": key.completed,
        "rate": key.on_time,
        "overdue": key.overdue,
        "blocked": key.blocked,
        "due_soon": key.due_soon,
        "pending_extensions": key.pending_extensions,
    }
    if filters:  # exports theme, deadlines from −15 to +40 days: T1 (3) and T3 at −3 and +2
        assert (key.total, key.completed, key.overdue, key.pending_extensions) == (5, 2, 2, 1)
    else:
        assert (key.total, key.completed, key.on_time, key.late, key.overdue) == (8, 2, 1, 1, 2)
        assert (key.blocked, key.due_soon, key.on_track, key.pending_extensions) == (1, 2, 2, 1)
    for name, value in expected.items():
        assert list_count(client, tiles[name]["url"]) == value, name


@pytest.mark.parametrize("filters", ["", "filtered"])
def test_every_number_in_the_breakdowns_leads_to_a_list_of_that_many(client, live, filters):
    client.force_login(live["committee"])
    query = {}
    if filters:
        query = {"start": live["day"](-15).isoformat(), "end": live["day"](40).isoformat(), "region": "europe"}
    response = client.get("/admin/", query)
    checked = 0
    for key in ("timeliness", "regions", "missions", "themes", "directives", "commitments", "silent"):
        table = response.context["tables"][key]
        columns = [c.key for c in table.columns]
        for row in table.rows:
            for column, url in row.cell_links.items():
                assert list_count(client, url) == row.cells[columns.index(column)], (key, row.cells[0], column)
                checked += 1
    assert checked > 40


def test_mission_rows_lead_to_their_scorecard(client, live):
    client.force_login(live["committee"])
    response = client.get("/admin/")
    rows = response.context["tables"]["missions"].rows
    x = live["missions"][0]
    link = next(row.link for row in rows if row.cells[0] == x.code)
    assert link.startswith(reverse("admin:tracker_scorecard", args=[x.pk]))
    page = client.get(link)
    assert page.status_code == 200 and page.context["card"].mission == x


def test_the_mission_table_sorts_by_a_column_and_back(client, live):
    client.force_login(live["committee"])
    response = client.get("/admin/", {"sort": "code"})
    assert [m.code for m in response.context["dash"].missions] == ["EMB-XX", "EMB-YY", "EMB-ZZ"]
    assert response.context["mission_sort_links"]["code"].endswith("sort=-code")
    response = client.get("/admin/", {"sort": "-code"})
    assert [m.code for m in response.context["dash"].missions] == ["EMB-ZZ", "EMB-YY", "EMB-XX"]


BAD_QUERIES = [
    {"start": "not-a-date"},
    {"end": "31/02/2024"},
    {"period": "decade"},
    {"region": "mars"},
    {"theme": "999999"},
    {"theme": "'; drop table"},
    {"start": "2024-06-30", "end": "2024-01-01"},
    {"sort": "-nonsense"},
    {"sort": "name\x00"},
    {"page": "abc"},
    {"q": "abc\x00"},
    {"status": "bogus", "kind": "bogus", "without_tasks": "maybe"},
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_filters_get_a_message_and_never_an_error(client, live, query):
    client.force_login(live["committee"])
    x = live["missions"][0]
    for url in (
        "/admin/",
        reverse("admin:tracker_report"),
        reverse("admin:tracker_dashboard_xlsx"),
        reverse("admin:tracker_report_xlsx"),
        reverse("admin:tracker_scorecard", args=[x.pk]),
        reverse("admin:tracker_commitment_followup"),
    ):
        response = client.get(url, query)
        assert response.status_code == 200, (url, query)


def test_a_bad_filter_is_reported_and_the_figures_fall_back_to_everything(client, live):
    client.force_login(live["committee"])
    response = client.get("/admin/", {"start": "not-a-date"}, follow=True)
    assert response.context["form"].errors
    assert response.context["dash"].key.total == 8
    assert "not applied" in response.content.decode()


def test_named_period_on_the_page(client, live):
    client.force_login(live["committee"])
    response = client.get("/admin/", {"period": "year"})
    scope = response.context["scope"]
    today = timezone.localdate()
    assert (scope.start, scope.end) == (datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))


def test_the_period_report_prints(client, live):
    client.force_login(live["committee"])
    response = client.get(reverse("admin:tracker_report"), {"region": "americas"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "report.css" in html and "PERIOD REPORT" in html
    keys = [t.key for t in response.context["tables"]]
    assert keys[:2] == ["key_figures", "timeliness"] and "overdue" in keys and "pending_extensions" in keys
    overdue = next(t for t in response.context["tables"] if t.key == "overdue")
    assert [row.cells[0] for row in overdue.rows] == ["EMB-ZZ"]  # T1, ten days late


def test_commitment_follow_up_shows_commitments_without_tasks_first(client, live):
    client.force_login(live["committee"])
    response = client.get(reverse("admin:tracker_commitment_followup"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [c.title for c in rows] == ["Commitment without a task", "Commitment C"]
    html = response.content.decode()
    assert html.index('class="no-task"') < html.index("Commitment C")
    response = client.get(reverse("admin:tracker_commitment_followup"), {"without_tasks": "on"})
    assert [c.title for c in response.context["page"]] == ["Commitment without a task"]
    detail = client.get(reverse("admin:tracker_commitment_followup_detail", args=[live["commitment"].pk]))
    assert detail.status_code == 200
    assert [a.mission.code for a in detail.context["detail"].tasks[0].assignment_list] == ["EMB-XX", "EMB-YY", "EMB-ZZ"]
    assert client.get(reverse("admin:tracker_commitment_followup_detail", args=[999999])).status_code == 404


# --- scorecards -------------------------------------------------------------------------------------------


def test_the_committee_sees_any_missions_scorecard(client, live):
    client.force_login(live["committee"])
    y = live["missions"][1]
    response = client.get(reverse("admin:tracker_scorecard", args=[y.pk]))
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.figures.total, card.figures.completed, card.figures.late, card.extensions["pending"]) == (3, 1, 1, 1)
    links = response.context["links"]
    for name in ("total", "completed", "on_time", "overdue", "blocked", "due_soon"):
        assert list_count(client, links[name]) == getattr(card.figures, name), name
    assert client.get(reverse("admin:tracker_scorecard", args=[999999])).status_code == 404


def test_a_head_sees_their_own_missions_scorecard_in_the_portal(client, live):
    x, y, _z = live["missions"]
    client.force_login(live["heads"]["EMB-XX"])
    response = client.get(reverse("portal:scorecard"))
    assert response.status_code == 200
    assert response.context["card"].mission == x
    assert response.context["card"].figures.total == 3
    assert "portal/base.html" in [t.name for t in response.templates]
    assert client.get(reverse("portal:scorecard"), {"mission": x.code}).status_code == 200


def test_a_head_gets_404_for_another_missions_scorecard(client, live):
    y = live["missions"][1]
    client.force_login(live["heads"]["EMB-XX"])
    assert client.get(reverse("portal:scorecard"), {"mission": y.code}).status_code == 404
    assert client.get(reverse("portal:scorecard"), {"mission": "NO-SUCH"}).status_code == 404


def test_an_officer_and_a_stranger_get_404(client, live):
    x = live["missions"][0]
    officer = member(x, role=Membership.Role.OFFICER, username="officer-x")
    client.force_login(officer)
    assert client.get(reverse("portal:scorecard")).status_code == 404
    assert client.get(reverse("portal:scorecard"), {"mission": x.code}).status_code == 404
    client.force_login(UserFactory(username="stranger"))
    assert client.get(reverse("portal:scorecard")).status_code == 404


def test_a_former_head_no_longer_sees_the_scorecard(client, live):
    x = live["missions"][0]
    former = UserFactory(username="former-head")
    MembershipFactory(user=former, mission=x, starts_on=datetime.date(2019, 1, 1), ends_on=datetime.date(2020, 1, 1))
    client.force_login(former)
    assert client.get(reverse("portal:scorecard"), {"mission": x.code}).status_code == 404


def test_a_head_of_two_missions_chooses(client, live):
    x, y, _z = live["missions"]
    head = live["heads"]["EMB-XX"]
    MembershipFactory(user=head, mission=y)
    client.force_login(head)
    response = client.get(reverse("portal:scorecard"))
    assert [m.code for m in response.context["choices"]] == ["EMB-XX", "EMB-YY"]
    response = client.get(reverse("portal:scorecard"), {"mission": y.code, "period": "year"})
    assert response.context["card"].mission == y


def test_anonymous_people_log_in_first_and_the_committee_goes_to_the_dashboard(client, live):
    response = client.get(reverse("portal:scorecard"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]
    client.force_login(live["committee"])
    assert client.get(reverse("portal:scorecard"))["Location"] == reverse("admin:index")
    assert client.get(reverse("portal:scorecard"), {"mission": "EMB-YY"}).status_code == 200


def test_the_fixed_data_set_renders_its_figures(client, db):
    world = data.build()
    client.force_login(world["committee"])
    response = client.get("/admin/", {"start": "2024-01-01", "end": "2024-06-30"})
    assert response.status_code == 200
    assert response.context["dash"].key.total == 9
    html = response.content.decode()
    for code in ("EMB-AA", "EMB-BB", "EMB-CC", "EMB-DD"):
        assert code in html
    assert "EMB-EE" not in html


def test_an_empty_tracker_shows_zeros(client, committee_user):
    client.force_login(committee_user)
    for url in (reverse("admin:index"), reverse("admin:tracker_report"), reverse("admin:tracker_commitment_followup")):
        assert client.get(url).status_code == 200
    response = client.get(reverse("admin:index"))
    assert response.context["dash"].key.total == 0 and response.context["dash"].key.rate is None
