"""The portal list's filter options are cached between views, and what a mission head sees in them is never stale.

The options (themes, directives, commitments of the mission's work) come from the cache under the version of the
data they are drawn from (`tracker.options_cache`); the writes that change them move the version on, a report
does not.
"""

import datetime
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.models import Membership
from tests.factories import DirectiveFactory, MissionFactory, TaskFactory, make_assignment, member
from tracker import options_cache, scale_data, services
from tracker.models import Assignment, Theme

# The portal list of a member of one mission with the options cached (tests/test_portal_queries.py pins it);
# one more when they are read.
WARM = 5


@pytest.fixture
def mission(db):
    return MissionFactory(code="EMB-OPT", timezone="Europe/Paris")


@pytest.fixture
def head(client, mission, settings):
    user = member(mission, Membership.Role.HEAD, username="opt_head")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


@pytest.fixture
def work(mission, head):
    """One assignment of the mission, with a directive and a theme."""
    green = Theme.objects.create(code="green", name_vi="Kinh tế xanh", name_en="Green economy", group="new")
    task = TaskFactory(title="Solar investment follow-up", directive=DirectiveFactory(title="Directive one"))
    task.themes.add(green)
    assignment = make_assignment(mission=mission, task=task)
    return {"assignment": assignment, "task": task, "directive": task.directive, "green": green}


def view(client) -> tuple[str, int]:
    """The list page's HTML, and the number of queries it cost."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def select_of(html: str, name: str) -> str:
    start = html.index(f'<select name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_options_are_cached_until_the_version_moves(client, work):
    html, cold = view(client)
    assert "Directive one (02/04/2024)" in select_of(html, "directive")
    html, warm = view(client)
    assert (cold, warm) == (WARM + 1, WARM)
    # A change that sends no signal and moves no version is not seen: the options do come from the cache.
    type(work["directive"]).objects.filter(pk=work["directive"].pk).update(title="Renamed quietly")
    assert "Renamed quietly" not in select_of(view(client)[0], "directive")
    options_cache.bump()
    html, queries = view(client)
    assert "Renamed quietly" in select_of(html, "directive") and queries == WARM + 1


def test_work_assigned_to_the_mission_shows_its_directive_on_the_next_view(client, work, mission):
    task = TaskFactory(title="Chip fair delegation", directive=DirectiveFactory(title="New directive"))
    assert "New directive" not in select_of(view(client)[0], "directive")
    services.task_assign(task=task, missions=[mission], deadline=timezone.localdate() + datetime.timedelta(days=9))
    assert "New directive (02/04/2024)" in select_of(view(client)[0], "directive")


def test_a_renamed_directive_shows_its_new_title(client, work, committee_user):
    view(client)
    services.directive_update(
        directive_id=work["directive"].pk,
        updated_by=committee_user,
        changes={"title": "Directive one, amended", "issued_on": datetime.date(2025, 5, 6)},
    )
    select = select_of(view(client)[0], "directive")
    assert "Directive one, amended (06/05/2025)" in select and "(02/04/2024)" not in select


def test_a_theme_added_to_a_task_shows(client, work):
    digital = Theme.objects.create(code="digital", name_vi="Kinh tế số", name_en="Digital economy", group="new")
    assert "Digital economy" not in select_of(view(client)[0], "theme")
    work["task"].themes.add(digital)
    assert "Digital economy" in select_of(view(client)[0], "theme")
    work["task"].themes.remove(digital)
    assert "Digital economy" not in select_of(view(client)[0], "theme")


def test_a_deleted_assignment_takes_its_only_directive_with_it(client, work, mission):
    other = make_assignment(mission=mission, task=TaskFactory(directive=DirectiveFactory(title="Short-lived")))
    assert "Short-lived" in select_of(view(client)[0], "directive")
    other.delete()
    select = select_of(view(client)[0], "directive")
    assert "Short-lived" not in select and "Directive one" in select


def test_reports_and_extension_decisions_leave_the_cached_options_alone(client, work, head, committee_user):
    view(client)
    before = options_cache.version()
    assignment = work["assignment"]
    services.report_submit(assignment_id=assignment.pk, author=head, status="in_progress", percent=40)
    services.report_submit(assignment_id=assignment.pk, author=head, status="blocked", percent=40, obstacles="Visa")
    extension = services.extension_request_create(
        assignment_id=assignment.pk,
        requested_by=head,
        requested_deadline=assignment.deadline + datetime.timedelta(days=30),
        reason="The partner's elections.",
    )
    services.extension_decide(extension_id=extension.pk, decided_by=committee_user, approve=True)
    assert options_cache.version() == before
    assert view(client)[1] == WARM


def test_each_language_has_its_own_entry(client, work, settings):
    english, first_en = view(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vietnamese, first_vi = view(client)
    assert ">Green economy</option>" in select_of(english, "theme") and "Kinh tế xanh" not in english
    assert ">Kinh tế xanh</option>" in select_of(vietnamese, "theme") and "Green economy" not in vietnamese
    assert (first_en, first_vi) == (WARM + 1, WARM + 1)
    # Both cached now: each language's page is served from its own entry.
    vietnamese, again_vi = view(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, again_en = view(client)
    assert ">Kinh tế xanh</option>" in vietnamese and ">Green economy</option>" in english
    assert (again_vi, again_en) == (WARM, WARM)


def test_another_missions_head_never_sees_this_missions_options(client, work):
    theirs = make_assignment(
        mission=MissionFactory(code="EMB-OTHER"), task=TaskFactory(directive=DirectiveFactory(title="Their directive"))
    )
    mine = select_of(view(client)[0], "directive")  # this mission's options, cached
    assert "Directive one" in mine and "Their directive" not in mine
    client.force_login(member(theirs.mission, Membership.Role.HEAD, username="other_head"))
    html, queries = view(client)
    select = select_of(html, "directive")
    assert "Their directive" in select and "Directive one" not in select and "Green economy" not in html
    assert queries == WARM + 1  # their own entry, read for them


def test_a_cache_server_that_does_not_answer_costs_the_query_not_the_page(client, work, cache_server_down, caplog):
    with caplog.at_level(logging.WARNING, logger="tracker.cache"):
        html, queries = view(client)
    assert "Directive one" in select_of(html, "directive") and queries == WARM + 1
    assert "filter options cache: read failed" in caplog.text


def test_data_written_without_signals_moves_the_version(db):
    before = options_cache.version()
    scale_data.generate(assignments=20, reports=30, seed=7)
    generated = options_cache.version()
    assert generated > before
    scale_data.flush()
    assert options_cache.version() > generated and not Assignment.objects.exists()


def test_a_restore_moves_the_version_past_every_number_used_before(db):
    from tracker.models import DataVersion

    rows = DataVersion.objects.filter(name=options_cache.NAME)
    rows.update(version=3)  # restored from a backup taken at 3, after this database had reached 50
    options_cache.bump_past(50)
    assert options_cache.version() == 51
    rows.update(version=80)  # restored from a backup of a database that had gone further
    options_cache.bump_past(50)
    assert options_cache.version() == 81
    rows.delete()  # restored from a backup that had no version yet
    options_cache.bump_past(50)
    assert options_cache.version() == 51
