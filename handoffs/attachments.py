"""Answer attachments: the type is decided by the file's first bytes, never by its name or the
browser's claim; stored under a random name; served only through an authorised view."""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

_ZIP_MARKERS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))


def max_bytes() -> int:
    return settings.HANDOFF_ATTACHMENT_MAX_BYTES


def _office_kind(upload: IO[bytes]) -> Kind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for marker, kind in _ZIP_MARKERS:
        if marker in names:
            return kind
    return None


def sniff(upload: IO[bytes], *, size: int) -> Kind:
    """The kind of an uploaded file, or ValidationError (too big, empty, not an allowed type)."""
    if size > max_bytes():
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": max_bytes() // (1024 * 1024)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
        if kind is not None:
            return kind
    raise ValidationError(
        _("Attach a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file."), code="bad_type"
    )


def stored_name(kind: Kind) -> str:
    """A random name: nothing of the uploader's file name reaches the disk."""
    return f"{secrets.token_hex(16)}.{kind.extension}"


def display_name(original: str, kind: Kind) -> str:
    """The name offered on download: the uploader's stem (path parts removed), our extension."""
    stem = PurePath(original.replace("\\", "/")).stem.strip()[:80] or "attachment"
    cleaned = "".join(ch for ch in stem if ch.isprintable() and ch not in '"/\\;')
    return f"{cleaned or 'attachment'}.{kind.extension}"
