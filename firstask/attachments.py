"""Uploaded files (handoff answer attachments, documents attached at intake): the type is
decided by the file's first bytes, never by its name or the browser's claim; stored under a
random name; served only through an authorised view.

Beyond the first bytes, each kind must be what it claims all the way through: a PDF parses as a
PDF and carries no HTML near its start (a polyglot a browser could sniff as a page); a Word or
Excel file holds only the parts of its own format (no ``evil.html`` riding in the ZIP, no
macros); an image's header is read before any pixel is decoded and more than
``HANDOFF_ATTACHMENT_MAX_PIXELS`` is refused (a 60000x60000 PNG is a few hundred bytes)."""

from __future__ import annotations

import io
import re
import secrets
import warnings
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
# The folders an Office Open XML file of each kind is made of, and the file types found in them.
_COMMON_FOLDERS = ("_rels/", "docProps/", "customXml/")
_OWN_FOLDERS = {DOCX: (*_COMMON_FOLDERS, "word/"), XLSX: (*_COMMON_FOLDERS, "xl/")}
_PART_TYPES = re.compile(
    r"\.(xml|rels|vml|png|jpe?g|gif|bmp|tiff?|emf|wmf|odttf|fntdata|bin)$", re.IGNORECASE
)
_MAX_PARTS = 5000
_MAX_UNPACKED = 200 * 1024 * 1024
# What makes a browser take bytes for a page (its sniffing reads the first 512 bytes).
_HTML_MARKERS = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta)", re.I
)
PDF_SNIFF_BYTES = 1024


def max_bytes() -> int:
    return settings.HANDOFF_ATTACHMENT_MAX_BYTES


def max_pixels() -> int:
    return getattr(settings, "HANDOFF_ATTACHMENT_MAX_PIXELS", 40_000_000)


def _refuse_type(kinds: tuple[Kind, ...] | None = None) -> ValidationError:
    if kinds is not None and not ({DOCX, XLSX} & set(kinds)):
        return ValidationError(_("Attach a PDF, PNG or JPEG file."), code="bad_type")
    return ValidationError(
        _("Attach a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file."), code="bad_type"
    )


def _office_kind(upload: IO[bytes]) -> Kind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names:
        return None
    kind = next((kind for marker, kind in _ZIP_MARKERS if marker in names), None)
    if kind is None:
        return None
    if not _only_own_parts(kind, parts):
        raise ValidationError(
            _("The Word or Excel file holds parts that are not part of its format."),
            code="foreign_parts",
        )
    return kind


def _only_own_parts(kind: Kind, parts: list[zipfile.ZipInfo]) -> bool:
    if len(parts) > _MAX_PARTS or sum(part.file_size for part in parts) > _MAX_UNPACKED:
        return False
    for part in parts:
        name = part.filename
        if name == "[Content_Types].xml" or (part.is_dir() and name.startswith(_OWN_FOLDERS[kind])):
            continue
        if ".." in name or not name.startswith(_OWN_FOLDERS[kind]):
            return False
        if not _PART_TYPES.search(name) or name.lower().endswith("vbaproject.bin"):
            return False
    return True


def _check_pdf(upload: IO[bytes]) -> None:
    """A PDF is a PDF all the way: no markup near the start, and pypdf reads its pages."""
    import pypdf
    from pypdf.errors import PyPdfError

    upload.seek(0)
    head = upload.read(PDF_SNIFF_BYTES)
    upload.seek(0)
    refused = ValidationError(_("The PDF file is damaged or is not a real PDF."), code="bad_pdf")
    if _HTML_MARKERS.search(head):
        raise refused
    try:
        reader = pypdf.PdfReader(upload, strict=False)
        if len(reader.pages) < 1:
            raise refused
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise refused from error
    finally:
        upload.seek(0)


def _check_image(upload: IO[bytes], kind: Kind) -> None:
    """Read the header only (Pillow decodes nothing on open), refuse too many pixels, then let
    Pillow verify the file's structure."""
    from PIL import Image, UnidentifiedImageError

    refused = ValidationError(_("The image is damaged."), code="bad_image")
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            if probe.format != ("PNG" if kind is PNG else "JPEG"):
                raise refused
            if probe.width * probe.height > max_pixels():
                raise ValidationError(
                    _("The image is too large: at most %(megapixels)d megapixels.")
                    % {"megapixels": max_pixels() // 1_000_000},
                    code="too_many_pixels",
                )
            probe.verify()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
        Warning,
    ) as error:
        raise refused from error


ALL_KINDS = (PDF, PNG, JPEG, DOCX, XLSX)
DOCUMENT_KINDS = (PDF, PNG, JPEG)  # a photo or scan of a visitor's document


def sniff(upload: IO[bytes], *, size: int, kinds: tuple[Kind, ...] = ALL_KINDS) -> Kind:
    """The kind of an uploaded file, or ValidationError (too big, empty, not one of ``kinds``)."""
    try:
        kind = _sniff(upload, size=size)
    except ValidationError as error:
        if error.code == "bad_type":
            raise _refuse_type(kinds) from None
        raise
    if kind not in kinds:
        raise _refuse_type(kinds)
    return kind


def _sniff(upload: IO[bytes], *, size: int) -> Kind:
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
    if head.startswith(b"%PDF-"):  # at byte 0: nothing may come before it
        _check_pdf(upload)
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(upload, PNG)
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        _check_image(upload, JPEG)
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
        if kind is not None:
            return kind
    raise _refuse_type()


def stored_name(kind: Kind) -> str:
    """A random name: nothing of the uploader's file name reaches the disk."""
    return f"{secrets.token_hex(16)}.{kind.extension}"


def display_name(original: str, kind: Kind) -> str:
    """The name offered on download: the uploader's stem (path parts removed), our extension."""
    stem = PurePath(original.replace("\\", "/")).stem.strip()[:80] or "attachment"
    cleaned = "".join(ch for ch in stem if ch.isprintable() and ch not in '"/\\;')
    return f"{cleaned or 'attachment'}.{kind.extension}"
