"""An assignment's page: the task and where it comes from, both deadlines, and the timeline of what happened."""

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tracker import selectors, services


@pytest.fixture
def page(client, world):
    def get(user, assignment=None):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client.get(reverse("portal:assignment_detail", args=[(assignment or world.assignment_a).pk]))

    return get


def test_the_page_shows_the_task_its_sources_and_both_deadlines(page, world):
    a = world.assignment_a
    services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=True)
    a.refresh_from_db()
    html = page(world.officer_a).content.decode()
    task = a.task
    for text in (
        task.title,
        task.directive.title,
        task.directive.number,
        task.commitment.title,
        a.deadline.strftime("%d/%m/%Y"),
        a.original_deadline.strftime("%d/%m/%Y"),
        "Asia/Tokyo",
    ):
        assert text in html, text
    assert a.deadline != a.original_deadline


def test_the_timeline_lists_reports_requests_decisions_and_changes_newest_first(page, world):
    services.extension_decide(
        extension_id=world.extension_a.pk, decided_by=world.committee, approve=False, note="Not this time."
    )
    services.report_submit(
        assignment_id=world.assignment_a.pk, author=world.head_a, status="blocked", percent=35, obstacles="Strike."
    )
    response = page(world.head_a)
    kinds = [e.kind for e in response.context["timeline"]]
    assert kinds == ["report", "extension_decided", "extension_requested", "report", "assigned"]
    times = [e.at for e in response.context["timeline"]]
    assert times == sorted(times, reverse=True)
    html = response.content.decode()
    assert "Not this time." in html and "Strike." in html and "The partner&#x27;s elections." in html
    assert f'id="extension_decided-{world.extension_a.pk}"' in html


def test_times_are_shown_in_the_missions_zone_to_members_and_in_ha_noi_to_the_committee(page, world):
    moment = datetime.datetime(2025, 3, 1, 1, 30, tzinfo=datetime.UTC)
    report = services.report_submit(
        assignment_id=world.assignment_a.pk, author=world.head_a, status="in_progress", percent=40, now=moment
    )
    tokyo = page(world.head_a).content.decode()
    assert f'id="report-{report.pk}"' in tokyo
    assert "10:30 01/03/2025" in tokyo  # 01:30 UTC is 10:30 in Tokyo
    hanoi = page(world.committee).content.decode()
    assert "08:30 01/03/2025" in hanoi  # and 08:30 in Ha Noi


def test_members_see_the_buttons_their_role_allows(page, world):
    # A head may ask for more time once the previous request is decided; an officer never sees the button.
    services.extension_decide(extension_id=world.extension_b.pk, decided_by=world.committee, approve=False)
    html = page(world.head_b, world.assignment_b).content.decode()
    assert reverse("portal:extension_create", args=[world.assignment_b.pk]) in html
    assert reverse("portal:report_create", args=[world.assignment_b.pk]) in html
    html = page(world.officer_a).content.decode()
    assert reverse("portal:extension_create", args=[world.assignment_a.pk]) not in html
    assert reverse("portal:report_create", args=[world.assignment_a.pk]) in html


@pytest.mark.skipif(not selectors.reminder_log_installed(), reason="the reminders' delivery log is not installed")
def test_reminders_sent_appear_in_the_timeline(page, world):
    Delivery = apps.get_model("tracker", "ReminderDelivery")
    Item = apps.get_model("tracker", "ReminderItem")
    now = timezone.now()
    delivery = Delivery.objects.create(
        kind="mission",
        local_date=now.date(),
        mission=world.mission_a,
        recipient=world.head_a.email,
        user=world.head_a,
        language="en",
        state="sent",
        claimed_at=now,
        sent_at=now,
    )
    Item.objects.create(delivery=delivery, assignment=world.assignment_a, kind="due_soon", days_left=3)
    response = page(world.officer_a)
    assert "reminder" in [e.kind for e in response.context["timeline"]]
    assert f"to {world.head_a.display_name}" in response.content.decode()
