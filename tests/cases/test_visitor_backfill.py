"""Migration 0008 fills each existing case's snapshot from its visitor, archived cases included,
and each visitor's name key."""

import importlib

import pytest
from django.db import connection

from cases.models import Case, Visitor
from cases.personal import phone_key
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0008_visitor_people_and_case_snapshot")


def test_backfill_fills_archived_and_open_cases_from_their_visitor(make_case):
    archived, _record = archived_case(make_case, visitor_name="王小明", phone="010-62751234")
    open_case = make_case(visitor_name="Li  Na", phone="13912345678")
    with connection.cursor() as cursor:  # as before the migration: nothing on the cases
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks hold the table
        cursor.execute("ALTER TABLE cases_case DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE cases_case SET visitor_name = '', visitor_phone = '',"
            " visitor_phone_hash = '', visitor_phone_last4 = ''"
        )
        cursor.execute("ALTER TABLE cases_case ENABLE TRIGGER USER")
        cursor.execute("UPDATE cases_visitor SET name_key = ''")
        for statement in migration.BACKFILL:
            cursor.execute(statement)
    archived.refresh_from_db()
    assert (archived.visitor_name, archived.visitor_phone) == ("王小明", "010-62751234")
    assert archived.visitor_phone_hash == phone_key("010-62751234")
    assert archived.visitor_phone_last4 == "1234"
    assert Case.objects.get(pk=open_case.pk).visitor_phone_last4 == "5678"
    assert Visitor.objects.get(pk=open_case.visitor_id).name_key == "li na"
    assert archived.status == Case.Status.ARCHIVED
