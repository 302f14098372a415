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


POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


@pytest.mark.parametrize(
    "content",
    [
        POLYGLOT,
        PDF_BYTES[:9] + b"<!DOCTYPE html><script>alert(1)</script>" + PDF_BYTES[9:],
        b"%PDF-1.7 forged, no objects at all",
        b"<html>" + PDF_BYTES,  # bytes before %PDF
    ],
)
def test_a_pdf_must_parse_as_pdf_with_no_html(content):
    with pytest.raises(ValidationError) as refused:
        sniff(content, name="answer.pdf")
    assert refused.value.code in ("bad_pdf", "bad_type")


def _zip(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


WORD_PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "docProps/core.xml": b"<x/>",
    "word/document.xml": b"<w:document/>",
    "word/_rels/document.xml.rels": b"<Relationships/>",
    "word/media/image1.png": PNG_BYTES,
}


def test_a_word_file_of_its_own_parts_passes():
    assert sniff(_zip(WORD_PARTS), name="a.docx").extension == "docx"


@pytest.mark.parametrize(
    "extra",
    ["evil.html", "word/evil.html", "word/script.js", "xl/workbook.xml", "word/vbaProject.bin"],
)
def test_a_word_file_with_foreign_parts_is_refused(extra):
    with pytest.raises(ValidationError) as refused:
        sniff(_zip({**WORD_PARTS, extra: b"<script>alert(1)</script>"}), name="a.docx")
    assert refused.value.code == "foreign_parts"


def test_an_excel_file_with_an_html_part_is_refused():
    parts = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>", "evil.html": b"<b/>"}
    with pytest.raises(ValidationError):
        sniff(_zip(parts), name="a.xlsx")


@pytest.mark.parametrize("size", [(60000, 60000), (20000, 20000), (8000, 6000)])
def test_an_image_over_the_pixel_cap_is_refused_without_decoding(size):
    import tracemalloc

    from tests.bombs import png_header

    tracemalloc.start()
    with pytest.raises(ValidationError) as refused:
        sniff(png_header(*size), name="photo.png")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refused.value.code in ("too_many_pixels", "bad_image")
    assert peak < 10 * 1024 * 1024  # nothing near width x height was allocated


def test_the_pixel_cap_is_a_setting(settings):
    settings.HANDOFF_ATTACHMENT_MAX_PIXELS = 100
    with pytest.raises(ValidationError) as refused:
        sniff(PNG_BYTES, name="photo.png")  # 40 x 30
    assert refused.value.code == "too_many_pixels"


def test_a_damaged_image_is_refused():
    with pytest.raises(ValidationError):
        sniff(PNG_BYTES[:40], name="photo.png")
