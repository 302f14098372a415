"""PRV-1: masking in lists, full data on the case page for those working on it, reveal with a
reason, access-request export and correction by the center head; all logged and audited."""

import json

import pytest

from accounts.models import User
from audit.models import AuditEvent, PersonalDataAccess
from cases import privacy
from cases.errors import NotAllowed, WrongState
from cases.models import Visitor
from cases.personal import phone_key

pytestmark = pytest.mark.django_db

NAME, PHONE = "张三丰", "13812341234"


@pytest.fixture
def case(make_case):
    return make_case(visitor_name=NAME, phone=PHONE)


@pytest.fixture
def referred_case(make_case, department):
    return make_case(visitor_name=NAME, phone=PHONE, outcome="referral", department=department)


def _page(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


@pytest.mark.parametrize("url", ["/", "/cases/", "/cases/?q=张"])
def test_lists_mask_the_visitor_even_for_the_owner(client, case, front_desk, url):
    body = _page(client, front_desk, url)
    assert case.number in body
    assert NAME not in body
    assert PHONE not in body
    assert "张**" in body


def test_owner_sees_the_data_in_full_and_the_view_is_logged(client, case, front_desk):
    body = _page(client, front_desk, case.get_absolute_url())
    assert NAME in body and PHONE in body
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.kind, access.case_number) == (front_desk, "view", case.number)


def test_the_full_page_is_not_cached(client, case, front_desk):
    client.force_login(front_desk)
    assert "no-store" in client.get(case.get_absolute_url())["Cache-Control"]


def test_member_of_the_working_department_sees_in_full(client, referred_case, dept_member):
    body = _page(client, dept_member, referred_case.get_absolute_url())
    assert PHONE in body


def test_center_head_sees_in_full(client, case, center_head):
    assert PHONE in _page(client, center_head, case.get_absolute_url())


def test_auditor_sees_masked_and_nothing_is_logged(client, case, auditor):
    body = _page(client, auditor, case.get_absolute_url())
    assert PHONE not in body and NAME not in body
    assert "138****1234" in body
    assert 'id="reveal-form"' in body
    assert not PersonalDataAccess.objects.exists()


def test_auditor_reveals_with_a_reason(client, case, auditor):
    client.force_login(auditor)
    response = client.post(f"/cases/{case.number}/personal-data/", {"reason": "投诉核查"})
    body = response.content.decode()
    assert response.status_code == 200
    assert PHONE in body and NAME in body
    assert response["Cache-Control"] == "no-store"
    access = PersonalDataAccess.objects.get()
    assert (access.kind, access.reason, access.actor) == ("reveal", "投诉核查", auditor)
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor == auditor
    assert event.object_id == str(case.visitor_id)
    assert event.after is not None
    assert event.after["reason"] == "投诉核查"


def test_reveal_without_a_reason_is_refused(client, case, auditor):
    client.force_login(auditor)
    response = client.post(f"/cases/{case.number}/personal-data/", {"reason": "  "})
    assert response.status_code == 302
    assert not PersonalDataAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_reveal_by_a_department_head_is_refused(make_case, department_head, department):
    owner = User.objects.create(username="jw2", department=department)
    from django.contrib.auth.models import Group

    owner.groups.add(Group.objects.get_or_create(name="staff")[0])
    case = make_case(actor=owner)
    with pytest.raises(NotAllowed):
        privacy.personal_data_reveal(department_head, case=case, reason="curious")
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_reveal_is_a_404_for_who_cannot_see_the_case(client, case, colleague):
    client.force_login(colleague)
    response = client.post(f"/cases/{case.number}/personal-data/", {"reason": "x"})
    assert response.status_code == 404


def test_reveal_is_post_only(client, case, auditor):
    client.force_login(auditor)
    assert client.get(f"/cases/{case.number}/personal-data/").status_code == 405


def test_center_head_exports_the_visitors_data(client, case, make_case, center_head):
    second = make_case(visitor_name=NAME, phone=PHONE, subject="第二次来访")
    client.force_login(center_head)
    response = client.post(f"/cases/{case.number}/visitor/export/", {"reason": "本人书面申请"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["visitor"] == {"name": NAME, "phone": PHONE}
    assert [c["number"] for c in data["cases"]] == [case.number, second.number]
    assert data["cases"][0]["timeline"]
    event = AuditEvent.objects.get(action="pii.export")
    assert event.after is not None
    assert event.actor == center_head and event.after["reason"] == "本人书面申请"


def test_export_by_an_auditor_is_refused(client, case, auditor):
    client.force_login(auditor)
    response = client.post(f"/cases/{case.number}/visitor/export/", {"reason": "x"})
    assert response.status_code == 403  # NotAllowed is the 403 page in every app (viewkit)
    assert not AuditEvent.objects.filter(action="pii.export").exists()


def test_export_without_a_reason_is_refused(center_head, case):
    with pytest.raises(WrongState):
        privacy.visitor_export(center_head, case=case, reason="")


def test_center_head_corrects_the_visitor(client, case, center_head):
    client.force_login(center_head)
    response = client.post(
        f"/cases/{case.number}/visitor/correct/",
        {"name": "张三峰", "phone": "139 0000 1111", "reason": "访客来电更正"},
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get(pk=case.visitor_id)
    assert (visitor.name, visitor.phone) == ("张三峰", "13900001111")
    assert visitor.phone_hash == phone_key("13900001111")
    event = AuditEvent.objects.get(action="visitor.correct")
    assert event.before == {"name": "张**", "phone": "138****1234"}
    assert event.after == {
        "name": "张**",
        "phone": "139****1111",
        "reason": "访客来电更正",
        "cases_corrected": 1,
    }
    assert PersonalDataAccess.objects.filter(kind="correct").count() == 1


def test_correction_to_a_phone_shared_with_a_family_member_is_allowed(make_case, case, center_head):
    """VIS-1: a phone may belong to several people."""
    make_case(visitor_name="李四", phone="13900001111")
    privacy.visitor_correct(center_head, case=case, name=NAME, phone="13900001111", reason="typo")
    assert Visitor.objects.get(pk=case.visitor_id).phone == "13900001111"
    assert Visitor.objects.filter(phone="13900001111").count() == 2


def test_correction_into_another_persons_phone_and_name_is_refused(make_case, case, center_head):
    make_case(visitor_name="李四", phone="13900001111")
    with pytest.raises(WrongState):
        privacy.visitor_correct(
            center_head, case=case, name="李四", phone="13900001111", reason="typo"
        )
    assert Visitor.objects.get(pk=case.visitor_id).phone == PHONE


def test_correction_by_the_owner_is_refused(case, front_desk):
    with pytest.raises(NotAllowed):
        privacy.visitor_correct(front_desk, case=case, name="x", phone=PHONE, reason="typo")


def test_correction_without_a_reason_is_refused(case, center_head):
    with pytest.raises(WrongState):
        privacy.visitor_correct(center_head, case=case, name="x", phone=PHONE, reason=" ")


def test_visitor_carries_a_keyed_hash_of_the_phone(case, settings):
    visitor = Visitor.objects.get(pk=case.visitor_id)
    assert visitor.phone_hash == phone_key(PHONE)
    assert PHONE not in visitor.phone_hash
    settings.PII_HASH_KEY = "another key"
    assert phone_key(PHONE) != visitor.phone_hash


def test_no_raw_personal_data_ever_reaches_the_audit_trail(client, case, center_head, auditor):
    privacy.personal_data_reveal(auditor, case=case, reason="r")
    privacy.visitor_export(center_head, case=case, reason="r")
    privacy.visitor_correct(center_head, case=case, name="王五六", phone="13700001111", reason="r")
    dump = json.dumps(
        list(AuditEvent.objects.values("before", "after", "object_id")), ensure_ascii=False
    )
    for secret in (NAME, PHONE, "王五六", "13700001111"):
        assert secret not in dump


def test_visitor_and_case_are_not_in_the_admin():
    from django.contrib import admin

    from cases.models import Case

    assert Visitor not in admin.site._registry
    assert Case not in admin.site._registry
