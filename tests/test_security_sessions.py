"""Sessions and CSRF: a form posted from another site is refused; a log-in starts a new session (no fixation); a
log-out, a new password or a deactivated account ends the old session; production settings pass Django's deploy
check with secure, HTTP-only cookies. (The API's CSRF rule for browser sessions is in tests/test_api_auth.py.)"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tracker.models import ExtensionRequest, Report


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_report_posted_without_the_csrf_token_is_refused(csrf_client, world):
    csrf_client.force_login(world.head_a)
    a = world.assignment_a
    url = reverse("portal:report_create", args=[a.pk])
    data = {"status": "in_progress", "percent": 70, "results": "forged", "version": a.version}
    reports = Report.objects.count()
    assert csrf_client.post(url, data).status_code == 403
    assert Report.objects.count() == reports
    csrf_client.get(url)  # the form page sets the CSRF cookie; the real form sends the token back
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    assert csrf_client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302


def test_an_admin_decision_posted_without_the_csrf_token_is_refused(csrf_client, world):
    csrf_client.force_login(world.committee)
    url = reverse("admin:tracker_extensionrequest_change", args=[world.extension_a.pk])
    assert csrf_client.post(url, {"decision_note": "", "_approve": "1"}).status_code == 403
    assert ExtensionRequest.objects.get(pk=world.extension_a.pk).state == "pending"


def test_logging_out_needs_a_post_and_a_token(csrf_client, world):
    csrf_client.force_login(world.head_a)
    assert csrf_client.get(reverse("portal:logout")).status_code == 405  # a link or an image cannot log you out
    assert csrf_client.post(reverse("portal:logout")).status_code == 403
    assert csrf_client.get(reverse("portal:home")).status_code == 200


def test_logging_in_starts_a_new_session(client, world):
    from django.contrib.auth.hashers import make_password

    world.head_a.password = make_password("a-long-pass-phrase-1")
    world.head_a.save(update_fields=["password"])
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    response = client.post(reverse("portal:login"), {"username": "head_a", "password": "a-long-pass-phrase-1"})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before  # a session id known before the log-in is worth nothing after it
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert planted.get(reverse("portal:home")).status_code == 302


def test_logging_out_ends_the_session_everywhere_it_was_copied(client, world):
    client.force_login(world.head_a)
    copied = Client()
    copied.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert copied.get(reverse("portal:home")).status_code == 200
    client.post(reverse("portal:logout"))
    response = copied.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_a_new_password_or_a_deactivated_account_ends_old_sessions(client, world):
    client.force_login(world.head_a)
    assert client.get(reverse("portal:home")).status_code == 200
    world.head_a.set_password("changed-after-a-leak-42")
    world.head_a.save(update_fields=["password"])
    assert client.get(reverse("portal:home")).status_code == 302

    client.force_login(world.head_b)
    world.head_b.is_active = False
    world.head_b.save(update_fields=["is_active"])
    assert client.get(reverse("portal:assignment_detail", args=[world.assignment_b.pk])).status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(client, world):
    client.force_login(world.head_a)
    client.post(reverse("portal:set_language"), {"language": "en"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    language = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert language["httponly"] and language["samesite"] == "Lax"
    assert cookie.value


def test_production_settings_pass_the_deploy_check_with_secure_cookies():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "test-only-" + "k3y-" * 15,
        "ALLOWED_HOSTS": "tracker.example",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
            "s.X_FRAME_OPTIONS, s.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert read.stdout.split() == ["True", "True", "True", "31536000", "DENY", "False"], read.stderr
    missing = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={k: v for k, v in env.items() if k != "SECRET_KEY"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode != 0 and "SECRET_KEY" in missing.stderr  # production never runs on a default key
