import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from archive import exports, tasks
from archive.models import ArchiveRecord, ExportJob
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db


def test_render_task_renders_the_pdf(make_case):
    _case, record = archived_case(make_case)
    tasks.archive_render_pdf(record.pk)
    assert ArchiveRecord.objects.get(pk=record.pk).pdf_sha256


def test_render_task_ignores_a_missing_record():
    tasks.archive_render_pdf(987654)


def test_sweep_task_files_due_cases(make_case, work_calendar, settings):
    from tests.closure.factories import close_case

    settings.ARCHIVE_QUIET_HOURS = 0
    case = make_case()
    close_case(case)  # on_commit does not run here: the sweep files it
    assert tasks.archive_sweep() == 1
    assert ArchiveRecord.objects.filter(case=case).exists()


def test_export_task_builds_the_zip(make_case, auditor):
    archived_case(make_case)
    job = ExportJob.objects.create(requested_by=auditor)
    tasks.archive_export_run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.total == 1
    assert job.file.name and job.file.name.endswith(".zip")


def test_export_fails_on_a_tampered_pdf(make_case, auditor):
    from archive.services import archive_render_pdf

    _case, record = archived_case(make_case)
    record = archive_render_pdf(record=record)
    path = record.pdf.name
    assert path
    default_storage.delete(path)
    default_storage.save(path, ContentFile(b"%PDF-1.7 forged"))
    built = exports.export_build(job_id=ExportJob.objects.create(requested_by=auditor).pk)
    assert built is not None
    assert built.state == "failed" and record.number in built.error
    assert not built.file.name


def test_a_finished_export_is_not_built_again(auditor):
    job = ExportJob.objects.create(requested_by=auditor, state="done", total=3, done=3)
    again = exports.export_build(job_id=job.pk)
    assert again is not None and again.total == 3
