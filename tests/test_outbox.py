"""The outbox: the e-mail an action triggers is written in the action's transaction, sent by a worker after
the commit, claimed once, retried with a bounded back-off, shown in the admin; an action that fails leaves no
e-mail and no row; a broker that is down fails nothing and the periodic drain sends the mail later."""

import datetime
import logging
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from config.celery_app import app as celery_app
from tests.factories import make_assignment
from tests.portal_world import pdf
from tests.reminders_support import SmtpServer, free_port
from tracker import mailing, notifications, services
from tracker.models import Assignment, ExtensionRequest, Report, ReportAttachment
from tracker.outbox import services as outbox
from tracker.outbox.models import OutboxMessage
from tracker.reminders.schedule import SCHEDULE
from tracker.tasks import outbox_drain, outbox_send

State = OutboxMessage.State


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def smtp_at(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    )


def decide(world, approve=True, **kw):
    return services.extension_decide(
        extension_id=world.extension_a.pk, decided_by=world.committee, approve=approve, **kw
    )


def rows_of(world) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(reference=f"extension-request:{world.extension_a.pk}").order_by("pk"))


def later(minutes: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


# --- written with the decision, sent after the commit ---------------------------------------------


def test_the_decision_writes_its_mail_in_its_transaction_and_a_worker_sends_it_after_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(world, note="Report monthly.")
    rows = rows_of(world)
    # One row per recipient, rendered in their language, waiting: nothing was sent in the request.
    assert sorted(r.recipient for r in rows) == sorted([world.head_a.email, world.deputy_a.email])
    assert {r.state for r in rows} == {State.PENDING} and mail.outbox == []
    to_head = next(r for r in rows if r.recipient == world.head_a.email)
    assert to_head.subject.startswith("Extension approved: ") and "Report monthly." in to_head.body
    assert 'lang="en"' in to_head.html and to_head.user == world.head_a
    assert 'lang="vi"' in next(r for r in rows if r.recipient == world.deputy_a.email).html
    assert len(callbacks) == 1  # the hand-over to a worker, once the decision is committed

    callbacks[0]()  # the commit happens: the task runs (in this process, as a worker would)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.head_a.email, world.deputy_a.email])
    assert {(r.state, r.attempts) for r in rows_of(world)} == {(State.SENT, 1)}
    sent = {m.to[0]: m for m in mail.outbox}[world.head_a.email]
    assert sent.extra_headers["Message-ID"] == to_head.message_id  # the same id on every attempt
    assert sent.alternatives[0][1] == "text/html"

    # The broker delivers the task again, the drain runs: nothing is sent twice.
    outbox_send.apply(args=[[r.pk for r in rows]])
    outbox_drain.apply(kwargs={"now": later(60).isoformat()})
    assert len(mail.outbox) == 2


def test_an_error_after_the_status_change_rolls_back_the_change_the_mail_and_the_row(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The decision has changed the request's state and the deadline when rendering its mail fails: nothing of it
    is left, and nobody is told."""
    deadline = world.assignment_a.deadline

    def broken(request):
        assert ExtensionRequest.objects.get(pk=request.pk).state == "approved"  # the change was made
        raise RuntimeError("template error")

    monkeypatch.setattr(notifications, "extension_decided_mails", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        decide(world)
    world.extension_a.refresh_from_db()
    world.assignment_a.refresh_from_db()
    assert (world.extension_a.state, world.extension_a.decided_by) == ("pending", None)
    assert world.assignment_a.deadline == deadline
    assert callbacks == [] and mail.outbox == [] and not OutboxMessage.objects.exists()


def test_an_error_after_the_rows_are_written_rolls_them_back_too(world, django_capture_on_commit_callbacks):
    """The outbox rows are written, then the surrounding transaction fails (a later step of the same request)."""
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        decide(world)
        assert len(rows_of(world)) == 2
        raise RuntimeError("a later step failed")
    assert callbacks == [] and mail.outbox == [] and rows_of(world) == []
    world.extension_a.refresh_from_db()
    assert world.extension_a.state == "pending"


def test_a_report_whose_attachment_cannot_be_stored_leaves_no_report_no_status_and_no_file(
    world, media_root, monkeypatch
):
    """The status moves, then writing the file fails (a full disk): the report, the status and the files go."""
    from django.core.files.storage import FileSystemStorage

    a = world.assignment_a
    before = (a.status, a.percent, a.version)
    reports, attachments = Report.objects.count(), ReportAttachment.objects.count()
    files = sorted(p for p in media_root.rglob("*") if p.is_file())
    real_save = FileSystemStorage._save
    calls = []

    def disk_full(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the first file is written, the second fails
            raise OSError(28, "No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    with pytest.raises(OSError):
        services.report_submit(
            assignment_id=a.pk,
            author=world.head_a,
            status="blocked",
            percent=40,
            obstacles="Elections.",
            attachments=[pdf("one.pdf"), pdf("two.pdf")],
        )
    a.refresh_from_db()
    assert (a.status, a.percent, a.version) == before
    assert (Report.objects.count(), ReportAttachment.objects.count()) == (reports, attachments)
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == files


def test_outbox_rows_are_written_only_inside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        outbox.outbox_add(kind="extension_decided", reference="x:1", mails=[outbox.Mail("a@example.org", "s", "b")])


def test_the_database_refuses_a_second_message_for_the_same_event_and_recipient(world):
    decide(world)
    row = rows_of(world)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox.outbox_add(
            kind=row.kind, reference=row.reference, mails=[outbox.Mail(row.recipient, "again", "again")]
        )


# --- the broker is down ---------------------------------------------------------------------------


def _forget_broker_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """A broker nobody answers at (a closed port), and tasks really sent to it (not run in this process)."""
    conf = celery_app.conf
    # The write URL: Celery lets a CELERY_BROKER_URL environment variable (CI's) win over broker_url.
    conf.broker_write_url, conf.task_always_eager = f"redis://127.0.0.1:{free_port()}/0", False
    _forget_broker_connections()
    yield
    conf.broker_write_url, conf.task_always_eager = None, True
    _forget_broker_connections()


def test_a_broker_that_is_down_fails_nothing_and_the_drain_sends_later(
    client, world, broker_down, caplog, django_capture_on_commit_callbacks
):
    client.force_login(world.committee)
    url = reverse("admin:tracker_extensionrequest_change", args=[world.extension_a.pk])
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"decision_note": "", "_approve": "1"})
    assert response.status_code == 302 and len(callbacks) == 1
    world.extension_a.refresh_from_db()
    assert world.extension_a.state == "approved"
    assert {r.state for r in rows_of(world)} == {State.PENDING} and mail.outbox == []
    assert "the periodic drain will send them" in caplog.text

    celery_app.conf.task_always_eager = True  # the broker and a worker are back
    assert outbox.outbox_due() == []  # a message written a moment ago is still the after-commit task's
    outbox_drain.apply(kwargs={"now": later(2).isoformat()})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.head_a.email, world.deputy_a.email])
    assert {r.state for r in rows_of(world)} == {State.SENT}


def test_the_api_decision_also_survives_a_broker_that_is_down(world, broker_down, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/extension-requests/{world.extension_a.pk}/reject/", {"note": "No"}, format="json")
    assert response.status_code == 200, response.content
    assert {r.state for r in rows_of(world)} == {State.PENDING}


# --- claimed once, retried with a bounded back-off ------------------------------------------------


def test_the_smtp_server_down_then_back_each_message_once_after_its_back_off(world):
    decide(world)
    ids = [r.pk for r in rows_of(world)]
    port = free_port()
    with smtp_at(port):
        outcome = outbox.outbox_send(message_ids=ids)  # nothing listens
        assert outcome.sent == [] and sorted(outcome.retrying) == sorted(ids)
        assert outcome.retry_in <= mailing.MAX_BACKOFF
        rows = rows_of(world)
        assert {(r.state, r.attempts) for r in rows} == {(State.RETRYING, 1)}
        assert all("ConnectionRefused" in r.last_error for r in rows)
        assert outbox.outbox_send(message_ids=ids).skipped == ids  # too early: the back-off holds
        server = SmtpServer(port).start()
        try:
            assert outbox.outbox_due(now=later(2)) == ids
            outcome = outbox.outbox_send(message_ids=ids, now=later(2))
            assert sorted(outcome.sent) == sorted(ids)
            outbox.outbox_send(message_ids=ids, now=later(60))
        finally:
            server.stop()
    assert sorted(server.inbox.recipients()) == sorted([world.head_a.email, world.deputy_a.email])
    assert {(r.state, r.attempts) for r in rows_of(world)} == {(State.SENT, 2)}


def test_after_the_last_attempt_a_message_is_failed_until_someone_sends_it_again(client, world):
    decide(world)
    ids = [r.pk for r in rows_of(world)]
    port = free_port()
    waits = []
    with smtp_at(port):
        for attempt in range(mailing.MAX_ATTEMPTS):
            outcome = outbox.outbox_send(message_ids=ids, now=later(60 * (attempt + 1)))
            if outcome.retry_in is not None:
                waits.append(outcome.retry_in)
        assert {(r.state, r.attempts) for r in rows_of(world)} == {(State.FAILED, mailing.MAX_ATTEMPTS)}
        assert outbox.outbox_due(now=later(60 * 24)) == []  # not retried by itself any more, and not lost
        assert max(waits) <= mailing.MAX_BACKOFF

        # The committee sees it in the admin and sends it again.
        client.force_login(world.committee)
        changelist = reverse("admin:tracker_outboxmessage_changelist")
        page = client.get(changelist, {"state__exact": "failed"})
        assert page.status_code == 200 and world.head_a.email in page.content.decode()
        server = SmtpServer(port).start()
        try:
            response = client.post(changelist, {"action": "send_again", "_selected_action": [str(pk) for pk in ids]})
            assert response.status_code == 302
            outbox.outbox_send(message_ids=ids)  # what the task handed over after the commit does
        finally:
            server.stop()
    assert {r.state for r in rows_of(world)} == {State.SENT}
    assert len(server.inbox.recipients()) == 2


def test_the_send_task_retries_itself_within_the_bounded_back_off(world, monkeypatch):
    decide(world)
    ids = [r.pk for r in rows_of(world)]
    countdowns = []

    def capture(self, *args, **kwargs):
        countdowns.append(kwargs["countdown"])
        raise RuntimeError("retry requested")

    monkeypatch.setattr(outbox_send.__class__, "retry", capture)
    with smtp_at(free_port()):
        result = outbox_send.apply(args=[ids])
    assert isinstance(result.result, RuntimeError)
    assert countdowns and 1 <= countdowns[0] <= mailing.MAX_BACKOFF.total_seconds()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_given_the_same_messages_at_once_send_each_once(committee_user, monkeypatch):
    """Four workers get the same ids at the same moment (a redelivered task, the drain): each message goes once."""
    from missions.models import Membership
    from tests.factories import member

    a = make_assignment()
    heads = [member(a.mission, Membership.Role.HEAD) for _ in range(3)]
    request = services.extension_request_create(
        assignment_id=a.pk, requested_by=heads[0], requested_deadline=a.deadline + datetime.timedelta(days=9),
        reason="Visit moved",
    )
    monkeypatch.setattr(outbox, "outbox_enqueue", lambda **kwargs: False)  # the hand-over is lost: the race decides
    services.extension_decide(extension_id=request.pk, decided_by=committee_user, approve=True)
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    assert len(ids) == 3
    barrier = threading.Barrier(4)
    outcomes = []

    def send():
        try:
            barrier.wait()
            outcomes.append(outbox.outbox_send(message_ids=ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(pk for o in outcomes for pk in o.sent) == sorted(ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(h.email for h in heads)


# --- visible in the admin, drained by beat --------------------------------------------------------


def test_the_outbox_in_the_admin_is_read_only_and_for_the_committee(client, world):
    decide(world)
    row = rows_of(world)[0]
    client.force_login(world.committee)
    page = client.get(reverse("admin:tracker_outboxmessage_changelist"))
    assert page.status_code == 200 and row.recipient in page.content.decode()
    assert client.get(reverse("admin:tracker_outboxmessage_change", args=[row.pk])).status_code == 200
    assert client.get(reverse("admin:tracker_outboxmessage_add")).status_code == 403
    assert client.post(reverse("admin:tracker_outboxmessage_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    client.force_login(world.head_a)
    response = client.get(reverse("admin:tracker_outboxmessage_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_beat_drains_the_outbox_every_minute(db):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    entries = {entry["task"]: entry for entry in SCHEDULE.values()}
    assert entries["tracker.outbox.drain"]["crontab"]["minute"] == "*"
    call_command("setup_schedule", verbosity=0)
    task = PeriodicTask.objects.get(task="tracker.outbox.drain")
    assert task.enabled and task.crontab.minute == "*"


def test_the_drain_hands_out_only_what_is_due(world):
    decide(world)  # sent at once (the after-commit task is not run in this test's transaction)
    assert outbox.outbox_due() == []
    ids = [r.pk for r in rows_of(world)]
    assert outbox.outbox_due(now=later(2)) == ids  # pending past the grace: the hand-over was lost
    OutboxMessage.objects.filter(pk=ids[0]).update(
        state=State.RETRYING, attempts=1, next_attempt_at=later(5), last_error="x"
    )
    assert outbox.outbox_due(now=later(2)) == ids[1:]  # the retry waits for its back-off
    assert Assignment.objects.get(pk=world.assignment_a.pk).deadline == world.extension_a.requested_deadline


def test_the_outbox_list_costs_the_same_queries_for_few_or_many_rows(client, world):
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.committee)
    url = reverse("admin:tracker_outboxmessage_changelist")

    def add(n: int) -> None:
        with transaction.atomic():
            outbox.outbox_add(
                kind=OutboxMessage.Kind.EXTENSION_DECIDED,
                reference=f"extension-request:{n}",
                mails=[outbox.Mail(f"person{i}@example.org", "Subject", "Body", user=world.head_a) for i in range(3)],
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 12):
        add(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many), "the outbox list must not cost a query per row: why did it change?"
