"""Reporting progress in the portal: the transition rules' messages, attachments, and the stale form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.factories import make_assignment
from tests.portal_world import PDF_BYTES, PNG_BYTES, docx_bytes, pdf
from tracker import services
from tracker.models import Report, ReportAttachment


def url(world):
    return reverse("portal:report_create", args=[world.assignment_a.pk])


def post(client, world, version=None, **fields):
    data = {"status": "in_progress", "percent": 50, "results": "", "obstacles": "", "proposals": ""}
    data.update(fields)
    data["version"] = world.assignment_a.version if version is None else version
    with translation.override("en"):
        return client.post(url(world), data)


def stored_files(media_root) -> list:
    root = media_root / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def nothing_saved(world, reports_before, files_before, media_root):
    a = world.assignment_a
    version = a.version
    a.refresh_from_db()
    return (
        Report.objects.count() == reports_before and a.version == version and stored_files(media_root) == files_before
    )


@pytest.fixture
def head(client, world, settings):
    client.force_login(world.head_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages are compared in English
    return world.head_a


def test_a_report_moves_the_assignment_and_appears_in_the_timeline(client, world, head, media_root):
    response = post(
        client,
        world,
        status="blocked",
        percent=40,
        results="Two meetings held.",
        obstacles="Partner elections.",
        obstacle_cause=1,
        proposals="Ask the Minister to call.",
        attachments=[pdf("Biên bản họp.pdf")],
    )
    assert response.status_code == 302
    report = Report.objects.filter(assignment=world.assignment_a).first()
    assert response["Location"].endswith(f"#report-{report.pk}")
    world.assignment_a.refresh_from_db()
    assert (world.assignment_a.status, world.assignment_a.percent) == ("blocked", 40)
    assert (report.author, report.results, report.obstacle_cause.code) == (head, "Two meetings held.", "partner-side")
    attachment = report.attachments.get()
    assert attachment.original_name == "Biên bản họp.pdf"
    assert attachment.content_type == "application/pdf"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Two meetings held." in page and "Partner elections." in page and "Biên bản họp.pdf" in page


def test_attachments_are_stored_under_random_names_and_downloaded_as_attachments(client, world, head, media_root):
    post(client, world, attachments=[pdf("secret plan.pdf"), SimpleUploadedFile("photo.png", PNG_BYTES)])
    attachments = list(ReportAttachment.objects.filter(report__assignment=world.assignment_a).order_by("-id")[:2])
    names = {a.file.name for a in attachments}
    for name in names:
        assert name.startswith("attachments/")
        assert "secret" not in name and "photo" not in name
        assert len(name.rsplit("/", 1)[1].split(".")[0]) == 32  # a uuid4's hex
    pdf_attachment = next(a for a in attachments if a.original_name == "secret plan.pdf")
    response = client.get(reverse("portal:attachment_download", args=[pdf_attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "secret plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert not pdf_attachment.file.url.startswith(reverse("portal:home"))


@pytest.mark.parametrize(
    "fields,field,message",
    [
        (
            {"status": "not_started", "percent": 0},
            "status",
            "Work has started; the status cannot go back to “not started”.",
        ),
        ({"status": "cancelled", "percent": 30}, "status", "Only the steering committee can cancel an assignment."),
        (
            {"status": "blocked", "percent": 30, "obstacles": "  "},
            "obstacles",
            "Describe the obstacles when you report the work as blocked.",
        ),
        (
            {"status": "in_progress", "percent": 100},
            "percent",
            "Work that is 100% done is completed: choose “completed”.",
        ),
        ({"status": "in_progress", "percent": 101}, "percent", "Percent done must be between 0 and 100."),
        ({"status": "in_progress", "percent": -1}, "percent", "Percent done must be between 0 and 100."),
        (
            {"status": "nonsense", "percent": 10},
            "status",
            "Select a valid choice. nonsense is not one of the available choices.",
        ),
        (
            {"status": "in_progress", "percent": 30, "obstacle_cause": 1},
            "obstacles",
            "Describe the obstacle whose cause you chose.",
        ),
    ],
    ids=[
        "back-to-not-started",
        "cancel",
        "blocked-without-obstacles",
        "100-in-progress",
        "over-100",
        "negative",
        "unknown",
        "cause-without-text",
    ],
)
def test_each_transition_rule_shows_its_message_on_its_field(client, world, head, media_root, fields, field, message):
    reports, files = Report.objects.count(), stored_files(media_root)
    response = post(client, world, **fields)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert nothing_saved(world, reports, files, media_root)


def test_not_started_with_progress_is_refused(client, world, head):
    a = make_assignment(mission=world.mission_a)  # a fresh assignment, still "not started"
    response = client.post(
        reverse("portal:report_create", args=[a.pk]), {"status": "not_started", "percent": 20, "version": 0}
    )
    assert "Work not started is 0% done." in response.context["form"].errors["percent"]
    a.refresh_from_db()
    assert (a.status, a.version) == ("not_started", 0)


def test_a_closed_assignment_explains_that_only_the_committee_reopens_it(client, world, head, media_root):
    assert post(client, world, status="completed", percent=100).status_code == 302
    world.assignment_a.refresh_from_db()
    with translation.override("en"):
        page = client.get(url(world))
    assert page.status_code == 200 and page.context["closed"] is True
    assert b'<form method="post" enctype' not in page.content
    response = post(client, world, status="in_progress", percent=50)
    assert (
        "This assignment is closed (Completed); only the committee can reopen it."
        in response.context["form"].errors["status"]
    )


def test_the_status_select_disables_the_moves_the_rules_forbid(client, world, head):
    html = client.get(url(world)).content.decode()
    assert '<option value="not_started" disabled>' in html
    assert '<option value="cancelled" disabled>' in html
    assert '<option value="blocked">' in html


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 100),
            "“tool.exe” is not a type of file the portal accepts.",
        ),
        (
            SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is really a program"),
            "“report.pdf” is not a real PDF file",
        ),
        (SimpleUploadedFile("table.xlsx", b"PK\x03\x04not really a zip"), "“table.xlsx” is not a real Excel file"),
        (
            SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
            "“page.html” is not a type of file the portal accepts.",
        ),
        (SimpleUploadedFile("notes.txt", b"\xff\xfe\x00\x00binary"), "“notes.txt” is not a real plain text file"),
        (SimpleUploadedFile("empty.pdf", b""), "The submitted file is empty."),
    ],
    ids=["exe", "exe-renamed-pdf", "fake-xlsx", "html", "binary-txt", "empty"],
)
def test_a_wrong_type_of_attachment_is_refused_and_nothing_is_saved(client, world, head, media_root, upload, message):
    reports, files = Report.objects.count(), stored_files(media_root)
    response = post(client, world, results="Keep this text.", attachments=[pdf("good.pdf"), upload])
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["attachments"]), response.context["form"].errors
    assert "Keep this text." in response.content.decode()
    assert nothing_saved(world, reports, files, media_root)


def test_an_over_size_attachment_is_refused_and_nothing_is_saved(client, world, head, media_root, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    reports, files = Report.objects.count(), stored_files(media_root)
    big = pdf("big.pdf", PDF_BYTES + b"0" * 2000)
    response = post(client, world, attachments=[big])
    errors = [e.replace("\xa0", " ") for e in response.context["form"].errors["attachments"]]
    assert "“big.pdf” is 2.0 KB; a file may be at most 1.0 KB." in errors
    assert nothing_saved(world, reports, files, media_root)


def test_too_many_attachments_are_refused(client, world, head, media_root):
    reports, files = Report.objects.count(), stored_files(media_root)
    response = post(client, world, attachments=[pdf(f"f{i}.pdf") for i in range(6)])
    assert "Attach at most 5 files to one report." in response.context["form"].errors["attachments"]
    assert nothing_saved(world, reports, files, media_root)


def test_office_documents_images_and_text_are_accepted(client, world, head, media_root):
    uploads = [
        SimpleUploadedFile("plan.docx", docx_bytes()),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        SimpleUploadedFile("ghi chú.txt", "Đã gặp Bộ Công Thương.".encode()),
        SimpleUploadedFile("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32),
    ]
    response = post(client, world, attachments=uploads)
    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.filter(assignment=world.assignment_a).first()
    assert sorted(report.attachments.values_list("content_type", flat=True)) == sorted(
        [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "image/jpeg",
            "text/plain",
            "application/msword",
        ]
    )


def test_a_stale_form_tells_the_second_person_and_keeps_their_text(client, world, head, media_root):
    opened_version = world.assignment_a.version
    # The officer reports while the head's form is open.
    services.report_submit(
        assignment_id=world.assignment_a.pk,
        author=world.officer_a,
        status="in_progress",
        percent=60,
        results="The officer's news.",
    )
    reports, files = Report.objects.count(), stored_files(media_root)
    response = post(
        client,
        world,
        version=opened_version,
        status="in_progress",
        percent=70,
        results="The head's own text.",
        attachments=[pdf("head.pdf")],
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else reported on this assignment after you opened the form." in page
    assert "The officer&#x27;s news." in page or "The officer's news." in page  # their report is shown
    assert "The head&#x27;s own text." in page or "The head's own text." in page  # nothing typed is lost
    assert "choose your files again: head.pdf" in page
    assert response.context["stale_report"].results == "The officer's news."
    assert Report.objects.count() == reports and stored_files(media_root) == files
    # Sending again, now that the head has seen the officer's report, goes through.
    world.assignment_a.refresh_from_db()
    assert response.context["form"]["version"].value() == str(world.assignment_a.version)
    response = post(client, world, status="in_progress", percent=70, results="The head's own text.")
    assert response.status_code == 302
    assert Report.objects.filter(assignment=world.assignment_a).first().results == "The head's own text."


def test_the_service_refuses_attachments_too(world, media_root):
    """The API and any other caller get the same attachment rule as the portal."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.report_submit(
            assignment_id=world.assignment_a.pk,
            author=world.head_a,
            status="in_progress",
            percent=50,
            attachments=[SimpleUploadedFile("x.pdf", b"not a pdf")],
        )
    assert "attachments" in caught.value.message_dict
