"""Uploads through the portal's report form, as an attacker would send them: a file's name is never used as a path
(`../../etc/passwd`, absolute and Windows paths, NUL bytes, very long names, right-to-left override characters,
markup); the type is decided by the content, never by the name or the browser's claimed content type; files are
downloaded only through the permission check, never from a public address. The API takes no files at all.

The attachment rule's unit tests are in tests/test_portal_attachments.py; these go through HTTP and the disk.
"""

import email.message
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.portal_world import PDF_BYTES, PNG_BYTES
from tracker import attachments
from tracker.models import Report, ReportAttachment


@pytest.fixture
def head(client, world, settings):
    client.force_login(world.head_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return world.head_a


def send(client, world, *uploads, **fields):
    a = world.assignment_a
    a.refresh_from_db()
    data = {"status": "in_progress", "percent": 50, "results": "x", "version": a.version, **fields}
    with translation.override("en"):
        return client.post(reverse("portal:report_create", args=[a.pk]), {**data, "attachments": list(uploads)})


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def downloaded_name(response) -> str:
    header = email.message.Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    return header.get_filename()


HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("../../../../../../tmp/escape.pdf", "escape.pdf"),
    ("/etc/cron.d/job.pdf", "job.pdf"),
    ("..\\..\\Windows\\System32\\drivers\\etc\\hosts.pdf", "hosts.pdf"),
    ("C:\\Users\\an\\Báo cáo quý.pdf", "Báo cáo quý.pdf"),
    ("minutes\x00.exe.pdf", "minutes.exe.pdf"),
    ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
    ("invoice\u202efdp.pdf", "invoicefdp.pdf"),  # a right-to-left override, shown as "invoicepdf.pdf"-ish
    ("\u200f\u202b\u2066report\u2069.pdf", "report.pdf"),  # other bidirectional controls
    ("Biên bản " * 40 + ".pdf", ("Biên bản " * 40)[:196].rstrip() + ".pdf"),
]


@pytest.mark.parametrize("given,shown", HOSTILE_NAMES, ids=[repr(n[0])[:40] for n in HOSTILE_NAMES])
def test_a_hostile_name_is_only_a_label_the_file_lands_under_a_random_name(
    client, world, head, media_root, given, shown
):
    outside = media_root.parent
    before = {p for p in outside.rglob("*") if p.is_file()}
    response = send(client, world, SimpleUploadedFile(given, PDF_BYTES, content_type="application/pdf"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    attachment = ReportAttachment.objects.order_by("-pk").first()
    # Shown as the person named it, made safe: no path, no control or bidirectional characters.
    assert attachment.original_name == shown.strip()
    assert not [c for c in attachment.original_name if unicodedata.category(c)[0] == "C"]
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    # Stored under a random name inside the attachments folder, and nowhere else.
    stored = media_root / attachment.file.name
    assert stored.is_file() and stored.resolve().is_relative_to((media_root / "attachments").resolve())
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"
    created = {p for p in outside.rglob("*") if p.is_file()} - before
    assert created == {stored}
    # Downloaded under the safe name, as an attachment, in one well-formed header.
    download = client.get(reverse("portal:attachment_download", args=[attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\r" not in download["Content-Disposition"] and "\n" not in download["Content-Disposition"]
    assert downloaded_name(download) == attachment.original_name
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    "given,shown",
    [
        ('q"; filename="evil.html.pdf', 'q"; filename="evil.html.pdf'),
        ("bad\r\nContent-Type: text/html\r\nX: .pdf", "htmlX: .pdf"),  # "text/" read as a folder
        ("résumé \\ \"quoted\".pdf", '"quoted".pdf'),
    ],
)
def test_a_name_cannot_inject_into_the_download_header(client, world, head, media_root, given, shown):
    """Names a browser could not even send (the form's encoding would mangle them) reach the service from any
    other caller: the download header stays one well-formed header that names the file as cleaned."""
    from tracker import services

    report = services.report_submit(
        assignment_id=world.assignment_a.pk,
        author=world.head_a,
        status="in_progress",
        percent=50,
        attachments=[SimpleUploadedFile(given, PDF_BYTES)],
    )
    attachment = report.attachments.get()
    assert attachment.original_name == shown
    download = client.get(reverse("portal:attachment_download", args=[attachment.pk]))
    header = download["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    parsed = email.message.Message()
    parsed["Content-Disposition"] = header
    params = parsed.get_params(header="content-disposition")
    assert params[0] == ("attachment", "") and len(params) == 2  # one parameter: the file's name
    assert downloaded_name(download) == shown
    assert download["Content-Type"] == "application/pdf"


def test_a_name_with_markup_is_shown_escaped_in_the_timeline(client, world, head, media_root):
    send(client, world, SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", PDF_BYTES))
    page = client.get(reverse("portal:assignment_detail", args=[world.assignment_a.pk])).content.decode()
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


@pytest.mark.parametrize(
    "given",
    [
        "photo\u202egpj.exe",  # shows as "photoexe.jpg": the real extension is .exe
        "report.pdf\u202e",
        "report.pdf.",
        "report.pdf ",
        "report",
        ".pdf",
        "x." + "p" * 300,
    ],
)
def test_a_name_that_hides_its_real_type_is_refused_and_nothing_is_saved(client, world, head, media_root, given):
    reports, files = Report.objects.count(), files_under(media_root)
    response = send(client, world, SimpleUploadedFile(given, PDF_BYTES))
    if response.status_code == 302:  # only a name whose real, cleaned extension is allowed may pass
        name = ReportAttachment.objects.order_by("-pk").first().original_name
        assert attachments.extension_of(name) in attachments.ALLOWED and name == attachments.clean_name(given)
        return
    assert response.status_code == 200 and response.context["form"].errors["attachments"]
    assert (Report.objects.count(), files_under(media_root)) == (reports, files)


def test_the_type_comes_from_the_content_not_from_the_browsers_claim(client, world, head, media_root):
    # A real PDF that the browser calls HTML is stored and served as a PDF.
    send(client, world, SimpleUploadedFile("notes.pdf", PDF_BYTES, content_type="text/html"))
    attachment = ReportAttachment.objects.order_by("-pk").first()
    assert attachment.content_type == "application/pdf"
    download = client.get(reverse("portal:attachment_download", args=[attachment.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    # Markup that the browser calls a PDF, and a PDF named as a picture, are refused.
    reports = Report.objects.count()
    for upload in (
        SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"),
        SimpleUploadedFile("photo.png", PDF_BYTES, content_type="image/png"),
        SimpleUploadedFile("image.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml"),
    ):
        response = send(client, world, upload)
        assert response.status_code == 200 and response.context["form"].errors["attachments"], upload.name
    assert Report.objects.count() == reports
    assert send(client, world, SimpleUploadedFile("photo.png", PNG_BYTES, content_type="text/plain")).status_code == 302


def test_files_are_never_served_from_a_public_address(client, world, head, media_root):
    send(client, world, SimpleUploadedFile("plan.pdf", PDF_BYTES))
    attachment = ReportAttachment.objects.order_by("-pk").first()
    for url in (attachment.file.url, "/media/" + attachment.file.name, "/static/../var/media/" + attachment.file.name):
        assert client.get(url).status_code == 404, url
    client.logout()
    response = client.get(reverse("portal:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_the_api_takes_no_files(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.head_a)
    before = (Report.objects.count(), ReportAttachment.objects.count())
    response = api.post(
        "/api/v1/reports/",
        {
            "assignment": world.assignment_a.pk,
            "status": "in_progress",
            "percent": 60,
            "attachments": SimpleUploadedFile("../../x.pdf", PDF_BYTES),
        },
        format="multipart",
    )
    assert response.status_code == 415
    assert (Report.objects.count(), ReportAttachment.objects.count()) == before
