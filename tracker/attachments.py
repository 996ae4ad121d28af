"""The attachment rule, written once: which files a report may carry, how they are checked and named.

A file is accepted when its extension is on the allow-list AND its first bytes are what that kind of file
starts with (a renamed executable is refused), it is not empty and not larger than
`settings.ATTACHMENT_MAX_BYTES`. It is stored under a random name (nobody can guess another file's
address) and served only through the portal's download view, after the permission check.
"""

import codecs
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_FILES_PER_REPORT = 5
SNIFF_BYTES = 8192

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word, Excel, PowerPoint


def _head(upload: UploadedFile, size: int = SNIFF_BYTES) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def _starts_with(*signatures: bytes) -> Callable[[UploadedFile], bool]:
    def sniff(upload: UploadedFile) -> bool:
        head = _head(upload, 16)
        return any(head.startswith(s) for s in signatures)

    return sniff


def _zip_names(upload: UploadedFile) -> list[str] | None:
    if not _head(upload, 4).startswith(b"PK\x03\x04"):
        return None
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _office_open_xml(folder: str) -> Callable[[UploadedFile], bool]:
    """docx/xlsx/pptx: a ZIP package with a content-types part and the document's own folder."""

    def sniff(upload: UploadedFile) -> bool:
        names = _zip_names(upload)
        return bool(names) and "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return sniff


def _open_document(mimetype: str) -> Callable[[UploadedFile], bool]:
    """odt/ods: a ZIP package whose first member is `mimetype`, holding the document's MIME type."""

    def sniff(upload: UploadedFile) -> bool:
        head = _head(upload, 128)
        return head.startswith(b"PK\x03\x04") and b"mimetype" + mimetype.encode() in head

    return sniff


def _plain_text(upload: UploadedFile) -> bool:
    """UTF-8 text without NUL bytes (the start of the file is enough to tell)."""
    head = _head(upload)
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    sniff: Callable[[UploadedFile], bool]


_PDF = Kind("PDF", "application/pdf", _starts_with(b"%PDF-"))
_PNG = Kind("PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n"))
_JPEG = Kind("JPEG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))

ALLOWED: dict[str, Kind] = {
    "pdf": _PDF,
    "png": _PNG,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "docx": Kind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office_open_xml("word/"),
    ),
    "xlsx": Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office_open_xml("xl/")),
    "pptx": Kind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _office_open_xml("ppt/"),
    ),
    "doc": Kind("Word", "application/msword", _starts_with(OLE2)),
    "xls": Kind("Excel", "application/vnd.ms-excel", _starts_with(OLE2)),
    "odt": Kind(
        "OpenDocument",
        "application/vnd.oasis.opendocument.text",
        _open_document("application/vnd.oasis.opendocument.text"),
    ),
    "ods": Kind(
        "OpenDocument",
        "application/vnd.oasis.opendocument.spreadsheet",
        _open_document("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    "txt": Kind(gettext_lazy("plain text"), "text/plain", _plain_text),
    "csv": Kind("CSV", "text/csv", _plain_text),
}

# For the file input's `accept` attribute and the help text.
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)


def accepted_kinds_text() -> str:
    return _("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG images, plain text or CSV")


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def clean_name(name: str) -> str:
    """The name the person gave the file, made safe to show and to send back in Content-Disposition."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = base.strip().strip(".") or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def check(upload: UploadedFile) -> Kind:
    """Returns the file's kind, or raises ValidationError with a message naming the file."""
    name = clean_name(upload.name)
    kind = ALLOWED.get(extension_of(name))
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a type of file the portal accepts. Accepted: %(kinds)s.")
            % {"name": name, "kinds": accepted_kinds_text()},
            code="attachment_type",
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="attachment_empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
            code="attachment_size",
        )
    if not kind.sniff(upload):
        raise ValidationError(
            _("“%(name)s” is not a real %(kind)s file: its content does not match its name.")
            % {"name": name, "kind": kind.label},
            code="attachment_content",
        )
    return kind


def check_all(uploads: Sequence[UploadedFile]) -> list[str]:
    """Every problem with a report's files, as messages (empty when all are acceptable)."""
    if len(uploads) > MAX_FILES_PER_REPORT:
        return [_("Attach at most %(count)d files to one report.") % {"count": MAX_FILES_PER_REPORT}]
    problems: list[str] = []
    for upload in uploads:
        try:
            check(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


def storage_name(upload: UploadedFile) -> str:
    """A random file name that keeps only the (allowed) extension: nobody can guess it."""
    return f"{uuid.uuid4().hex}.{extension_of(clean_name(upload.name))}"
