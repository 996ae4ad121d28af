"""My assignments: filters, sorting, pages, the counts by timeliness, and what stands out."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, DirectiveFactory, MissionFactory, TaskFactory, make_assignment, member
from tracker import services
from tracker.models import Theme


@pytest.fixture
def mission(db):
    return MissionFactory(code="EMB-LIST", timezone="Europe/Paris")


@pytest.fixture
def head(client, mission, settings):
    user = member(mission, "head", username="list_head")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


@pytest.fixture
def work(mission, head):
    """Five assignments, one of each timeliness, with different themes, directives and commitments."""
    today = timezone.localdate()
    green = Theme.objects.create(code="green", name_vi="Kinh tế xanh", name_en="Green economy", group="new")
    digital = Theme.objects.create(code="digital", name_vi="Kinh tế số", name_en="Digital economy", group="new")
    d1, d2 = DirectiveFactory(title="Directive one"), DirectiveFactory(title="Directive two")
    commitment = CommitmentFactory(title="Semiconductor MoU")

    def make(title, days, theme, directive, commitment=None):
        task = TaskFactory(title=title, directive=directive, commitment=commitment)
        task.themes.add(theme)
        return make_assignment(mission=mission, task=task, deadline=today + datetime.timedelta(days=days))

    items = {
        "overdue": make("Solar investment follow-up", -3, green, d1),
        "due_soon": make("Chip fair delegation", 3, digital, d2, commitment),
        "on_track": make("Rice export promotion", 40, green, d2),
        "completed_on_time": make("Tourism roadshow", 30, digital, d1),
        "completed_late": make("Halal certification talks", -10, green, d1),
    }
    for key in ("completed_on_time", "completed_late"):
        services.report_submit(assignment_id=items[key].pk, author=head, status="completed", percent=100)
    services.report_submit(assignment_id=items["on_track"].pk, author=head, status="in_progress", percent=60)
    return {"items": items, "green": green, "d1": d1, "commitment": commitment}


def listed(client, **params) -> list[str]:
    response = client.get(reverse("portal:home"), params)
    assert response.status_code == 200
    return [a.task.title for a in response.context["page"].object_list]


def test_counts_by_timeliness_link_to_the_filtered_list(client, work):
    response = client.get(reverse("portal:home"))
    summary = {item["value"]: item["count"] for item in response.context["summary"]}
    assert summary == {"on_track": 1, "due_soon": 1, "overdue": 1, "completed_on_time": 1, "completed_late": 1}
    assert response.context["total"] == 5
    html = response.content.decode()
    assert 'href="?timeliness=overdue"' in html
    assert listed(client, timeliness="overdue") == ["Solar investment follow-up"]
    assert listed(client, timeliness="due_soon") == ["Chip fair delegation"]


def test_overdue_and_due_soon_rows_stand_out(client, work):
    html = client.get(reverse("portal:home")).content.decode()
    overdue = work["items"]["overdue"]
    assert f'class="assignment-row tl-overdue" data-assignment="{overdue.pk}"' in html
    assert f'class="assignment-row tl-due-soon" data-assignment="{work["items"]["due_soon"].pk}"' in html
    assert '<span class="badge tl-overdue">Overdue</span>' in html  # a word, not only a colour


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": ["completed"]}, {"Tourism roadshow", "Halal certification talks"}),
        (
            {"status": ["in_progress", "not_started"]},
            {"Rice export promotion", "Solar investment follow-up", "Chip fair delegation"},
        ),
        ({"q": "chip"}, {"Chip fair delegation"}),
        ({"q": "EMB-LIST"}, None),  # the mission's code matches all
        ({"deadline_after": "__today__", "deadline_before": "__in_35__"}, {"Chip fair delegation", "Tourism roadshow"}),
    ],
    ids=["completed", "open", "text", "mission-code", "deadline-range"],
)
def test_filters(client, work, params, expected):
    today = timezone.localdate()
    params = {
        k: (
            today.strftime("%d/%m/%Y")
            if v == "__today__"
            else (today + datetime.timedelta(days=35)).strftime("%d/%m/%Y")
            if v == "__in_35__"
            else v
        )
        for k, v in params.items()
    }
    everything = {a.task.title for a in work["items"].values()}
    assert set(listed(client, **params)) == (everything if expected is None else expected)


def test_theme_directive_and_commitment_filters(client, work):
    assert set(listed(client, theme=work["green"].pk)) == {
        "Solar investment follow-up",
        "Rice export promotion",
        "Halal certification talks",
    }
    assert set(listed(client, directive=work["d1"].pk)) == {
        "Solar investment follow-up",
        "Tourism roadshow",
        "Halal certification talks",
    }
    assert listed(client, commitment=work["commitment"].pk) == ["Chip fair delegation"]


def test_the_filter_choices_are_those_of_the_missions_own_work(client, work):
    DirectiveFactory(title="Someone else's directive")
    form = client.get(reverse("portal:home")).context["form"]
    assert {d.title for d in form.fields["directive"].queryset} == {"Directive one", "Directive two"}
    assert "mission" not in form.fields and "region" not in form.fields


def test_bad_filter_input_gets_a_message_not_an_error(client, work):
    response = client.get(reverse("portal:home"), {"deadline_after": "31/31/2024", "theme": "abc", "page": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["deadline_after"] == ["Enter a valid date."]
    assert "theme" in response.context["form"].errors
    for params in ({"timeliness": "late-ish"}, {"ordering": "password"}, {"page": "99999"}, {"status": "x"}):
        assert client.get(reverse("portal:home"), params).status_code == 200


def test_sorting_by_the_column_headings(client, work):
    assert listed(client, ordering="task") == sorted(a.task.title for a in work["items"].values())
    assert listed(client, ordering="-task") == sorted((a.task.title for a in work["items"].values()), reverse=True)
    assert listed(client, ordering="-percent")[0] in {"Tourism roadshow", "Halal certification talks"}
    html = client.get(reverse("portal:home"), {"ordering": "deadline"}).content.decode()
    assert 'aria-sort="ascending"><a href="?ordering=-deadline">' in html


def test_pages_of_25_keep_the_filters(client, mission, head):
    today = timezone.localdate()
    for i in range(30):
        make_assignment(
            mission=mission, task=TaskFactory(title=f"Task {i:02d}"), deadline=today + datetime.timedelta(days=i % 3)
        )
    first = listed(client, ordering="deadline")
    second_response = client.get(reverse("portal:home"), {"ordering": "deadline", "page": 2})
    second = [a.task.title for a in second_response.context["page"].object_list]
    assert (len(first), len(second)) == (25, 5)
    assert not set(first) & set(second)  # a unique last sort key: no row on two pages
    html = client.get(reverse("portal:home"), {"ordering": "deadline", "q": "Task"}).content.decode()
    assert 'href="?ordering=deadline&amp;q=Task&amp;page=2"' in html


def test_a_member_of_two_missions_sees_both_and_can_filter_by_mission(client, mission, head):
    other = MissionFactory(code="EMB-OTHER")
    from tests.factories import MembershipFactory

    MembershipFactory(user=head, mission=other, role="officer")
    a = make_assignment(mission=mission)
    b = make_assignment(mission=other)
    MissionFactory(code="EMB-THIRD")
    assert set(listed(client)) == {a.task.title, b.task.title}
    assert listed(client, mission=other.pk) == [b.task.title]
    options = select_of(client.get(reverse("portal:home")).content.decode(), "mission")
    assert "EMB-LIST · " in options and "EMB-OTHER · " in options and "EMB-THIRD" not in options


def test_the_committee_sees_every_mission_read_only(client, work, committee_user, mission):
    client.force_login(committee_user)
    response = client.get(reverse("portal:home"))
    assert response.context["page"].paginator.count == 5
    assert "mission" in response.context["form"].fields and "region" in response.context["form"].fields
    detail = client.get(reverse("portal:assignment_detail", args=[work["items"]["overdue"].pk])).content.decode()
    assert reverse("portal:report_create", args=[work["items"]["overdue"].pk]) not in detail
    assert reverse("admin:tracker_assignment_change", args=[work["items"]["overdue"].pk]) in detail


def test_a_user_with_no_mission_gets_a_clear_page(client, db, settings):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="lonely"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "You are not assigned to a mission" in response.content.decode()
    # And the filters' options of someone without a mission are empty, not an error.
    from tracker import selectors

    lonely = UserFactory(username="lonely2")
    for mission_filter in (False, True):
        options = selectors.assignment_filter_options(user=lonely, mission_filter=mission_filter)
        assert all(values == [] for values in options.values())


def test_filters_left_open_read_all(client, work):
    html = client.get(reverse("portal:home")).content.decode()
    assert html.count('<option value="" selected>All</option>') == 4  # timeliness, theme, directive, commitment
    assert 'name="status" value=""' not in html


def select_of(html: str, name: str) -> str:
    start = html.index(f'<select name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_filter_selects_offer_the_missions_own_work_latest_first_escaped_and_keep_the_choice(client, work):
    # Another mission's work, with its own directive, commitment and theme: none of them is offered here.
    theirs = TaskFactory(
        title="Their task",
        directive=DirectiveFactory(title="Someone else's directive"),
        commitment=CommitmentFactory(title="Someone else's commitment"),
    )
    theirs.themes.add(Theme.objects.create(code="theirs", name_vi="Của họ", name_en="Their theme", group="new"))
    make_assignment(mission=MissionFactory(code="EMB-THEIRS"), task=theirs)
    odd = DirectiveFactory(title='<b>"Quoted" & bold</b>', issued_on=datetime.date(2020, 1, 1))
    make_assignment(mission=work["items"]["overdue"].mission, task=TaskFactory(title="Odd one", directive=odd))
    d1, d2 = work["d1"], work["items"]["due_soon"].task.directive
    response = client.get(reverse("portal:home"), {"directive": d1.pk})
    html = response.content.decode()
    start = html.index('<select name="directive"')
    select = html[start : html.index("</select>", start)]
    newer, older = sorted([d1, d2], key=lambda d: (-d.issued_on.toordinal(), d.title))
    assert select.index(f"{newer.title} ({newer.issued_on:%d/%m/%Y})") < select.index(older.title)
    assert f'<option value="{d1.pk}" selected>{d1.title} ({d1.issued_on:%d/%m/%Y})</option>' in select
    assert "&lt;b&gt;&quot;Quoted&quot; &amp; bold&lt;/b&gt; (01/01/2020)" in select and "<b>" not in select
    assert "Someone else" not in select
    assert "Semiconductor MoU" in select_of(html, "commitment") and "Someone else" not in select_of(html, "commitment")
    assert "Their theme" not in select_of(html, "theme")
    # The English theme names (the page is in English), and the count of the filtered list on the page.
    assert ">Green economy</option>" in html and "Kinh tế xanh" not in html
    assert response.context["page"].paginator.count == 3 and response.context["total"] == 6


def test_a_row_shows_its_task_deadline_extension_status_progress_and_last_report_day(
    client, work, head, committee_user, settings
):
    from django.utils import translation

    from tracker.models import Assignment

    row = work["items"]["on_track"]
    original = row.deadline
    # Extended by 20 days; last reported at 23:30 UTC on 1 March, already 2 March in Paris.
    Assignment.objects.filter(pk=row.pk).update(
        deadline=original + datetime.timedelta(days=20),
        last_reported_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC),
    )
    row.task.title = "Rice <export> & promotion"
    row.task.save()

    def row_html(html: str) -> str:
        start = html.index(f'data-assignment="{row.pk}"')
        return html[start : html.index("</tr>", start)]

    html = row_html(client.get(reverse("portal:home")).content.decode())
    link = reverse("portal:assignment_detail", args=[row.pk])
    assert f'<a href="{link}">Rice &lt;export&gt; &amp; promotion</a>' in html
    assert f"{original + datetime.timedelta(days=20):%d/%m/%Y}" in html
    assert f"extended from {original:%d/%m/%Y}" in html
    assert ">In progress</td>" in html and 'value="60"' in html and "<span>60%</span>" in html
    assert ">02/03/2026</span>" in html and "assignment-row__mission" not in html
    row = work["items"]["overdue"]  # never reported on
    assert '<span class="muted">none yet</span>' in row_html(client.get(reverse("portal:home")).content.decode())
    row = work["items"]["on_track"]

    # In Vietnamese, the labels and the extension note are Vietnamese; the committee sees each row's mission.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = row_html(client.get(reverse("portal:home")).content.decode())
    with translation.override("vi"):
        expected = translation.gettext("extended from %(date)s") % {"date": f"{original:%d/%m/%Y}"}
        in_progress = translation.gettext("In progress")
    assert expected != f"extended from {original:%d/%m/%Y}" and expected in html
    assert f">{in_progress}</td>" in html
    client.force_login(committee_user)
    html = row_html(client.get(reverse("portal:home")).content.decode())
    assert f'<span class="assignment-row__mission">{row.mission.code} · ' in html
