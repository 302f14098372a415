import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from handoffs import attachments
from tests.handoffs.factories import (
    DOCX_MARKER,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    XLSX_MARKER,
    office_bytes,
)


def sniff(content: bytes, name: str = "f"):
    upload = SimpleUploadedFile(name, content)
    return attachments.sniff(upload, size=len(content))


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        (PDF_BYTES, "pdf"),
        (PNG_BYTES, "png"),
        (JPEG_BYTES, "jpg"),
        (office_bytes(DOCX_MARKER), "docx"),
        (office_bytes(XLSX_MARKER), "xlsx"),
    ],
)
def test_allowed_types_are_recognised_by_their_bytes(content, extension):
    assert sniff(content, name="whatever.exe").extension == extension


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03",
        b"GIF89a....",
        office_bytes("content.xml"),
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_content_is_refused_whatever_its_name(content):
    with pytest.raises(ValidationError):
        sniff(content, name="report.pdf")


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        sniff(b"")


def test_file_over_the_limit_is_refused(settings):
    settings.HANDOFF_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        sniff(PDF_BYTES + b"0" * 200)


def test_stored_name_is_random_and_carries_only_our_extension():
    first = attachments.stored_name(attachments.PDF)
    second = attachments.stored_name(attachments.PDF)
    assert first != second
    assert first.endswith(".pdf") and len(first) == 36


def test_display_name_drops_paths_and_takes_our_extension():
    name = attachments.display_name('..\\..\\evil";x.html', attachments.PNG)
    assert name == "evilx.png"
    assert attachments.display_name("", attachments.PDF) == "attachment.pdf"
