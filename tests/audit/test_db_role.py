"""Connected as the application's role (not the tables' owner), the audit trail cannot be
rewritten or emptied: UPDATE, DELETE and TRUNCATE fail; SELECT and INSERT work."""

import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.services import audit_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    role = f"firstask_app_test_{secrets.token_hex(4)}"
    call_command("db_app_role", role, verbosity=0)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def as_app_role(app_role):
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=app_role,
        autocommit=True,
    )
    yield conn
    conn.close()


@pytest.fixture
def one_event():
    with transaction.atomic():
        return audit_record(actor=None, action="test.action", object_type="t", object_id=1)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_personaldataaccess SET reason = 'forged'",
        "DELETE FROM audit_personaldataaccess",
        "TRUNCATE audit_personaldataaccess",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
    ],
)
def test_app_role_cannot_change_the_audit_tables(as_app_role, one_event, sql):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app_role.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(action) FROM audit_auditevent")
        assert cursor.fetchone() == (1, "test.action")


def test_app_role_reads_and_appends_to_the_audit_trail(as_app_role, one_event):
    assert as_app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
    as_app_role.execute(
        "INSERT INTO audit_auditevent (created_at, actor_label, action, object_type, object_id,"
        " request_id, prev_hash, hash) VALUES (now(), 'x', 'y', 'z', '1', '', %s, %s)",
        [one_event.hash, "f" * 64],
    )
    assert as_app_role.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (2,)


def test_app_role_works_on_ordinary_tables(as_app_role, category):
    as_app_role.execute("UPDATE cases_category SET name = 'renamed' WHERE id = %s", [category.pk])
    category.refresh_from_db()
    assert category.name == "renamed"


def test_app_role_cannot_truncate_ordinary_tables_either(as_app_role, category):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app_role.execute("TRUNCATE cases_category CASCADE")


def test_role_command_refuses_odd_names():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("db_app_role", 'x"; DROP TABLE audit_auditevent; --', verbosity=0)
