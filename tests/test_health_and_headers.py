"""`/healthz` for the load balancer, and the security headers every page carries."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    from config.celery_app import app

    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # Celery reads its configuration (and the environment) once, at the first access: patch after that read,
    # or the URL that is put back afterwards would be this test's dead one.
    monkeypatch.setattr(app.conf, "broker_url", down)
    monkeypatch.setenv("CELERY_BROKER_URL", down)  # Celery lets the environment win over its configuration
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable" and r.json()["database"] == "ok" and r.json()["broker"] != "ok"


def test_pages_forbid_inline_scripts_and_framing(client):
    r = client.get(reverse("admin:login"))
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_admin_pages_have_no_inline_script(client, committee_user):
    import re

    client.force_login(committee_user)
    for url in [reverse("admin:index"), reverse("admin:tracker_assignment_changelist"),
                reverse("admin:tracker_task_add")]:
        html = client.get(url).content.decode()
        inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
                  if "src=" not in s[0] and "application/json" not in s[0] and s[1].strip()]
        assert inline == [], url
