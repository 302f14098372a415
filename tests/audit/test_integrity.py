"""The audit trail under failure and load: a rolled-back service leaves nothing behind, many
concurrent writers still make one unbroken chain, the PII access log is append-only too."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent, PersonalDataAccess
from audit.selectors import audit_chain_breaks
from audit.services import audit_record, personal_data_access_record
from cases import services
from cases.errors import WrongState
from cases.models import Case
from tests.factories import run_in_threads

WRITERS = 50


@pytest.mark.django_db
def test_a_rolled_back_service_leaves_no_audit_row(make_case, front_desk):
    case = make_case()
    before = AuditEvent.objects.count()
    # The transition writes its audit row, then the surrounding service fails.
    with pytest.raises(WrongState), transaction.atomic():
        services.case_transition(front_desk, case=case, to=Case.Status.REFERRED)
        assert AuditEvent.objects.count() == before + 1
        raise WrongState("boom")
    assert AuditEvent.objects.count() == before
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain():
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def writer(index: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                audit_record(actor=None, action="load.write", object_type="t", object_id=index)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    run_in_threads(writer, range(WRITERS))

    assert errors == []
    assert AuditEvent.objects.count() == WRITERS
    assert list(audit_chain_breaks()) == []
    hashes = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len({prev for prev, _ in hashes}) == WRITERS  # no two rows share a predecessor


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_personaldataaccess SET reason = 'x'", "DELETE FROM audit_personaldataaccess"],
)
def test_database_refuses_changes_to_the_access_log(front_desk, sql):
    personal_data_access_record(front_desk, kind="view", visitor_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert PersonalDataAccess.objects.get().reason == ""
