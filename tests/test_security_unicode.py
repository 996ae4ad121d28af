"""Long Vietnamese text, emoji and right-to-left text survive every round trip unchanged: the portal's forms and
pages, the API, the spreadsheet exports and the e-mail the committee's decision sends."""

import csv
import datetime
import email
import email.policy
import io
import unicodedata

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories import TaskFactory, make_assignment
from tracker import services
from tracker.models import ExtensionRequest, Report, Task

VIETNAMESE = (
    "Đại sứ quán đã làm việc với Bộ Kinh tế, Thương mại và Công nghiệp về việc công nhận quy chế kinh tế thị "
    "trường; ưu tiên xuất khẩu sầu riêng, thanh long, cà phê và hạt điều sang thị trường Nhật Bản. "
) * 40
EMOJI = "🇻🇳🤝🇯🇵 👩🏽‍💻 ✅📈 🧑‍🤝‍🧑 ⚖️"
RIGHT_TO_LEFT = "تم توقيع مذكرة التفاهم بشأن الاستثمار في مدينة هو تشي منه — שיתוף פעולה כלכלי"
DECOMPOSED = unicodedata.normalize("NFD", "Việt Nam – Hà Nội – Thành phố Hồ Chí Minh")  # as some keyboards send
LONG = VIETNAMESE + EMOJI + " " + RIGHT_TO_LEFT + " " + DECOMPOSED
TITLE = f"{DECOMPOSED} {EMOJI} {RIGHT_TO_LEFT[:40]} – Thúc đẩy xuất khẩu"


def test_the_texts_are_what_they_claim():
    assert len(LONG) > 7000 and unicodedata.is_normalized("NFC", DECOMPOSED) is False
    assert any(unicodedata.bidirectional(c) == "AL" for c in RIGHT_TO_LEFT)  # Arabic letters
    assert "\u200d" in EMOJI  # joined emoji sequences


def test_through_the_portals_report_and_extension_forms_and_pages(client, world, settings, media_root):
    client.force_login(world.head_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    a = world.assignment_a
    response = client.post(
        reverse("portal:report_create", args=[a.pk]),
        {
            "status": "blocked",
            "percent": 45,
            "results": LONG,
            "obstacles": RIGHT_TO_LEFT,
            "proposals": EMOJI,
            "version": a.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    report = Report.objects.filter(assignment=a).first()
    assert (report.results, report.obstacles, report.proposals) == (LONG, RIGHT_TO_LEFT, EMOJI)
    page = client.get(reverse("portal:assignment_detail", args=[a.pk])).content.decode()
    assert LONG in page and RIGHT_TO_LEFT in page and EMOJI in page

    fresh = make_assignment(mission=world.mission_a, deadline=timezone.localdate() + datetime.timedelta(days=9))
    response = client.post(
        reverse("portal:extension_create", args=[fresh.pk]),
        {"requested_deadline": "31/12/2030", "reason": LONG},
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(assignment=fresh).reason == LONG.strip()


def test_through_the_api(world):
    head, committee = APIClient(), APIClient()
    head.force_authenticate(world.head_a)
    committee.force_authenticate(world.committee)
    created = head.post(
        "/api/v1/reports/",
        {"assignment": world.assignment_a.pk, "status": "in_progress", "percent": 60, "results": LONG},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["results"] == LONG
    assert head.get(f"/api/v1/reports/{created.json()['id']}/").json()["results"] == LONG
    task = committee.post(
        "/api/v1/tasks/", {"title": TITLE, "description": LONG, "default_deadline": "2030-12-31"}, format="json"
    )
    assert task.status_code == 201, task.content
    again = committee.get(f"/api/v1/tasks/{task.json()['id']}/").json()
    assert (again["title"], again["description"]) == (TITLE, LONG)
    assert Task.objects.get(pk=task.json()["id"]).title == TITLE


def test_through_the_csv_and_xlsx_exports(client, world, settings):
    make_assignment(
        mission=world.mission_a, task=TaskFactory(title=TITLE), deadline=timezone.localdate() + datetime.timedelta(5)
    )
    client.force_login(world.committee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.get(reverse("admin:tracker_assignment_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8")
    titles = [row[4] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]
    assert TITLE in titles
    response = client.get(reverse("admin:tracker_assignment_export", args=["xlsx"]))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert TITLE in [row[4] for row in ws.iter_rows(values_only=True)]


def test_through_the_decision_email(world, django_capture_on_commit_callbacks):
    a = make_assignment(
        mission=world.mission_a,
        task=TaskFactory(title=TITLE),
        deadline=timezone.localdate() + datetime.timedelta(days=9),
    )
    request = services.extension_request_create(
        assignment_id=a.pk,
        requested_by=world.head_a,
        requested_deadline=a.deadline + datetime.timedelta(days=20),
        reason=RIGHT_TO_LEFT,
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(extension_id=request.pk, decided_by=world.committee, approve=True, note=LONG)
    sent = {m.to[0]: m for m in mail.outbox}[world.head_a.email]
    # As the recipient's mail program reads it: headers and bodies decoded from the bytes on the wire.
    received = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    assert received["Subject"].strip() == f"Extension approved: {TITLE}"  # folding may leave a leading space
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert TITLE in text and LONG in text and TITLE in html
