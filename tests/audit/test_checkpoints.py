"""Signed checkpoints anchor the chain's head: cutting the tail, removing a row or rewriting one
as the table's owner (triggers bypassed) is named by audit_verify, row by row."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.checkpoints import checkpoint_parse, checkpoint_signature_valid
from audit.models import AuditCheckpoint, AuditEvent
from audit.selectors import checkpoint_for_day
from audit.services import AuditChainBroken, audit_checkpoint_write, audit_record
from audit.tasks import write_checkpoint

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[int]:
    with transaction.atomic():
        return [
            audit_record(actor=None, action="test.action", object_type="t", object_id=i).id
            for i in range(n)
        ]


def _checkpoint(capture) -> AuditCheckpoint:
    with capture(execute=True):
        row = audit_checkpoint_write()
    assert row is not None
    return row


def _as_owner(sql: str, params: list) -> None:
    """What a superuser can do to the table: bypass the append-only trigger for one statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _verify(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", *args)
    return str(failure.value)


def _verify_report(capsys, *args: str) -> str:
    with pytest.raises(CommandError):
        call_command("audit_verify", *args)
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_a_checkpoint_signs_the_head_and_is_mailed_to_the_auditors(
    auditor, django_capture_on_commit_callbacks, mailoutbox
):
    ids = _append(3)
    row = _checkpoint(django_capture_on_commit_callbacks)
    assert (row.last_event_id, row.event_count) == (ids[-1], 3)
    assert row.head_hash == AuditEvent.objects.get(id=ids[-1]).hash
    [mail] = mailoutbox
    assert mail.to == [auditor.email]
    assert row.as_checkpoint().token in mail.body
    assert checkpoint_signature_valid(checkpoint_parse(row.as_checkpoint().token))


def test_no_checkpoint_when_nothing_was_appended(django_capture_on_commit_callbacks):
    _append(2)
    _checkpoint(django_capture_on_commit_callbacks)
    assert audit_checkpoint_write() is None
    assert AuditCheckpoint.objects.count() == 1


def test_the_beat_runs_the_checkpoint_task_on_its_setting(settings):
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"] == {
        "task": "audit.write_checkpoint",
        "schedule": settings.AUDIT_CHECKPOINT_SECONDS,
    }
    assert settings.AUDIT_CHECKPOINT_SECONDS == 3600


def test_the_task_writes_a_checkpoint():
    _append(1)
    pk = write_checkpoint()
    assert AuditCheckpoint.objects.get(pk=pk).event_count == 1


def test_the_token_is_signed_with_a_key_outside_the_database(settings):
    _append(1)
    settings.AUDIT_CHECKPOINT_KEY = "kept-in-the-vault"
    written = audit_checkpoint_write()
    assert written is not None
    token = written.as_checkpoint().token
    settings.AUDIT_CHECKPOINT_KEY = "another-key"
    assert not checkpoint_signature_valid(checkpoint_parse(token))
    assert "signature does not verify" in _verify("--checkpoint", token)


def test_a_pasted_token_with_a_changed_count_does_not_verify(django_capture_on_commit_callbacks):
    _append(2)
    token = _checkpoint(django_capture_on_commit_callbacks).as_checkpoint().token
    parts = token.split(":")
    parts[3] = "1"
    assert "signature does not verify" in _verify("--checkpoint", ":".join(parts))


def test_garbage_instead_of_a_token_is_a_clear_error():
    assert "not a checkpoint token" in _verify("--checkpoint", "fa-ckpt:v1:abc")


def test_checkpoints_are_append_only(django_capture_on_commit_callbacks):
    _append(1)
    _checkpoint(django_capture_on_commit_callbacks)
    for sql in (
        "UPDATE audit_auditcheckpoint SET event_count = 0",
        "DELETE FROM audit_auditcheckpoint",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditCheckpoint.objects.get().event_count == 1


def test_the_days_checkpoint_for_the_archive_pdf(django_capture_on_commit_callbacks):
    _append(1)
    row = _checkpoint(django_capture_on_commit_callbacks)
    today = timezone.localdate(row.created_at)
    assert checkpoint_for_day(today) == row.as_checkpoint().token
    assert checkpoint_for_day(today - dt.timedelta(days=1)) is None


def test_verify_passes_and_names_the_newest_checkpoint(capsys, django_capture_on_commit_callbacks):
    ids = _append(3)
    _checkpoint(django_capture_on_commit_callbacks)
    _append(2)  # appended after the checkpoint: verified by the chain alone
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "audit chain intact: 5 events verified" in out
    assert f"3 events up to #{ids[-1]}" in out


def test_verify_names_a_truncated_tail(django_capture_on_commit_callbacks):
    ids = _append(5)
    _checkpoint(django_capture_on_commit_callbacks)
    _as_owner("DELETE FROM audit_auditevent WHERE id >= %s", [ids[3]])
    message = _verify()
    assert f"events after #{ids[2]} missing: checkpoint says 5 events up to #{ids[4]}" in message


def test_verify_names_a_tail_cut_and_then_appended_to(django_capture_on_commit_callbacks):
    ids = _append(5)
    _checkpoint(django_capture_on_commit_callbacks)
    _as_owner("DELETE FROM audit_auditevent WHERE id >= %s", [ids[3]])
    _append(3)  # the application goes on from the new head: the chain itself links up
    message = _verify()
    assert f"events after #{ids[2]} missing: checkpoint says 5 events up to #{ids[4]}" in message


def test_verify_names_a_removed_row_by_its_own_id(django_capture_on_commit_callbacks):
    ids = _append(5)
    _checkpoint(django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [ids[2]])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
    message = _verify()
    assert f"event #{ids[2]} removed: #{ids[3]} links to a row that is no longer there" in message


def test_verify_names_several_removed_rows(capsys):
    ids = _append(6)
    _as_owner("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [ids[2], ids[3]])
    report = _verify_report(capsys)
    assert f"events #{ids[2]}–#{ids[3]} removed" in report


def test_verify_names_a_rewritten_row(capsys):
    ids = _append(4)
    _as_owner("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [ids[1]])
    report = _verify_report(capsys)
    assert f"event #{ids[1]} rewritten: content does not match its hash" in report
    assert f"#{ids[2]}" not in report  # the neighbour is not blamed


def test_verify_names_a_rewritten_row_whose_hash_was_recomputed(capsys):
    ids = _append(4)
    forged = AuditEvent.objects.get(id=ids[1])
    forged.action = "forged"
    from audit import chain

    new_hash = chain.event_hash(prev_hash=forged.prev_hash, fields=chain.hashed_fields(forged))
    _as_owner(
        "UPDATE audit_auditevent SET action = 'forged', hash = %s WHERE id = %s",
        [new_hash, ids[1]],
    )
    report = _verify_report(capsys)
    assert f"event #{ids[1]} rewritten: its hash was recomputed" in report
    assert "removed" not in report


def test_verify_catches_a_rewrite_with_every_later_hash_recomputed(
    capsys, django_capture_on_commit_callbacks
):
    from audit import chain

    ids = _append(4)
    first = _checkpoint(django_capture_on_commit_callbacks)
    ids += _append(3)
    _checkpoint(django_capture_on_commit_callbacks)
    # Rewrite the 6th event and re-chain everything after it: the chain alone looks whole.
    prev = AuditEvent.objects.get(id=ids[4]).hash
    for event in AuditEvent.objects.filter(id__gte=ids[5]).order_by("id"):
        if event.id == ids[5]:
            event.action = "forged"
        event.prev_hash = prev
        event.hash = chain.event_hash(prev_hash=prev, fields=chain.hashed_fields(event))
        _as_owner(
            "UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.action, event.prev_hash, event.hash, event.id],
        )
        prev = event.hash
    report = _verify_report(capsys)
    assert f"event #{ids[6]} does not match the checkpoint" in report
    assert f"after #{first.last_event_id}" in report  # the older checkpoint still holds


def test_an_old_checkpoint_still_verifies_the_older_part(
    capsys, django_capture_on_commit_callbacks
):
    ids = _append(3)
    old = _checkpoint(django_capture_on_commit_callbacks).as_checkpoint().token
    ids += _append(3)
    _checkpoint(django_capture_on_commit_callbacks)
    _as_owner("DELETE FROM audit_auditevent WHERE id >= %s", [ids[4]])

    # The pasted old checkpoint: the part up to it is whole.
    call_command("audit_verify", "--checkpoint", old)
    out = capsys.readouterr().out
    assert f"3 events up to #{ids[2]}): verified, every event up to it intact" in out
    # The stored newer checkpoint sees the cut tail.
    report = _verify_report(capsys)
    assert f"events after #{ids[3]} missing: checkpoint says 6 events up to #{ids[5]}" in report
    assert f"3 events up to #{ids[2]}): verified" in report


def test_a_forged_stored_checkpoint_is_reported(django_capture_on_commit_callbacks):
    _append(2)
    row = _checkpoint(django_capture_on_commit_callbacks)
    _as_owner("UPDATE audit_auditcheckpoint SET event_count = 1 WHERE id = %s", [row.pk])
    assert f"stored checkpoint {row.pk}: signature does not verify" in _verify()


def test_the_writer_refuses_to_sign_a_tampered_chain_and_alerts(
    auditor, django_capture_on_commit_callbacks, mailoutbox
):
    ids = _append(4)
    _checkpoint(django_capture_on_commit_callbacks)
    mailoutbox.clear()
    _as_owner("DELETE FROM audit_auditevent WHERE id = %s", [ids[3]])
    _append(1)
    with pytest.raises(AuditChainBroken):
        audit_checkpoint_write()
    assert AuditCheckpoint.objects.count() == 1
    [alert] = mailoutbox
    assert f"#{ids[3]}" in alert.body
