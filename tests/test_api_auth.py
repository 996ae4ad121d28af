"""Getting in: tokens issued and revoked in the admin, the browser's session, throttling, the error bodies."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api_world import build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_a_token_issued_in_the_admin_opens_the_api_until_it_is_revoked(world, client):
    secretariat = UserFactory(username="secretariat", is_staff=True, is_superuser=True)
    head = world.users["head_a"]
    Token.objects.filter(user=head).delete()
    client.force_login(secretariat)

    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": head.pk})
    assert response.status_code == 302, response.content
    key = Token.objects.get(user=head).key
    listing = client.get("/admin/authtoken/tokenproxy/")
    assert key in listing.content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    overdue = api.get(f"/api/v1/assignments/?mission={world.mission_a.pk}&timeliness=overdue")
    assert overdue.status_code == 200
    assert [a["id"] for a in overdue.json()["results"]] == [world.assignment_a2.pk]
    # …and files a report on it with the same token.
    filed = api.post(
        "/api/v1/reports/",
        {"assignment": world.assignment_a2.pk, "status": "in_progress", "percent": 40, "results": "Met the partner"},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    world.assignment_a2.refresh_from_db()
    assert (world.assignment_a2.status, world.assignment_a2.percent) == ("in_progress", 40)

    response = client.post(f"/admin/authtoken/tokenproxy/{head.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=head).exists()
    refused = api.get("/api/v1/assignments/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_a_mission_head_cannot_issue_tokens(world, client):
    client.force_login(world.users["head_a"])
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": world.users["head_a"].pk})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_token_admin_list_costs_the_same_at_any_size(world, client, django_assert_max_num_queries):
    secretariat = UserFactory(username="secretariat", is_staff=True, is_superuser=True)
    client.force_login(secretariat)
    for user in UserFactory.create_batch(30):
        Token.objects.create(user=user)
    with django_assert_max_num_queries(8):
        assert client.get("/admin/authtoken/tokenproxy/").status_code == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Token not-a-real-key", "authentication_failed"),
        ("Token", "authentication_failed"),
        ("Token a b", "authentication_failed"),
    ],
)
def test_missing_or_wrong_credentials_answer_401(world, header, code):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/assignments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == code


def test_the_browser_session_works_and_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["officer_a"])
    assert client.get("/api/v1/assignments/").json()["count"] == 2
    body = {"assignment": world.assignment_a.pk, "status": "in_progress", "percent": 30}
    refused = client.post("/api/v1/reports/", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    client.get("/portal/")  # a portal page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/reports/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_requests_are_throttled_per_user(world, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
    }
    head_a, head_b = world.client("head_a"), world.client("head_b")
    for _ in range(3):
        assert head_a.get("/api/v1/summary/").status_code == 200
    throttled = head_a.get("/api/v1/summary/")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled" and int(throttled["Retry-After"]) > 0
    # Another user has their own allowance.
    assert head_b.get("/api/v1/summary/").status_code == 200
    cache.clear()


def test_guessing_keys_is_slowed_per_address_and_a_forged_header_does_not_help(world, settings):
    """Past the anonymous rate of failed keys, an address gets 429 and its keys are not even looked at (a right
    key too) until the window passes; another address is not held up. X-Forwarded-For is the caller's own words
    without a proxy in front (PROXY_COUNT unset): changing it changes nothing."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100/minute", "anon": "2/minute"},
    }
    guesser = APIClient(REMOTE_ADDR="198.51.100.66")
    codes = [
        guesser.get("/api/v1/summary/", HTTP_AUTHORIZATION=f"Token {n:040x}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .status_code
        for n in range(1, 4)
    ]
    assert codes == [401, 401, 429]
    right_key = f"Token {world.tokens['head_a']}"
    held = guesser.get("/api/v1/summary/", HTTP_AUTHORIZATION=right_key, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert held.status_code == 429
    assert held.json()["code"] == "throttled" and int(held["Retry-After"]) > 0
    elsewhere = APIClient(REMOTE_ADDR="203.0.113.10")
    assert elsewhere.get("/api/v1/summary/", HTTP_AUTHORIZATION=right_key).status_code == 200
    cache.clear()


def test_every_error_has_the_same_body(world):
    head = world.client("head_a")
    cases = [
        (head.get("/api/v1/assignments/999999/"), 404, "not_found"),
        (head.get(f"/api/v1/assignments/{world.assignment_b.pk}/"), 404, "not_found"),
        (head.get("/api/v1/assignments/abc/"), 404, "not_found"),
        (head.delete(f"/api/v1/assignments/{world.assignment_a.pk}/"), 405, "method_not_allowed"),
        (head.post("/api/v1/directives/", {"title": "x"}, format="json"), 403, "permission_denied"),
        (head.get("/api/v1/assignments/?timeliness=late"), 400, "invalid"),
        (head.get("/api/v1/assignments/?page=99"), 404, "not_found"),
        (APIClient().get("/api/v1/assignments/"), 401, "not_authenticated"),
    ]
    for response, status, code in cases:
        body = response.json()
        assert response.status_code == status, body
        assert response["Content-Type"] == "application/json"
        assert set(body) == {"status", "code", "message", "errors"}, body
        assert (body["status"], body["code"]) == (status, code)
        assert isinstance(body["message"], str) and body["message"]
    assert "timeliness" in cases[5][0].json()["errors"]


def test_error_messages_follow_the_language_asked_for(world):
    head = world.client("head_a")
    english = head.get("/api/v1/assignments/999999/", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert english == "Not found."
    assert head.get("/api/v1/assignments/999999/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
