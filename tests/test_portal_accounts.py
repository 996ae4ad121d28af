"""Signing in and out, the language switch, and resetting a forgotten password by e-mail."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import MissionFactory, member

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def head(db):
    return member(MissionFactory(code="EMB-ACC"), "head", username="acc_head", email="acc.head@example.org")


def test_the_portal_is_vietnamese_by_default_whatever_the_browser_says(client, db):
    response = client.get(reverse("portal:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_signing_in_lands_on_my_assignments_in_the_users_language(client, head):
    response = client.post(reverse("portal:login"), {"username": "acc_head", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert response.cookies[COOKIE].value == "vi"
    assert '<html lang="vi">' in client.get(reverse("portal:home")).content.decode()


def test_an_english_speaker_gets_english_after_signing_in(client, head):
    head.language = "en"
    head.save(update_fields=["language"])
    client.post(reverse("portal:login"), {"username": "acc_head", "password": "secret-pass-123"})
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in html and "My assignments" in html


def test_a_wrong_password_gets_a_message(client, head):
    response = client.post(reverse("portal:login"), {"username": "acc_head", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_the_language_switch_is_remembered_for_the_user(client, head):
    client.force_login(head)
    response = client.post(
        reverse("portal:set_language"), {"language": "en", "next": reverse("portal:home") + "?timeliness=overdue"}
    )
    assert response["Location"] == reverse("portal:home") + "?timeliness=overdue"
    head.refresh_from_db()
    assert head.language == "en"
    assert '<html lang="en">' in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x"])
def test_the_language_switch_never_sends_people_elsewhere(client, head, next_url):
    response = client.post(reverse("portal:set_language"), {"language": "en", "next": next_url})
    assert response["Location"] == reverse("portal:home")


def test_an_unknown_language_changes_nothing(client, head):
    client.force_login(head)
    response = client.post(reverse("portal:set_language"), {"language": "xx"})
    assert response.status_code == 302 and COOKIE not in response.cookies
    head.refresh_from_db()
    assert head.language == "vi"


def test_signing_out(client, head):
    client.force_login(head)
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_forgotten_password_is_reset_by_e_mail(client, head):
    head.language = "en"
    head.save(update_fields=["language"])
    response = client.post(reverse("portal:password_reset"), {"email": "acc.head@example.org"})
    assert response["Location"] == reverse("portal:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["acc.head@example.org"]
    assert message.subject == "Reset your password for the mission portal"  # in the user's language
    assert "acc_head" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/portal/password-reset/[^/\s]+/[^/\s]+/)", message.body).group(1)

    response = client.get(link, follow=True)  # Django swaps the token for a session value
    assert response.context["validlink"] is True
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "Ha-Noi-2025-dx!", "new_password2": "Ha-Noi-2025-dx!"}
    )
    assert response["Location"] == reverse("portal:password_reset_complete")
    assert client.login(username="acc_head", password="Ha-Noi-2025-dx!")
    # The link works once.
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is False


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, head):
    response = client.post(reverse("portal:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert mail.outbox == []


def test_the_error_pages_render_in_the_portals_style(client, db):
    from django.template.loader import render_to_string

    assert "portal/portal.css" in render_to_string("500.html")
    response = client.get("/portal/assignments/0/")  # anonymous: to the log-in page, never an error
    assert response.status_code == 302
