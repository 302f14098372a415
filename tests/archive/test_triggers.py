"""The database refuses changes to an archived case even when the services are bypassed."""

import pytest
from django.db import DatabaseError, connection, transaction

from archive.models import ArchiveRecord
from cases.models import CaseEvent
from tests.archive.factories import archived_case
from tests.closure.factories import close_case

pytestmark = pytest.mark.django_db


def run(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_an_archived_case_fails(make_case):
    case, _ = archived_case(make_case)
    with pytest.raises(DatabaseError, match="archived"):
        run("UPDATE cases_case SET subject = %s WHERE id = %s", ["改过了", case.pk])
    case.refresh_from_db()
    assert case.subject != "改过了"


def test_raw_delete_of_an_archived_case_fails(make_case):
    case, _ = archived_case(make_case)
    with pytest.raises(DatabaseError, match="archived"):
        run("DELETE FROM cases_case WHERE id = %s", [case.pk])


def test_a_closed_case_can_still_be_updated(make_case, work_calendar):
    case = make_case()
    close_case(case)
    run("UPDATE cases_case SET subject = %s WHERE id = %s", ["仍可修改", case.pk])
    case.refresh_from_db()
    assert case.subject == "仍可修改"


def test_events_of_an_archived_case_are_frozen(make_case):
    case, _ = archived_case(make_case)
    event = case.events.first()
    with pytest.raises(DatabaseError):
        run("UPDATE cases_caseevent SET text = %s WHERE id = %s", ["x", event.pk])
    with pytest.raises(DatabaseError):
        run("DELETE FROM cases_caseevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.create(case=case, kind="note", text="事后补记")


def test_results_of_an_archived_case_are_frozen(make_case):
    case, _ = archived_case(make_case)
    round_ = case.result_rounds.get()
    with pytest.raises(DatabaseError):
        run("UPDATE closure_resultround SET rating = 1 WHERE id = %s", [round_.pk])
    with pytest.raises(DatabaseError):
        run("DELETE FROM closure_resultround WHERE id = %s", [round_.pk])


def test_involved_departments_of_an_archived_case_are_frozen(make_case, department):
    case, _ = archived_case(make_case)
    with pytest.raises(DatabaseError), transaction.atomic():
        case.involved_departments.add(department)


def test_archive_record_cannot_be_deleted_or_changed_after_its_pdf(make_case):
    from archive.services import archive_render_pdf

    _case, record = archived_case(make_case)
    archive_render_pdf(record=record)
    with pytest.raises(DatabaseError):
        run("UPDATE archive_archiverecord SET number = 'GD-X' WHERE id = %s", [record.pk])
    with pytest.raises(DatabaseError):
        run("DELETE FROM archive_archiverecord WHERE id = %s", [record.pk])
    assert ArchiveRecord.objects.get(pk=record.pk).number == record.number
