"""Every file download is sandboxed (Content-Security-Policy: sandbox), and the KPI report PDF
is rendered through the archive's locked URL fetcher."""

import pytest
from django.urls import reverse

from archive.pdf import LockedFetcher, html_to_pdf
from archive.services import archive_render_pdf
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db


def assert_sandboxed(response):
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox") and "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_archive_pdf_is_sandboxed(client, make_case, work_calendar, auditor, media):
    _case, record = archived_case(make_case)
    archive_render_pdf(record=record)
    client.force_login(auditor)
    assert_sandboxed(client.get(reverse("archive:pdf", args=[record.number])))


def test_the_archive_export_is_sandboxed(client, make_case, work_calendar, auditor, media):
    from archive import exports
    from archive.models import ExportJob

    archived_case(make_case)
    job = exports.export_build(job_id=ExportJob.objects.create(requested_by=auditor).pk)
    assert job is not None
    client.force_login(auditor)
    assert_sandboxed(client.get(reverse("archive:export_download", args=[job.pk])))


def test_the_signature_image_is_sandboxed(client, make_case, work_calendar, media):
    case, _record = archived_case(make_case)
    client.force_login(case.owner)
    assert_sandboxed(client.get(reverse("closure:signature", args=[case.number, 1])))


def test_an_answer_attachment_is_sandboxed(client, make_case, work_calendar, media, dept_member):
    from handoffs import services
    from handoffs.models import Referral
    from tests.handoffs.factories import PDF_BYTES, upload

    case = make_case()
    referral = services.referral_create(
        case.owner, case=case, department=dept_member.department, note="请处理"
    )
    services.referral_accept(dept_member, referral=referral)
    services.referral_answer(
        dept_member, referral=referral, text="已安排", upload=upload("a.pdf", PDF_BYTES)
    )
    answer = Referral.objects.get(pk=referral.pk).answers.get()
    client.force_login(case.owner)
    assert_sandboxed(client.get(reverse("handoffs:attachment", args=[answer.pk])))


@pytest.mark.parametrize("name", ["kpi_export_csv", "kpi_export_xlsx", "kpi_report_pdf"])
def test_the_kpi_exports_are_sandboxed(client, center_head, name):
    client.force_login(center_head)
    assert_sandboxed(client.get(reverse(f"supervision:{name}")))


def test_the_visitor_export_is_sandboxed(client, make_case, center_head):
    case = make_case()
    client.force_login(center_head)
    response = client.post(
        reverse("cases:visitor_export", args=[case.number]), {"reason": "访问请求 PIPL"}
    )
    assert_sandboxed(response)


def test_the_kpi_report_fetches_only_through_the_locked_fetcher(client, center_head, monkeypatch):
    fetched = []
    original = LockedFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(LockedFetcher, "fetch", spy)
    client.force_login(center_head)
    assert client.get(reverse("supervision:kpi_report_pdf")).status_code == 200
    assert fetched == ["firstask-static:css/supervision-pdf.css"]


def test_the_locked_fetcher_refuses_files_and_the_network():
    fetcher = LockedFetcher()
    html = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    assert html_to_pdf(html, fetcher=fetcher).startswith(b"%PDF")
    assert fetcher.refused == ["file:///etc/passwd", "http://127.0.0.1:9/x.png"]


def test_every_download_the_url_table_reaches_is_sandboxed(make_case, front_desk, center_head):
    """A new download view fails here unless it goes through firstask.downloads.sandboxed."""
    from tests.test_url_matrix import _client, _urls

    case = make_case(actor=front_desk)
    client = _client(center_head)
    downloads = []
    for name, url, _row in _urls(case):
        response = client.get(url)
        if response.has_header("Content-Disposition"):
            downloads.append(name)
            assert response["Content-Security-Policy"].startswith("sandbox"), name
    assert {"supervision:kpi_export_csv", "supervision:kpi_report_pdf"} <= set(downloads)
