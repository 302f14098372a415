import csv
import hashlib
import io
import re
import zipfile

import pytest

from archive import exports
from archive.models import ArchiveRecord, ExportJob
from audit.models import AuditEvent
from cases.models import Case
from tests.archive.factories import archived_case
from tests.closure.factories import close_case
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_archives(make_case):
    other = CategoryFactory.create(code="CW", name="缴费退费")
    first = archived_case(make_case, subject="证书领取")
    second = archived_case(make_case, subject="退费进度", phone="13911112222", category=other)
    return first, second


def test_archive_browser_lists_and_counts(client, auditor, two_archives):
    client.force_login(auditor)
    body = client.get("/archive/").content.decode()
    for _case, record in two_archives:
        assert record.number in body
    assert "教学与课程" in body and "缴费退费" in body


def test_archive_browser_filters(client, auditor, two_archives):
    (_c1, first), (_c2, second) = two_archives
    client.force_login(auditor)
    body = client.get("/archive/", {"category": second.category_id}).content.decode()
    assert second.number in body and first.number not in body
    body = client.get("/archive/", {"q": "证书"}).content.decode()
    assert first.number in body and second.number not in body
    body = client.get("/archive/", {"year": first.year, "month": first.month}).content.decode()
    assert first.number in body and second.number in body
    body = client.get("/archive/", {"satisfaction": "1"}).content.decode()
    assert first.number not in body


def test_staff_see_only_archives_of_cases_they_may_see(client, colleague, two_archives):
    client.force_login(colleague)
    body = client.get("/archive/").content.decode()
    assert all(record.number not in body for _case, record in two_archives)


def test_auditor_downloads_the_pdf_and_it_is_audited(client, auditor, two_archives):
    _case, record = two_archives[0]
    client.force_login(auditor)
    response = client.get(f"/archive/{record.number}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    record.refresh_from_db()
    assert hashlib.sha256(body).hexdigest() == record.pdf_sha256
    audit = AuditEvent.objects.get(action="archive.pdf_download")
    assert audit.actor == auditor and audit.object_id == record.number


def test_pdf_of_an_invisible_case_is_a_404(client, colleague, two_archives):
    client.force_login(colleague)
    assert client.get(f"/archive/{two_archives[0][1].number}.pdf").status_code == 404


def test_owner_archives_now_from_the_case_page(client, front_desk, make_case, work_calendar):
    case = make_case()
    close_case(case)
    case.refresh_from_db()
    client.force_login(front_desk)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f"/archive/cases/{case.number}/archive/" in page
    client.post(f"/archive/cases/{case.number}/archive/", {"version": case.version})
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert case.archive_record.number in page


def test_auditor_cannot_archive(client, auditor, make_case, work_calendar):
    case = make_case()
    close_case(case)
    client.force_login(auditor)
    client.post(f"/archive/cases/{case.number}/archive/", {})
    assert not ArchiveRecord.objects.exists()


def test_archive_now_is_post_only(client, front_desk, make_case, work_calendar):
    case = make_case()
    client.force_login(front_desk)
    assert client.get(f"/archive/cases/{case.number}/archive/").status_code == 405


def run_export(client, params: dict) -> ExportJob:
    response = client.post("/archive/export/", params)
    job = ExportJob.objects.latest("id")
    assert response.status_code == 302 and response.url == f"/archive/export/{job.pk}/"
    exports.export_build(job_id=job.pk)  # what the Celery task does
    job.refresh_from_db()
    return job


def test_export_zip_has_every_pdf_and_a_matching_manifest(client, auditor, two_archives):
    client.force_login(auditor)
    job = run_export(client, {})
    assert job.state == "done" and job.total == 2
    progress = client.get(f"/archive/export/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in progress and f"/archive/export/{job.pk}/download/" in progress
    response = client.get(f"/archive/export/{job.pk}/download/")
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == job.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert {row["archive_number"] for row in rows} == {r.number for _c, r in two_archives}
        for row in rows:
            pdf = archive.read(f"{row['archive_number']}.pdf")
            assert hashlib.sha256(pdf).hexdigest() == row["pdf_sha256"]
            record = ArchiveRecord.objects.get(number=row["archive_number"])
            assert row["case_number"] == record.case.number
            assert row["category"] == record.category.code
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["closed_date"])
    audit = AuditEvent.objects.get(action="archive.export_download")
    assert audit.after is not None
    assert audit.actor == auditor and audit.after["sha256"] == job.sha256
    assert AuditEvent.objects.filter(action="archive.export_request").count() == 1


def test_export_follows_the_filter(client, auditor, two_archives):
    (_c1, _first), _second = two_archives
    client.force_login(auditor)
    job = run_export(client, {"q": "证书", "bogus": "x"})
    assert job.filters == {"q": "证书"}
    assert job.total == 1


def test_progress_polls_while_the_export_runs(client, auditor):
    client.force_login(auditor)
    job = ExportJob.objects.create(requested_by=auditor, total=10, done=3, state="running")
    body = client.get(f"/archive/export/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="3"' in body
    assert client.get(f"/archive/export/{job.pk}/download/").status_code == 404


def test_staff_cannot_export(client, front_desk):
    client.force_login(front_desk)
    assert client.post("/archive/export/", {}).status_code == 403
    assert not ExportJob.objects.exists()


def test_someone_elses_export_is_a_404(client, auditor, center_head):
    job = ExportJob.objects.create(requested_by=center_head)
    client.force_login(auditor)
    assert client.get(f"/archive/export/{job.pk}/").status_code == 404
    assert client.get(f"/archive/export/{job.pk}/download/").status_code == 404


def test_case_page_shows_the_archive_banner_without_a_query_of_its_own(
    client, center_head, make_case
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, record = archived_case(make_case)
    client.force_login(center_head)
    client.get(f"/cases/{case.number}/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="archive-banner"' in body and record.number in body
    assert not [q for q in queries.captured_queries if 'FROM "archive_archiverecord"' in q["sql"]]
    # A case not archived has no banner and no error.
    open_case = make_case(phone="13900009911")
    assert 'id="archive-banner"' not in client.get(f"/cases/{open_case.number}/").content.decode()
