"""The dashboard and the period report in a real browser: a screenshot of the dashboard and the report printed
to PDF land in test-artifacts/ for a person to look at."""

import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from tests import dashboard_data as data
from tests.conftest import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def chromium(*args: str) -> None:
    command = [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def saved_page(client, url: str, live_server, path) -> str:
    """The page as rendered for a logged-in committee member, with its static files served by the live server."""
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    html = html.replace("<head>", f'<head><meta charset="utf-8"><base href="{live_server.url}/">', 1)
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def test_the_dashboard_draws_and_the_report_prints(client, live_server, artifacts_dir):
    world = data.build()
    client.force_login(world["committee"])
    query = "?start=2024-01-01&end=2024-06-30"
    with translation.override("en"):
        dashboard = saved_page(client, reverse("admin:index") + query, live_server, artifacts_dir / "dashboard.html")
        report = saved_page(client, reverse("admin:tracker_report") + query, live_server, artifacts_dir / "report.html")

    screenshot = artifacts_dir / "dashboard.png"
    screenshot.unlink(missing_ok=True)
    chromium(f"--screenshot={screenshot}", "--window-size=1400,2200", dashboard)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000  # a drawn page, not a blank one

    pdf = artifacts_dir / "report.pdf"
    pdf.unlink(missing_ok=True)
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert b"/MediaBox [0 0 594.9" in content  # A4 pages, as the print style asks
