"""/audit/ for auditors and the center head: the trail and the access log, filtered, exported,
each view recorded; the chain check runs as a task and its result is shown."""

import csv
import io

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, AuditVerification
from audit.services import audit_record, personal_data_access_record
from audit.tasks import verify_chain

pytestmark = pytest.mark.django_db


def _event(actor=None, action="case.test", object_type="case", object_id="SW-1", after=None):
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before={"status": "open"},
            after=after or {"status": "referred"},
        )


def _ids(response):
    return [event.id for event in response.context["rows"]]


def test_the_auditor_reads_the_trail_with_before_and_after(client, auditor):
    event = _event()
    client.force_login(auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    assert event.id in _ids(response)
    assert "referred" in response.content.decode()


def test_the_center_head_reads_the_trail(client, center_head):
    _event()
    client.force_login(center_head)
    assert client.get("/audit/").status_code == 200


def test_staff_may_not_read_the_trail(client, front_desk):
    client.force_login(front_desk)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_the_nav_shows_the_trail_to_readers_only(client, auditor, front_desk):
    client.force_login(auditor)
    assert b'id="nav-audit"' in client.get("/").content
    client.force_login(front_desk)
    assert b'id="nav-audit"' not in client.get("/").content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("case=SW-1", ["a", "c"]),
        ("actor=zhuren", ["b"]),
        ("action=handoff.", ["c"]),
        ("object_type=referral&object_id=7", ["c"]),
    ],
)
def test_the_trail_filters(client, auditor, center_head, query, expected):
    made = {
        "a": _event(),
        "b": _event(actor=center_head, object_id="SW-2"),
        "c": _event(
            action="handoff.refer", object_type="referral", object_id="7", after={"case": "SW-1"}
        ),
    }
    client.force_login(auditor)
    response = client.get(f"/audit/?{query}")
    assert _ids(response) == sorted((made[key].id for key in expected), reverse=True)


def test_the_trail_filters_by_time(client, auditor):
    event = _event()
    client.force_login(auditor)
    day = timezone.localdate(event.created_at).isoformat()
    assert event.id in _ids(client.get(f"/audit/?start={day}&end={day}"))
    assert _ids(client.get("/audit/?start=9999-12-31")) == []
    assert _ids(client.get("/audit/?end=0001-01-01")) == []


def test_a_bad_filter_is_a_message_not_an_error(client, auditor):
    client.force_login(auditor)
    response = client.get("/audit/?start=2026-02-01&end=2026-01-01&before=99999999999999999999")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["rows"] == []
    assert client.get("/audit/export.csv?start=not-a-date").status_code == 400


def test_every_view_of_the_trail_is_recorded(client, auditor):
    client.force_login(auditor)
    client.get("/audit/?action=case.")
    client.get("/audit/access/?case=SW-9")
    views = AuditEvent.objects.filter(action="audit.view").order_by("id")
    assert [(v.actor_id, v.object_id, v.after) for v in views] == [
        (auditor.id, "trail", {"filters": {"action": "case."}}),
        (auditor.id, "access_log", {"filters": {"case": "SW-9"}}),
    ]


def test_the_trail_pages_by_id(client, auditor, settings):
    ids = [_event(object_id=f"SW-{i}").id for i in range(55)]
    client.force_login(auditor)
    first = client.get("/audit/?action=case.test")
    assert len(_ids(first)) == 50
    second = client.get("/audit/" + first.context["next_link"])
    assert _ids(second) == sorted(ids, reverse=True)[50:]
    assert second.context["next_link"] is None


def test_the_trail_exports_as_csv(client, auditor):
    _event(after={"note": '=HYPERLINK("http://evil")'})
    client.force_login(auditor)
    response = client.get("/audit/export.csv?action=case.")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][3] == "case.test"
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert AuditEvent.objects.filter(action="audit.view", object_id="trail_export").exists()


def test_the_access_log_filters_and_exports(client, auditor, front_desk):
    personal_data_access_record(
        front_desk, kind="reveal", visitor_id=5, case_number="SW-5", reason="call back"
    )
    personal_data_access_record(front_desk, kind="view", visitor_id=6, case_number="SW-6")
    client.force_login(auditor)
    response = client.get("/audit/access/?case=SW-5")
    assert [row.case_number for row in response.context["rows"]] == ["SW-5"]
    export = client.get("/audit/access/export.csv?kind=view")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "SW-6" in body and "SW-5" not in body


def test_verify_runs_as_a_task_and_shows_intact(
    client, auditor, django_capture_on_commit_callbacks
):
    _event()
    client.force_login(auditor)
    with django_capture_on_commit_callbacks():  # queued for a worker, not run in the request
        assert client.post("/audit/verify/").status_code == 302
    run = AuditVerification.objects.get()
    assert run.status == AuditVerification.Status.QUEUED
    assert "result-intact" not in client.get("/audit/verify/").content.decode()
    verify_chain(run.pk)  # what the worker does
    page = client.get("/audit/verify/").content.decode()
    assert "result-intact" in page
    assert AuditEvent.objects.filter(action="audit.verified", after__intact=True).exists()


def test_verify_shows_a_broken_chain(client, auditor):
    event = _event()
    _event()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.id])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    client.force_login(auditor)
    client.post("/audit/verify/")
    verify_chain(AuditVerification.objects.get().pk)
    page = client.get("/audit/verify/").content.decode()
    assert "result-broken" in page
    assert f"event #{event.id} rewritten" in page
