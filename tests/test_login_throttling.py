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
