import pytest

from audit.models import AuditEvent
from cases.errors import ArchivedCase, NotAllowed, WrongState
from closure.callbacks import callback_log
from closure.models import Callback
from tests.closure.factories import close_case

pytestmark = pytest.mark.django_db


def test_owner_logs_a_callback_on_a_closed_case(open_case, front_desk):
    close_case(open_case)
    callback = callback_log(
        front_desk, case=open_case, method="phone", note="回访：学员表示满意", rating=5
    )
    assert Callback.objects.get() == callback
    assert open_case.events.filter(kind="callback_logged").count() == 1
    audit = AuditEvent.objects.get(action="closure.callback")
    assert audit.after is not None
    assert audit.actor == front_desk and audit.after["rating"] == 5


def test_callback_refused_on_an_open_case(open_case, front_desk):
    with pytest.raises(WrongState):
        callback_log(front_desk, case=open_case, method="phone", note="回访")


def test_callback_refused_to_an_unrelated_colleague(open_case, colleague):
    close_case(open_case)
    with pytest.raises(NotAllowed):
        callback_log(colleague, case=open_case, method="phone", note="回访")


def test_callback_needs_a_note(open_case, front_desk):
    close_case(open_case)
    with pytest.raises(WrongState):
        callback_log(front_desk, case=open_case, method="phone", note=" ")


def test_callback_refused_on_an_archived_case(open_case, front_desk):
    from archive.services import case_archive

    close_case(open_case)
    case_archive(front_desk, case=open_case)
    with pytest.raises(ArchivedCase):
        callback_log(front_desk, case=open_case, method="phone", note="回访")
