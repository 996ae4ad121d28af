"""The attachment rule on its own: real files of each accepted kind pass, look-alikes do not, names are safe."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal_world import PDF_BYTES, docx_bytes
from tracker import attachments


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as ODF requires
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("a.pdf", PDF_BYTES, "application/pdf"),
        ("A.PDF", PDF_BYTES, "application/pdf"),
        ("b.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("c.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("d.odt", odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
        (
            "e.ods",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("f.csv", "mã,tên\nEMB-JP,Nhật Bản\n".encode(), "text/csv"),
        ("g.png", b"\x89PNG\r\n\x1a\n0000", "image/png"),
    ],
)
def test_real_files_of_each_accepted_kind_pass(name, content, content_type):
    assert attachments.check(SimpleUploadedFile(name, content)).content_type == content_type


@pytest.mark.parametrize(
    "name,content",
    [
        ("word.docx", xlsx()),  # a spreadsheet named as a Word document
        ("sheet.xlsx", docx_bytes()),
        ("text.odt", odf("application/vnd.oasis.opendocument.spreadsheet")),
        ("image.png", PDF_BYTES),
        ("macro.docm", docx_bytes()),
        ("noext", PDF_BYTES),
        ("script.svg", b"<svg onload=alert(1)>"),
    ],
)
def test_look_alikes_and_other_kinds_are_refused(name, content):
    with pytest.raises(ValidationError):
        attachments.check(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "given,shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\an\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("...", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_names_are_made_safe_to_show_and_send_back(given, shown):
    assert attachments.clean_name(given) == shown


def test_stored_names_are_random_and_keep_only_the_extension():
    upload = SimpleUploadedFile("Kế hoạch mật.PDF", PDF_BYTES)
    first, second = attachments.storage_name(upload), attachments.storage_name(upload)
    assert first != second
    assert first.endswith(".pdf") and len(first) == 32 + 4
