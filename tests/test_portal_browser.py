"""The portal in a real browser (Debian's headless Chromium, driven by Playwright).

A head signs in, filters to overdue work, opens an assignment, reports with an attachment and finds the report
in the timeline; the list is photographed at phone width (375 px) into test-artifacts/.

Playwright rather than Selenium: it waits for elements and navigations by itself (no sleeps, no flaky
timing), uploads files with one call, and drives Debian's Chromium through `executable_path`; nothing is
downloaded (`playwright install` is never run).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MissionFactory, TaskFactory, make_assignment, member
from tests.portal_world import PDF_BYTES
from tracker.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

@pytest.fixture
def scene(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    mission = MissionFactory(code="EMB-BRW", timezone="Asia/Tokyo", name_en="Embassy in Tokyo")
    head = member(mission, "head", username="browser_head", first_name="Nguyễn", last_name="Văn An")
    today = timezone.localdate()
    overdue = [
        make_assignment(mission=mission, task=TaskFactory(title=title), deadline=today - datetime.timedelta(days=d))
        for title, d in [("Follow up the state-visit agreements", 5), ("Lobby for market-economy status", 12)]
    ]
    for i, title in enumerate(["Semiconductor investment roadshow", "Rice export promotion", "Halal market study"]):
        make_assignment(
            mission=mission, task=TaskFactory(title=title), deadline=today + datetime.timedelta(days=3 + 20 * i)
        )
    return {"head": head, "overdue": overdue}


def test_a_head_files_a_report_with_an_attachment(live_server, browser, scene, artifacts_dir, tmp_path):
    attachment = tmp_path / "Biên bản làm việc.pdf"
    attachment.write_bytes(PDF_BYTES)
    target = scene["overdue"][0]

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("portal:home"))
    assert page.url.startswith(live_server.url + reverse("portal:login"))
    assert page.locator("html").get_attribute("lang") == "vi"  # Vietnamese first
    page.fill("#id_username", "browser_head")
    page.fill("#id_password", "secret-pass-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("portal:home"))

    # Filter to overdue work with the count at the top of the list.
    page.locator("a[data-timeliness=overdue]").click()
    page.wait_for_url("**/portal/?timeliness=overdue")
    rows = page.locator("tr.assignment-row")
    assert rows.count() == 2
    assert page.locator("tr.assignment-row.tl-overdue").count() == 2

    # Open the assignment and report progress with an attachment.
    page.locator(f'tr[data-assignment="{target.pk}"] a').click()
    page.wait_for_url(f"**{reverse('portal:assignment_detail', args=[target.pk])}")
    page.locator(f'a[href="{reverse("portal:report_create", args=[target.pk])}"]').click()
    page.select_option("#id_status", "in_progress")
    page.fill("#id_percent", "40")
    page.fill("#id_results", "Đã làm việc với Bộ Công Thương sở tại.")
    page.set_input_files("#id_attachments", str(attachment))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('portal:assignment_detail', args=[target.pk])}#report-*")

    # The report is in the timeline, with its attachment to download.
    report = Report.objects.get(assignment=target)
    entry = page.locator(f"#report-{report.pk}")
    assert "Đã làm việc với Bộ Công Thương sở tại." in entry.inner_text()
    link = entry.locator("a", has_text="Biên bản làm việc.pdf")
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES
    page.close()


def test_the_list_is_clean_at_phone_width(live_server, browser, scene, artifacts_dir):
    page = browser.new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    page.goto(live_server.url + reverse("portal:login"))
    page.fill("#id_username", "browser_head")
    page.fill("#id_password", "secret-pass-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("portal:home"))

    # Nothing is wider than the phone, every form control has a label, and the overdue rows stand out.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""
    )
    assert unlabelled == []
    assert page.locator("tr.assignment-row.tl-overdue").count() == 2
    page.screenshot(path=str(artifacts_dir / "portal-list-375px.png"), full_page=True)
    page.locator("details.filters summary").click()
    page.screenshot(path=str(artifacts_dir / "portal-filters-375px.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()
