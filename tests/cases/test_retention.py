"""Retention: archived cases past the period lose the visitor's name and phone (and whatever
higher apps registered), keep their statistics, and the audit chain still verifies."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import audit_chain_breaks
from cases import extensions, retention
from cases.models import Case, CaseErasure, Visitor

pytestmark = pytest.mark.django_db

PHONE = "13812341234"


def _archive(case: Case, *, days_ago: int) -> Case:
    """File the case through the archive service as it was ``days_ago`` days ago (the archive
    trigger forbids backdating an archived row afterwards)."""
    from archive.services import case_archive

    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        case_archive(None, case=case)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def closed_case(make_case):
    def make(**kwargs):
        kwargs.setdefault("phone", PHONE)
        return make_case(
            outcome="on_the_spot", answer="已答复", confirmation_note="口头确认", **kwargs
        )

    return make


@pytest.fixture
def hook_calls():
    calls: list[str] = []

    def erase_signatures(case: Case) -> None:
        calls.append(case.number)

    extensions.register(extensions.ErasureStep(name="test.signatures", run=erase_signatures))
    yield calls
    extensions.unregister(extensions.ErasureStep, "test.signatures")


def test_sweep_erases_the_visitor_of_an_old_archived_case(closed_case, hook_calls, settings):
    case = _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)
    stats_before = Case.objects.filter(pk=case.pk).values(
        "category", "owner", "status", "visit_time", "closed_at", "satisfaction", "outcome"
    )[0]

    assert retention.retention_sweep() == 1

    visitor = Visitor.objects.get(pk=case.visitor_id)
    assert (visitor.name, visitor.phone, visitor.phone_hash) == ("", None, "")
    assert visitor.erased_at is not None
    assert hook_calls == [case.number]
    assert CaseErasure.objects.filter(case=case).exists()
    assert (
        Case.objects.filter(pk=case.pk).values(
            "category", "owner", "status", "visit_time", "closed_at", "satisfaction", "outcome"
        )[0]
        == stats_before
    )
    assert AuditEvent.objects.filter(action="case.retention_erase", object_id=case.number).exists()
    erased = AuditEvent.objects.get(action="visitor.retention_erase")
    assert erased.before == {"name": "张*", "phone": "138****1234"}
    assert list(audit_chain_breaks()) == []


def test_sweep_is_idempotent(closed_case, hook_calls, settings):
    _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)
    retention.retention_sweep()
    events = AuditEvent.objects.count()
    assert retention.retention_sweep() == 0
    assert AuditEvent.objects.count() == events
    assert len(hook_calls) == 1


def test_recent_archives_are_kept(closed_case, settings):
    case = _archive(closed_case(), days_ago=settings.RETENTION_DAYS - 1)
    assert retention.retention_sweep() == 0
    assert Visitor.objects.get(pk=case.visitor_id).phone == PHONE


def test_open_cases_are_never_touched(make_case):
    case = make_case(phone=PHONE)
    Case.objects.filter(pk=case.pk).update(archived_at=timezone.now() - dt.timedelta(days=5000))
    assert retention.retention_sweep() == 0
    assert Visitor.objects.get(pk=case.visitor_id).phone == PHONE


def test_the_period_is_configurable(closed_case, settings):
    settings.RETENTION_DAYS = 30
    case = _archive(closed_case(), days_ago=31)
    assert retention.retention_sweep() == 1
    assert Visitor.objects.get(pk=case.visitor_id).erased_at is not None


def test_a_visitor_with_a_newer_case_keeps_their_data(closed_case, make_case, hook_calls, settings):
    old = _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)
    make_case(phone=PHONE)  # came back: same visitor, case still open
    assert retention.retention_sweep() == 1
    assert hook_calls == [old.number]
    assert Visitor.objects.get(pk=old.visitor_id).phone == PHONE


def test_a_hook_failure_rolls_the_erasure_back(closed_case, settings):
    case = _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)

    def broken(case):
        raise RuntimeError("storage down")

    extensions.register(extensions.ErasureStep(name="test.broken", run=broken))
    try:
        with pytest.raises(RuntimeError):
            retention.retention_sweep()
    finally:
        extensions.unregister(extensions.ErasureStep, "test.broken")
    assert not CaseErasure.objects.exists()
    assert Visitor.objects.get(pk=case.visitor_id).phone == PHONE


def test_the_case_page_says_the_data_was_erased(client, closed_case, center_head, settings):
    case = _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)
    retention.retention_sweep()
    client.force_login(center_head)
    body = client.get(case.get_absolute_url()).content.decode()
    assert 'id="visitor-data"' not in body
    assert PHONE not in body


def test_the_task_and_the_command_run_the_sweep(closed_case, settings, capsys):
    _archive(closed_case(), days_ago=settings.RETENTION_DAYS + 1)
    assert retention.retention_sweep_task() == 1
    call_command("retention_sweep")
    assert "erased from 0 archived cases" in capsys.readouterr().out


def test_the_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cases.retention.retention_sweep_task" in tasks
    assert "cases.retention" in settings.CELERY_IMPORTS
