"""The archived case PDF (CLO-5): content, embedded CJK font, checksums, and no fetching of
anything a user typed."""

import io
import socket
import threading

import pypdf
import pytest
from django.core.files.storage import default_storage

from archive.pdf import LockedFetcher, html_to_pdf, render_record_pdf
from archive.record import data_checksum, record_data
from archive.services import archive_render_pdf
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(body: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    names = set()
    for page in reader.pages:
        resources = page["/Resources"]
        assert isinstance(resources, pypdf.generic.DictionaryObject)
        fonts = resources["/Font"]
        assert isinstance(fonts, pypdf.generic.DictionaryObject)
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


@pytest.fixture
def rendered(make_case):
    case, record = archived_case(make_case, rework=True, subject="证书领取时间咨询")
    record = archive_render_pdf(record=record)
    assert record.pdf.name
    return case, record, default_storage.open(record.pdf.name, "rb").read()


def test_pdf_holds_the_record_in_chinese(rendered):
    case, record, body = rendered
    text = pdf_text(body)
    assert "证书领取时间咨询" in text
    assert record.number in text and case.number in text
    assert "138****1234" in text
    assert "13812341234" not in text
    assert record.data_sha256 in text.replace("\n", "")


def test_pdf_shows_every_round(rendered):
    _case, _record, body = rendered
    text = pdf_text(body)
    assert "还没有解决" in text  # the first round's reasons
    reader = pypdf.PdfReader(io.BytesIO(body))
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 2  # one signature per round


def test_pdf_embeds_a_cjk_font(rendered):
    fonts = pdf_fonts(rendered[2])
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def test_rerendering_gives_the_same_data_checksum(rendered):
    _case, record, _body = rendered
    _pdf, again = render_record_pdf(record)
    assert again == record.data_sha256 == data_checksum(record_data(record))


class LoopbackListener:
    """Counts every connection made to it: a fetch of the payload URL would show up here."""

    def __init__(self) -> None:
        self.hits = 0
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    running = LoopbackListener()
    yield running
    running.close()


def payloads(port: int) -> str:
    return (
        f'<img src="http://127.0.0.1:{port}/img.png">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        "<img src=file:///etc/passwd>"
        f'<iframe src="http://127.0.0.1:{port}/frame"></iframe>'
    )


def test_listener_sees_a_real_connection(listener):
    with socket.create_connection(("127.0.0.1", listener.port)):
        pass
    listener.close()
    assert listener.hits == 1


def test_injected_markup_is_printed_as_text_and_fetches_nothing(make_case, listener):
    from closure.services import result_record
    from tests.closure.factories import sign

    payload = payloads(listener.port)
    case = make_case(subject="注入测试", question=payload)
    round_ = result_record(case.owner, case=case, result=payload, how_given="in_person")
    sign(round_, rating=5, comment=payload)
    from archive.services import case_archive

    record = case_archive(case.owner, case=case)
    body, _checksum = render_record_pdf(record)
    listener.close()
    assert listener.hits == 0
    text = pdf_text(body).replace("\n", "")
    assert "file:///etc/passwd" in text
    assert f"127.0.0.1:{listener.port}/img.png" in text


def test_the_fetcher_refuses_payloads_even_as_raw_markup(listener):
    fetcher = LockedFetcher()
    html = f"<html><body><p>x</p>{payloads(listener.port)}</body></html>"
    html_to_pdf(html, fetcher=fetcher)
    listener.close()
    assert listener.hits == 0
    assert f"http://127.0.0.1:{listener.port}/img.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused


def test_the_fetcher_serves_only_our_static_files():
    fetcher = LockedFetcher()
    assert fetcher.fetch("firstask-static:css/archive-pdf.css").read()
    for url in (
        "firstask-static:../firstask/settings.py",
        "firstask-static:css/../../manage.py",
        "firstask-static:/etc/passwd.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_signature_removed_by_retention_is_noted_not_a_500(client, auditor, make_case):
    from closure.models import ResultRound

    _case, record = archived_case(make_case, subject="证书领取时间咨询")
    for round_ in ResultRound.objects.filter(case_id=record.case_id).exclude(signature=""):
        assert round_.signature.name  # the query left out rounds without one
        default_storage.delete(round_.signature.name)
    client.force_login(auditor)
    response = client.get(f"/archive/{record.number}.pdf")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "签名图片已按保存期限规定删除" in text.replace("\n", "")
