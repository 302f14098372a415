import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def _append(n=3):
    with transaction.atomic():
        for i in range(n):
            audit_record(
                actor=None, action="test.action", object_type="t", object_id=i, after={"i": i}
            )


def test_rows_are_chained():
    _append(3)
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[0].prev_hash == "0" * 64
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x", object_type="t", object_id=1)


def test_database_refuses_update():
    _append(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged'")
    assert AuditEvent.objects.get().action == "test.action"


def test_database_refuses_delete():
    _append(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_verify_passes_on_an_intact_chain(capsys):
    _append(3)
    call_command("audit_verify")
    assert "3 events verified" in capsys.readouterr().out


def test_verify_names_a_row_altered_with_the_trigger_disabled():
    _append(3)
    middle = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [middle.id])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")

    with pytest.raises(CommandError, match=f"event #{middle.id} rewritten"):
        call_command("audit_verify")


def test_verify_catches_a_removed_row():
    _append(3)
    first = AuditEvent.objects.earliest("id")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.id])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    with pytest.raises(CommandError):
        call_command("audit_verify")
