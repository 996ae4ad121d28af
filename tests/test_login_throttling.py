"""Password guessing: after N failures even the right password is refused, with a clear message."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def axes_on():
    from axes.models import AccessAttempt

    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3), translation.override("en"):
        yield
    AccessAttempt.objects.all().delete()


def login(client, username, password, addr="203.0.113.5"):
    client.cookies["django_language"] = "en"
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=addr,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_after_three_failures_even_the_right_password_is_refused(client):
    UserFactory(username="secretariat", password="right-password-1", is_staff=True)
    for _ in range(2):
        assert login(client, "secretariat", "wrong").status_code == 200
    locked = login(client, "secretariat", "wrong")
    assert locked.status_code == 429
    right = login(client, "secretariat", "right-password-1")
    assert right.status_code == 429
    assert "Even the right password is refused" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_guesser_elsewhere_does_not_lock_the_real_user_out(client):
    UserFactory(username="head-us", password="right-password-1", is_staff=True)
    for _ in range(3):
        login(client, "head-us", "wrong", addr="198.51.100.66")
    assert login(client, "head-us", "right-password-1", addr="198.51.100.66").status_code == 429
    ok = login(client, "head-us", "right-password-1", addr="203.0.113.10")
    assert ok.status_code == 302


def test_the_lockout_ends_with_its_cool_off(client):
    """Locked out now; once the cool-off (15 minutes by default) has passed, the right password works again."""
    import datetime

    from axes.models import AccessAttempt
    from django.conf import settings

    UserFactory(username="head-fr", password="right-password-1", is_staff=True)
    for _ in range(3):
        login(client, "head-fr", "wrong")
    assert login(client, "head-fr", "right-password-1").status_code == 429
    # The attempts were made a cool-off and a minute ago.
    earlier = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.filter(username="head-fr"):
        attempt.attempt_time -= earlier
        attempt.save(update_fields=["attempt_time"])
    assert login(client, "head-fr", "right-password-1").status_code == 302
    assert client.session["_auth_user_id"]


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client):
    """Without a proxy in front (PROXY_COUNT unset), X-Forwarded-For is the client's own words: ignored."""
    UserFactory(username="head-de", password="right-password-1", is_staff=True)
    for n in range(3):
        client.post(
            reverse("admin:login"),
            {"username": "head-de", "password": "wrong"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}",
        )
    forged = client.post(
        reverse("admin:login"),
        {"username": "head-de", "password": "right-password-1"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert forged.status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_the_proxy_each_client_address_is_counted_apart(client):
    """With PROXY_COUNT=1 every request comes from the proxy's address: the client is the one it appended, so a
    guesser's lockout does not lock out a colleague behind the same proxy, and a forged header changes nothing."""
    UserFactory(username="head-jp", password="right-password-1", is_staff=True)
    proxy = "10.0.0.2"
    for _ in range(3):
        client.post(
            reverse("admin:login"),
            {"username": "head-jp", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    guesser = client.post(
        reverse("admin:login"),
        {"username": "head-jp", "password": "right-password-1"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.66",  # a forged address before the one the proxy added
    )
    assert guesser.status_code == 429
    colleague = client.post(
        reverse("admin:login"),
        {"username": "head-jp", "password": "right-password-1"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert colleague.status_code == 302
