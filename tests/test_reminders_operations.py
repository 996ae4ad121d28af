"""How people run reminders: the command, the Celery tasks, the beat schedule, the admin log and policy,
and the preferences page the e-mails link to."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from tests.factories import UserFactory
from tests.reminders_support import assign, at, mission_with_people
from tracker.reminders import services
from tracker.reminders.models import ReminderDelivery, ReminderPolicy, ReminderPreference
from tracker.tasks import reminders_send_batch, reminders_sweep

pytestmark = pytest.mark.django_db

WED = datetime.date(2025, 3, 12)
TOKYO_8 = "2025-03-12T08:00+09:00"


@pytest.fixture
def world(db):
    tokyo, tokyo_people = mission_with_people("EMB-JP", "Asia/Tokyo")
    seoul, seoul_people = mission_with_people("EMB-KR", "Asia/Seoul")
    work = {
        "jp": assign(tokyo, WED, "Tokyo's task due today"),
        "kr": assign(seoul, WED - datetime.timedelta(days=1), "Seoul's task a day late"),
    }
    return {"EMB-JP": tokyo_people, "EMB-KR": seoul_people}, work


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- the command --------------------------------------------------------------------------------


def test_dry_run_prints_who_would_get_what_and_sends_and_claims_nothing(world):
    people, work = world
    out = run("--now", "2025-03-12T09:00+09:00", "--dry-run")
    assert "would send" in out and people["EMB-JP"]["head"].email in out and people["EMB-KR"]["head"].email in out
    assert f"assignments {work['jp'].pk}" in out
    assert "8 digests would be sent" in out
    assert mail.outbox == [] and not ReminderDelivery.objects.exists()


def test_the_command_sends_and_a_rerun_says_already_sent(world):
    people, work = world
    out = run("--now", "2025-03-12T09:00+09:00")
    assert "8 digests claimed" in out and "8 sent" in out
    assert len(mail.outbox) == 8
    again = run("--now", "2025-03-12T11:00+09:00", "--dry-run")
    assert "already sent today" in again and "0 digests would be sent" in again
    assert len(mail.outbox) == 8


def test_the_command_for_one_mission(world):
    people, work = world
    run("--now", "2025-03-12T09:00+09:00", "--mission", "EMB-KR")
    assert {m.to[0] for m in mail.outbox} == {*(p.email for p in people["EMB-KR"].values()), "emb-kr@missions.example"}
    run("--now", "2025-03-12T09:00+09:00")  # the others later the same day
    assert len(mail.outbox) == 8


def test_a_naive_now_is_ha_noi_time(world):
    run("--now", "2025-03-12T06:00", "--dry-run")  # 08:00 in Tokyo and Seoul
    out = run("--now", "2025-03-12T05:59", "--dry-run")
    assert "0 digests would be sent" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--now", "tomorrow"], "not an ISO 8601 date and time"),
        (["--now", "2025-02-30T08:00+07:00"], "not an ISO 8601 date and time"),
        (["--mission", "EMB-XX"], "No mission has the code"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert mail.outbox == [] and not ReminderDelivery.objects.exists()


def test_an_inactive_mission_is_refused(world):
    from missions.models import Mission
    from missions.services import mission_set_active

    mission_set_active(mission=Mission.objects.get(code="EMB-KR"), is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("--mission", "EMB-KR")


# --- the Celery tasks ---------------------------------------------------------------------------


def test_the_sweep_task_enqueues_the_sending_after_the_transaction_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_sweep.apply(kwargs={"now": "2025-03-12T09:00:00+09:00"})
    assert len(callbacks) == 1  # one batch of 8, enqueued only once the claims are committed
    assert ReminderDelivery.objects.filter(state=ReminderDelivery.State.PENDING).count() == 8
    assert mail.outbox == []

    ids = list(ReminderDelivery.objects.values_list("pk", flat=True))
    reminders_send_batch.apply(args=[ids])
    reminders_send_batch.apply(args=[ids])  # delivered twice by the broker: sent once
    assert len(mail.outbox) == 8
    assert set(ReminderDelivery.objects.values_list("state", flat=True)) == {ReminderDelivery.State.SENT}


def test_the_sweep_task_refuses_a_now_without_offset(world):
    result = reminders_sweep.apply(kwargs={"now": "2025-03-12T09:00"})
    assert isinstance(result.result, ValueError)
    assert not ReminderDelivery.objects.exists()


def test_the_tasks_have_stable_names_and_late_acknowledgement():
    from django.conf import settings

    assert reminders_sweep.name == "tracker.reminders.sweep"
    assert reminders_send_batch.name == "tracker.reminders.send_batch"
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert services.LEASE.total_seconds() > settings.CELERY_TASK_TIME_LIMIT  # a killed task's lease runs out


# --- the beat schedule --------------------------------------------------------------------------


def test_setup_schedule_installs_the_sweep_and_keeps_the_committees_changes(db):
    call_command("setup_schedule", stdout=io.StringIO())
    task = PeriodicTask.objects.get(task="tracker.reminders.sweep")
    assert task.enabled and task.crontab.minute == "*/15"

    task.enabled = False  # the committee paused it in the admin
    task.save()
    call_command("setup_schedule", stdout=io.StringIO())
    assert not PeriodicTask.objects.get(pk=task.pk).enabled
    assert PeriodicTask.objects.filter(task="tracker.reminders.sweep").count() == 1

    call_command("setup_schedule", "--reset", stdout=io.StringIO())
    assert PeriodicTask.objects.get(pk=task.pk).enabled


# --- the admin ----------------------------------------------------------------------------------


def test_the_policy_is_installed_by_the_migration_and_edited_in_the_admin(client, committee_user, world):
    people, work = world
    policy = ReminderPolicy.objects.get()
    assert (policy.send_hour, policy.due_soon_days, policy.overdue_every_days, policy.escalation_after_days) == (
        8,
        "7,1",
        7,
        14,
    )
    client.force_login(committee_user)
    url = reverse("admin:tracker_reminderpolicy_change", args=[1])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (False, None)}

    bad = client.post(url, {**data, "due_soon_days": "seven"})
    assert bad.status_code == 200 and "due_soon_days" in bad.context["adminform"].form.errors
    assert ReminderPolicy.objects.get().due_soon_days == "7,1"

    response = client.post(url, {**data, "send_hour": "10"})
    assert response.status_code == 302
    assert ReminderPolicy.objects.get().send_hour == 10
    # From the next sweep on, 09:00 in Tokyo is too early.
    services.reminders_run(now=at("2025-03-12T09:00+09:00"))
    assert mail.outbox == []
    services.reminders_run(now=at("2025-03-12T10:00+09:00"))
    assert len(mail.outbox) == 8  # Tokyo's and Seoul's


def test_the_reminders_log_in_the_admin(client, committee_user, world):
    people, work = world
    services.reminders_run(now=at(TOKYO_8))
    failed = ReminderDelivery.objects.first()
    ReminderDelivery.objects.filter(pk=failed.pk).update(
        state=ReminderDelivery.State.FAILED, last_error="SMTPRecipientsRefused: 550 no such user"
    )
    client.force_login(committee_user)
    url = reverse("admin:tracker_reminderdelivery_changelist")
    page = client.get(url, {"state__exact": "failed"})
    assert page.status_code == 200
    content = page.content.decode()
    assert failed.recipient in content and "550 no such user" in content
    assert client.get(reverse("admin:tracker_reminderdelivery_change", args=[failed.pk])).status_code == 200
    assert client.get(reverse("admin:tracker_reminderdelivery_add")).status_code == 403


def test_the_admin_sends_failed_deliveries_again_after_commit(
    client, committee_user, world, django_capture_on_commit_callbacks
):
    services.reminders_run(now=at(TOKYO_8))
    ids = list(ReminderDelivery.objects.values_list("pk", flat=True)[:2])
    ReminderDelivery.objects.filter(pk__in=ids).update(state=ReminderDelivery.State.FAILED, attempts=8)
    client.force_login(committee_user)
    url = reverse("admin:tracker_reminderdelivery_changelist")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"action": "retry", "_selected_action": [str(pk) for pk in ids]})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert set(ReminderDelivery.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"retrying"}
    before = len(mail.outbox)
    services.deliveries_send(delivery_ids=ids)  # what the enqueued task does
    assert len(mail.outbox) == before + 2


def test_the_reminders_log_costs_the_same_queries_for_few_or_many_rows(client, committee_user, world):
    client.force_login(committee_user)
    url = reverse("admin:tracker_reminderdelivery_changelist")
    services.reminders_run(now=at(TOKYO_8))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(13, 20):
        services.reminders_run(now=at(f"2025-03-{day}T20:00+09:00"))
    assert ReminderDelivery.objects.count() >= 16
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many), "the reminders log must not cost a query per row: why did it change?"


# --- the preferences page -----------------------------------------------------------------------


def test_the_preferences_page_needs_a_log_in(client):
    response = client.get("/portal/preferences/")
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def test_a_member_chooses_their_reminders(client, world):
    people, work = world
    head = people["EMB-JP"]["head"]
    client.force_login(head)
    page = client.get(reverse("portal:preferences"))
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.fields) == {"due_soon", "due_today", "overdue"}
    assert all(form[name].value() for name in form.fields)

    response = client.post(reverse("portal:preferences"), {"overdue": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=head)
    assert (preference.due_soon, preference.due_today, preference.overdue) == (False, False, True)
    assert preference.escalation and preference.weekly  # not offered, not changed

    services.reminders_run(now=at(TOKYO_8))
    assert head.email not in {m.to[0] for m in mail.outbox}  # only "due today" items on Wednesday


def test_the_committee_chooses_escalations_and_the_weekly_summary(client):
    chair = UserFactory(username="chair-pref", is_staff=True)
    client.force_login(chair)
    form = client.get(reverse("portal:preferences")).context["form"]
    assert set(form.fields) == {"escalation", "weekly"}
    client.post(reverse("portal:preferences"), {"escalation": "on"})
    preference = ReminderPreference.objects.get(user=chair)
    assert preference.escalation and not preference.weekly
