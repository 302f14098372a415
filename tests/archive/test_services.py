import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from archive import services
from archive.models import ArchiveRecord
from audit.models import AuditEvent
from cases import services as case_services
from cases.errors import ArchivedCase, NotAllowed, WrongState
from cases.models import Case
from closure.services import result_record
from tests.archive.factories import archived_case
from tests.closure.factories import close_case, record_result, sign
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_owner_archives_a_closed_case(make_case, front_desk, category):
    case, record = archived_case(make_case)
    year = timezone.localdate().year
    assert record.number == f"GD-{year}-{category.code}-00001"
    assert (record.year, record.month) == (year, timezone.localdate().month)
    assert record.category == category and record.archived_by == front_desk
    assert case.status == Case.Status.ARCHIVED and case.archived_at == record.archived_at
    assert case.events.filter(kind="archived", data__number=record.number).exists()
    audit = AuditEvent.objects.get(action="archive.create")
    assert audit.actor == front_desk and audit.object_id == record.number


def test_numbers_run_per_year_and_category(make_case):
    other = CategoryFactory.create(code="CW", name="缴费退费")
    first = archived_case(make_case)[1]
    second = archived_case(make_case, phone="13900001111")[1]
    third = archived_case(make_case, phone="13900002222", category=other)[1]
    assert [first.number[-5:], second.number[-5:]] == ["00001", "00002"]
    assert third.number.endswith("-CW-00001")


def test_archiving_an_open_case_is_refused(make_case, front_desk, work_calendar):
    case = make_case()
    with pytest.raises(WrongState):
        services.case_archive(front_desk, case=case)
    assert not ArchiveRecord.objects.exists()


def test_archiving_by_an_unrelated_colleague_is_refused(make_case, colleague, work_calendar):
    case = make_case()
    close_case(case)
    with pytest.raises(NotAllowed):
        services.case_archive(colleague, case=case)


def test_auditors_change_nothing(make_case, auditor, work_calendar):
    case = make_case()
    close_case(case)
    with pytest.raises(NotAllowed):
        services.case_archive(auditor, case=case)


def test_archiving_twice_is_refused(make_case, front_desk):
    case, _record = archived_case(make_case)
    with pytest.raises(ArchivedCase):
        services.case_archive(front_desk, case=case)


def test_services_refuse_any_change_to_an_archived_case(make_case, front_desk, center_head):
    case, _record = archived_case(make_case)
    with pytest.raises(ArchivedCase):
        result_record(front_desk, case=case, result="再次答复", how_given="phone")
    with pytest.raises(ArchivedCase):
        case_services.case_reassign_owner(
            center_head, case=case, new_owner=center_head, reason="离职", version=case.version
        )


def test_closing_archives_at_once_without_a_quiet_period(
    make_case, django_capture_on_commit_callbacks, settings, work_calendar
):
    settings.ARCHIVE_QUIET_HOURS = 0
    case = make_case()
    round_ = record_result(case)
    with django_capture_on_commit_callbacks(execute=True):
        sign(round_, rating=5)
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    record = ArchiveRecord.objects.get(case=case)
    assert record.archived_by is None
    assert AuditEvent.objects.get(action="archive.create").actor is None


def test_on_the_spot_cases_are_archived_at_once(
    make_case, django_capture_on_commit_callbacks, settings, work_calendar
):
    settings.ARCHIVE_QUIET_HOURS = 0
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(outcome="on_the_spot", answer="已当场解答", confirmation_note="满意")
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED


def test_quiet_period_keeps_the_case_closed_until_the_sweep(
    make_case, django_capture_on_commit_callbacks, settings, work_calendar
):
    settings.ARCHIVE_QUIET_HOURS = 48
    case = make_case()
    round_ = record_result(case)
    with django_capture_on_commit_callbacks(execute=True):
        sign(round_, rating=5)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert services.archive_sweep(now=timezone.now() + dt.timedelta(hours=47)) == 0
    assert services.archive_sweep(now=timezone.now() + dt.timedelta(hours=49)) == 1
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    record = ArchiveRecord.objects.get(case=case)
    assert record.pdf_sha256  # the sweep also renders PDFs still missing


def test_render_pdf_stores_it_with_its_checksums(make_case):
    _case, record = archived_case(make_case)
    record = services.archive_render_pdf(record=record)
    assert record.pdf.name
    body = default_storage.open(record.pdf.name, "rb").read()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == record.pdf_sha256
    assert len(record.data_sha256) == 64 and record.pdf_rendered_at
    assert record.pdf.name == f"archive/{record.year}/{record.month:02d}/{record.number}.pdf"
    audit = AuditEvent.objects.get(action="archive.render_pdf")
    assert audit.after is not None
    assert audit.after["pdf_sha256"] == record.pdf_sha256


def test_render_pdf_is_done_once(make_case):
    _case, record = archived_case(make_case)
    first = services.archive_render_pdf(record=record)
    second = services.archive_render_pdf(record=record)
    assert second.pdf_sha256 == first.pdf_sha256 and second.pdf.name == first.pdf.name
    assert AuditEvent.objects.filter(action="archive.render_pdf").count() == 1


def test_enqueue_never_fails_the_caller():
    class Broken:
        name = "broken"

        def apply_async(self, **kwargs):
            raise ConnectionError("broker down")

    services.enqueue(Broken(), 1)
