"""Closure journey: the owner gives a result, the visitor signs on the canvas with the mouse and
rates 2 (dissatisfied), the owner reworks, the visitor signs satisfied, the case is archived;
the auditor opens /archive/, downloads the PDF and a ZIP built by a real Celery worker."""

import io
import re
import zipfile

import pytest
from celery.contrib.testing.worker import start_worker

from archive.models import ArchiveRecord
from cases.models import Case
from firstask.celery import app as celery_app
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def give_result(page, text: str) -> None:
    page.fill("#result-form textarea[name=result]", text)
    page.select_option("#result-form select[name=how_given]", "in_person")
    page.click("#result-form button[type=submit]")
    page.wait_for_selector("#sign-start-form")


def sign_on_canvas(page) -> None:
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    for stroke in ([(40, 150), (90, 60), (140, 160), (190, 70)], [(230, 80), (300, 170)]):
        page.mouse.move(x + stroke[0][0], y + stroke[0][1])
        page.mouse.down()
        for px, py in stroke[1:]:
            page.mouse.move(x + px, y + py, steps=8)
        page.mouse.up()


def visitor_signs(page, *, rating: int, reasons: str = "") -> None:
    page.click("#sign-start-form button[type=submit]")
    page.wait_for_url(re.compile(r"/sign/[\w-]+/$"))
    page.click(f"label[for=rating-{rating}]")
    if reasons:
        page.fill("#sign-reasons", reasons)
    sign_on_canvas(page)
    page.click("#sign-submit")
    page.wait_for_selector("#signed-outcome")


def test_rework_then_signed_closure_then_auditor_exports(
    page, live_server, front_desk, auditor, make_case, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    case = make_case(subject="证书领取时间")
    login(page, base, front_desk.username)

    page.goto(f"{base}/cases/{case.number}/")
    give_result(page, "证书下周一可以领取。")
    visitor_signs(page, rating=2, reasons="我需要本周内拿到证书。")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.rework_count == 1

    page.click("#back-to-case")
    give_result(page, "已加急办理，证书周五上午可在服务大厅领取。")
    visitor_signs(page, rating=5)
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED and case.satisfaction == 5
    record = ArchiveRecord.objects.get(case=case)
    page.click("#back-to-case")
    page.wait_for_selector("#archive-banner")
    assert page.locator("#round-1 .signature-img").count() == 1
    assert page.locator("#round-2 .signature-img").count() == 1

    page.context.clear_cookies()
    login(page, base, auditor.username)
    page.goto(f"{base}/archive/")
    row = page.locator("#archive-table tr", has_text=record.number)
    with page.expect_download() as pdf_download:
        row.locator("a.pdf-link").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"{record.number}.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        page.click("#export-form button[type=submit]")
        page.wait_for_url(re.compile(r"/archive/export/\d+/$"))
        link = page.locator("#export-download")
        link.wait_for(timeout=60_000)  # the progress bar polls until the worker is done
        with page.expect_download() as zip_download:
            link.click()
    with zipfile.ZipFile(io.BytesIO(open(zip_download.value.path(), "rb").read())) as archive:
        names = set(archive.namelist())
        assert names == {"manifest.csv", f"{record.number}.pdf"}
        assert record.number in archive.read("manifest.csv").decode()
