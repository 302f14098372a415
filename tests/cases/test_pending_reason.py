"""§2.1.2 不能当场解答的，应说明原因: a case not answered on the spot needs the reason (a choice
and, for "other", the words told to the visitor); it is on the timeline and in the audit."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.models import AuditEvent
from cases import services
from cases.errors import WrongState
from tests.factories import case_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def register(actor, category, **overrides):
    return services.case_register(actor, **case_kwargs(category=category, **overrides))


def test_the_reason_is_kept_on_the_timeline_and_in_the_audit(front_desk, category):
    case = register(front_desk, category, pending_reason="documents", pending_note="需带学籍证明")
    event = case.events.get(kind="deadline_promised")
    assert (event.data["reason"], event.data["note"]) == ("documents", "需带学籍证明")
    audit = AuditEvent.objects.get(action="case.register", object_id=case.number)
    assert audit.after is not None
    assert audit.after["pending_reason"] == "documents"
    from cases.events import describe

    assert "not answered on the spot" in describe(event.kind, event.data)


def test_no_reason_is_refused(front_desk, category):
    with pytest.raises(WrongState, match="could not be answered on the spot"):
        register(front_desk, category, pending_reason="")


def test_an_unknown_reason_is_refused(front_desk, category):
    with pytest.raises(WrongState):
        register(front_desk, category, pending_reason="lazy")


def test_other_needs_the_words_told_to_the_visitor(front_desk, category):
    with pytest.raises(WrongState, match="other reason"):
        register(front_desk, category, pending_reason="other", pending_note=" ")


def test_answered_on_the_spot_needs_no_reason(front_desk, category):
    case = register(
        front_desk,
        category,
        outcome="on_the_spot",
        answer="当场解答",
        confirmation_note="当面确认",
        pending_reason="",
    )
    assert not case.events.filter(kind="deadline_promised").exists()


def test_intake_form_without_a_reason_is_a_field_error(client, front_desk, category):
    from tests.cases.test_views import intake_data

    client.force_login(front_desk)
    response = client.post("/cases/new/", intake_data(category, pending_reason=""))
    assert response.status_code == 200
    assert "pending_reason" in response.context["form"].errors
