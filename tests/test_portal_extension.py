"""Asking for a deadline extension in the portal, deciding it in the admin, and the e-mail the mission gets."""

import datetime
import logging
import socket

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_assignment, member
from tracker import services
from tracker.models import ExtensionRequest


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def fresh(world):
    """An assignment of mission A with no extension request yet."""
    return make_assignment(mission=world.mission_a, deadline=timezone.localdate() + datetime.timedelta(days=10))


def ask(client, assignment, **data):
    return client.post(reverse("portal:extension_create", args=[assignment.pk]), data)


def test_the_extension_flow_end_to_end(client, world, fresh, english, django_capture_on_commit_callbacks):
    original = fresh.deadline
    new_date = original + datetime.timedelta(days=45)

    # The head asks in the portal; bad input gets a clear message and saves nothing.
    client.force_login(world.head_a)
    detail = client.get(reverse("portal:assignment_detail", args=[fresh.pk]))
    assert reverse("portal:extension_create", args=[fresh.pk]) in detail.content.decode()
    response = ask(client, fresh, requested_deadline=original.strftime("%d/%m/%Y"), reason="More time.")
    assert response.context["form"].errors["requested_deadline"] == [
        f"The new deadline must be later than the current one ({original:%d/%m/%Y})."
    ]
    response = ask(client, fresh, requested_deadline="31/02/2030", reason="More time.")
    assert response.context["form"].errors["requested_deadline"] == ["Enter a valid date."]
    response = ask(client, fresh, requested_deadline=new_date.strftime("%d/%m/%Y"), reason="   ")
    assert "reason" in response.context["form"].errors
    assert not ExtensionRequest.objects.filter(assignment=fresh).exists()

    response = ask(
        client, fresh, requested_deadline=new_date.strftime("%d/%m/%Y"), reason="The partner's ministry is reorganised."
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(assignment=fresh)
    assert (request.state, request.requested_by, request.current_deadline) == ("pending", world.head_a, original)
    assert response["Location"].endswith(f"#extension_requested-{request.pk}")

    # The page says it is waiting; asking twice is not offered.
    page = client.get(reverse("portal:assignment_detail", args=[fresh.pk])).content.decode()
    assert 'id="pending-extension"' in page
    assert reverse("portal:extension_create", args=[fresh.pk]) not in page
    form_page = client.get(reverse("portal:extension_create", args=[fresh.pk]))
    assert form_page.context["pending"] == request

    # The committee approves with the button on the request in the admin, with a note.
    client.force_login(world.committee)
    change_url = reverse("admin:tracker_extensionrequest_change", args=[request.pk])
    assert 'name="_approve"' in client.get(change_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(change_url, {"decision_note": "Approved; report monthly.", "_approve": "1"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    request.refresh_from_db()
    fresh.refresh_from_db()
    assert (request.state, request.decided_by, request.decision_note) == (
        "approved",
        world.committee,
        "Approved; report monthly.",
    )
    assert (fresh.deadline, fresh.original_deadline) == (new_date, original)  # history keeps the original

    # The mission is told: the head (who asked) and the deputy, each once, in their language; not the officer.
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([world.head_a.email, world.deputy_a.email])
    to_head = by_address[world.head_a.email]
    assert to_head.subject == f"Extension approved: {fresh.task.title}"
    for text in (new_date.strftime("%d/%m/%Y"), original.strftime("%d/%m/%Y"), "Approved; report monthly."):
        assert text in to_head.body
    link = "http://testserver" + reverse("portal:extension_detail", args=[request.pk])
    assert link in to_head.body
    html, mimetype = to_head.alternatives[0]
    assert mimetype == "text/html" and 'lang="en"' in html and link in html
    assert 'lang="vi"' in by_address[world.deputy_a.email].alternatives[0][0]

    # The link in the e-mail leads the head to the decision in the assignment's timeline.
    client.force_login(world.head_a)
    response = client.get(link.removeprefix("http://testserver"))
    assert response["Location"].endswith(f"#extension_decided-{request.pk}")
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert f"Extension approved: new deadline {new_date:%d/%m/%Y}" in page
    assert original.strftime("%d/%m/%Y") in page


def test_the_reject_action_tells_the_mission_and_keeps_the_deadline(
    client, world, fresh, django_capture_on_commit_callbacks
):
    request = services.extension_request_create(
        assignment_id=fresh.pk,
        requested_by=world.deputy_a,
        requested_deadline=fresh.deadline + datetime.timedelta(days=5),
        reason="Holidays.",
    )
    client.force_login(world.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:tracker_extensionrequest_changelist"),
            {"action": "reject", "_selected_action": [request.pk]},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    fresh.refresh_from_db()
    assert request.state == "rejected" and fresh.deadline == fresh.original_deadline
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.head_a.email, world.deputy_a.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[world.head_a.email].subject == f"Extension not approved: {fresh.task.title}"
    assert 'lang="vi"' in by_address[world.deputy_a.email].alternatives[0][0]


def test_deciding_twice_sends_one_mail(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.committee)
    change_url = reverse("admin:tracker_extensionrequest_change", args=[world.extension_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url, {"decision_note": "", "_approve": "1"})
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, {"decision_note": "", "_reject": "1"}, follow=True)
    assert response.status_code == 200
    world.extension_a.refresh_from_db()
    assert world.extension_a.state == "approved"
    assert len(mail.outbox) == sent == 2


def test_a_decision_that_is_rolled_back_sends_nothing(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=True)
        raise RuntimeError("something later failed")
    assert callbacks == [] and mail.outbox == []
    world.extension_a.refresh_from_db()
    assert world.extension_a.state == "pending"


def test_a_new_head_is_told_and_a_former_one_is_not(world, django_capture_on_commit_callbacks):
    from missions.services import membership_end

    membership_end(membership=world.deputy_a.memberships.get(), ends_on=datetime.date(2021, 1, 1))
    new_deputy = member(world.mission_a, "deputy", username="new_deputy")
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=False)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.head_a.email, new_deputy.email])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_decision_goes_out_over_real_smtp(world, settings, django_capture_on_commit_callbacks):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        with django_capture_on_commit_callbacks(execute=True):
            services.extension_decide(extension_id=world.extension_a.pk, decided_by=world.committee, approve=True)
    finally:
        controller.stop()
    recipients = sorted(r for e in inbox.envelopes for r in e.rcpt_tos)
    assert recipients == sorted([world.head_a.email, world.deputy_a.email])
    raw = inbox.envelopes[0].content.decode()
    assert "multipart/alternative" in raw and "text/html" in raw


def test_a_mail_server_that_is_down_does_not_undo_the_decision(
    client, world, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    client.force_login(world.committee)
    change_url = reverse("admin:tracker_extensionrequest_change", args=[world.extension_a.pk])
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, {"decision_note": "", "_approve": "1"})
    assert response.status_code == 302
    world.extension_a.refresh_from_db()
    assert world.extension_a.state == "approved"
    # The e-mails wait in the outbox for a retry, with the error, instead of being lost.
    from tracker.outbox.models import OutboxMessage

    waiting = OutboxMessage.objects.filter(reference=f"extension-request:{world.extension_a.pk}")
    assert set(waiting.values_list("state", "attempts")) == {(OutboxMessage.State.RETRYING, 1)}
    assert all("ConnectionRefused" in error for error in waiting.values_list("last_error", flat=True))
    assert "outbox message" in caplog.text
