"""Shared set-up for the portal's tests: two missions, their people, and work that crosses between them.

Loaded for every test module by `pytest_plugins` in tests/conftest.py.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from missions.models import Membership
from tests.factories import CommitmentFactory, MissionFactory, TaskFactory, UserFactory, make_assignment, member
from tracker import services

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "minutes.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@dataclass
class World:
    mission_a: object
    mission_b: object
    head_a: object
    deputy_a: object
    officer_a: object
    head_b: object
    committee: object
    nomission: object
    assignment_a: object
    assignment_b: object
    report_a: object
    attachment_a: object
    extension_a: object
    report_b: object
    attachment_b: object
    extension_b: object

    def user(self, who: str):
        return None if who == "anonymous" else getattr(self, who)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db, media_root, committee_user) -> World:
    mission_a = MissionFactory(code="EMB-TA", timezone="Asia/Tokyo", name_en="Embassy in Tokyo")
    mission_b = MissionFactory(code="EMB-TB", timezone="America/New_York", name_en="Embassy in Washington")
    head_a = member(mission_a, Membership.Role.HEAD, username="head_a", language="en")
    deputy_a = member(mission_a, Membership.Role.DEPUTY, username="deputy_a")
    officer_a = member(mission_a, Membership.Role.OFFICER, username="officer_a")
    head_b = member(mission_b, Membership.Role.HEAD, username="head_b")
    nomission = UserFactory(username="nomission")
    task = TaskFactory(title="Lobby for market-economy recognition", commitment=CommitmentFactory())
    today = timezone.localdate()
    assignment_a = make_assignment(mission=mission_a, task=task, deadline=today + datetime.timedelta(days=20))
    assignment_b = make_assignment(mission=mission_b, task=task, deadline=today + datetime.timedelta(days=20))
    report_a = services.report_submit(
        assignment_id=assignment_a.pk,
        author=officer_a,
        status="in_progress",
        percent=30,
        results="Met the trade ministry.",
        attachments=[pdf()],
    )
    report_b = services.report_submit(
        assignment_id=assignment_b.pk,
        author=head_b,
        status="in_progress",
        percent=10,
        results="Wrote to the partner.",
        attachments=[pdf("b-notes.pdf")],
    )
    extension_a = services.extension_request_create(
        assignment_id=assignment_a.pk,
        requested_by=head_a,
        requested_deadline=today + datetime.timedelta(days=60),
        reason="The partner's elections.",
    )
    extension_b = services.extension_request_create(
        assignment_id=assignment_b.pk,
        requested_by=head_b,
        requested_deadline=today + datetime.timedelta(days=60),
        reason="Budget cycle.",
    )
    for a in (assignment_a, assignment_b):
        a.refresh_from_db()
    return World(
        mission_a=mission_a,
        mission_b=mission_b,
        head_a=head_a,
        deputy_a=deputy_a,
        officer_a=officer_a,
        head_b=head_b,
        committee=committee_user,
        nomission=nomission,
        assignment_a=assignment_a,
        assignment_b=assignment_b,
        report_a=report_a,
        attachment_a=report_a.attachments.get(),
        extension_a=extension_a,
        report_b=report_b,
        attachment_b=report_b.attachments.get(),
        extension_b=extension_b,
    )
