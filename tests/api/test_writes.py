"""Writes through the API: the intake and result services, their rules as field errors, and
the audit trail (the service's own event plus api.call in the same transaction)."""

from __future__ import annotations

import json

import pytest
from django.http import JsonResponse

from audit.models import AuditEvent
from cases.models import Case
from tests.api.test_matrix import intake

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


@pytest.fixture
def hotline(api, front_desk):
    return api(front_desk, scopes=["cases:write", "cases:read", "results:write"])


def test_a_hotline_call_registers_a_case_as_the_intake_page_does(
    hotline, category, front_desk, work_calendar, conforms
):
    response = hotline.post(URL, intake(category), format="json")
    assert response.status_code == 201
    conforms(response, URL, "POST")
    case = Case.objects.get(number=response.json()["number"])
    assert (case.owner, case.channel, case.status) == (front_desk, "phone", "open")
    assert case.visitor.phone == "13912345678"  # normalised as at the desk
    assert case.deadline is not None and case.events.filter(kind="registered").exists()


def test_an_api_write_is_audited_twice_in_one_request(hotline, category, front_desk):
    number = hotline.post(URL, intake(category), format="json").json()["number"]
    register = AuditEvent.objects.get(action="case.register", object_id=number)
    call = AuditEvent.objects.get(action="api.call", object_id=number)
    assert call.actor == register.actor == front_desk
    assert call.after is not None
    assert call.after["channel"] == "api" and call.after["action"] == "case.register"
    assert call.after["token"] == front_desk.api_tokens.get().prefix
    assert call.request_id and call.request_id == register.request_id


def test_a_referral_goes_to_the_named_department(hotline, category, department):
    body = intake(category, outcome="referral", department=department.code)
    response = hotline.post(URL, body, format="json")
    assert response.status_code == 201
    assert Case.objects.get(number=response.json()["number"]).status == "referred"


def test_an_answer_on_the_spot_confirmed_on_the_phone_closes_the_case(hotline, category):
    body = intake(
        category,
        outcome="on_the_spot",
        answer="已答复",
        confirmation_method="phone_call",
        rating=4,
        confirmation_note="来电者表示清楚",
    )
    del body["working_days"]
    response = hotline.post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "closed"
    assert Case.objects.get().satisfaction == 4


def test_an_answer_on_the_spot_confirmed_in_words_needs_the_rating(hotline, category):
    body = intake(
        category,
        outcome="on_the_spot",
        answer="已答复",
        confirmation_method="phone_call",
        confirmation_note="来电者表示清楚",
    )
    del body["working_days"]
    response = hotline.post(URL, body, format="json")
    assert response.status_code == 400
    assert "rating" in response.json()
    assert not Case.objects.exists()


def test_malformed_json_is_400(hotline, conforms):
    response = hotline.post(URL, data='{"visitor_name": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    conforms(response, URL, "POST")
    assert not Case.objects.exists()


def test_a_body_that_is_not_an_object_is_400(hotline):
    response = hotline.post(URL, data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_form_body_is_refused(hotline, category):
    response = hotline.post(URL, intake(category))  # multipart: JSON only
    assert response.status_code == 415


def test_an_unknown_field_is_400_naming_it(hotline, category, conforms):
    response = hotline.post(URL, {**intake(category), "deadlin": "2030-01-01"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"deadlin"}
    conforms(response, URL, "POST")
    assert not Case.objects.exists()


def test_missing_and_bad_fields_are_400_with_each_field(hotline, category, conforms):
    body = {**intake(category), "phone": "12345", "visitor_type": "alien"}
    del body["subject"]
    response = hotline.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"phone", "visitor_type", "subject"}
    conforms(response, URL, "POST")


def test_a_promise_is_required(hotline, category):
    body = intake(category)
    del body["working_days"]
    response = hotline.post(URL, body, format="json")
    assert response.status_code == 400
    assert "deadline" in response.json()


def test_a_referral_without_a_department_is_400(hotline, category):
    response = hotline.post(URL, intake(category, outcome="referral"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"department"}


def test_a_future_visit_time_is_400(hotline, category):
    body = intake(category, visit_time="2099-01-01T09:00:00+08:00")
    assert "visit_time" in hotline.post(URL, body, format="json").json()


def test_an_unknown_category_is_400(hotline, category):
    body = {**intake(category), "category": "NOPE"}
    assert set(hotline.post(URL, body, format="json").json()) == {"category"}


def test_recording_a_result_moves_the_case_to_awaiting_confirmation(hotline, make_case, conforms):
    case = make_case()
    url = f"/api/v1/cases/{case.number}/result/"
    response = hotline.post(url, {"result": "已安排补考", "how_given": "phone"}, format="json")
    assert response.status_code == 201
    conforms(response, url, "POST")
    assert response.json()["case_status"] == "awaiting_confirmation"
    assert AuditEvent.objects.filter(action="closure.result_record").exists()
    call = AuditEvent.objects.get(action="api.call")
    assert call.after is not None and call.after["action"] == "closure.result_record"


def test_a_stale_version_is_409(hotline, make_case, conforms):
    case = make_case()
    url = f"/api/v1/cases/{case.number}/result/"
    body = {"result": "已安排", "how_given": "phone", "version": case.version - 1}
    response = hotline.post(url, body, format="json")
    assert response.status_code == 409
    conforms(response, url, "POST")


def test_a_result_in_the_wrong_state_is_400_and_changes_nothing(hotline, make_case, conforms):
    case = make_case()
    url = f"/api/v1/cases/{case.number}/result/"
    hotline.post(url, {"result": "已安排", "how_given": "phone"}, format="json")
    events = AuditEvent.objects.count()
    response = hotline.post(url, {"result": "再来一次", "how_given": "phone"}, format="json")
    assert response.status_code == 400
    conforms(response, url, "POST")
    assert AuditEvent.objects.count() == events


def test_a_bad_how_given_is_a_field_error(hotline, make_case):
    case = make_case()
    url = f"/api/v1/cases/{case.number}/result/"
    response = hotline.post(url, {"result": "x", "how_given": "pigeon"}, format="json")
    assert set(response.json()) == {"how_given"}


def test_the_schema_check_catches_an_undocumented_answer(conforms):
    wrong = JsonResponse({"number": 5})
    wrong.status_code = 201
    with pytest.raises(AssertionError):
        conforms(wrong, URL, "POST")
    assert json.loads(wrong.content) == {"number": 5}


def test_a_token_write_needs_no_csrf_token(token_for, front_desk, category):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(front_desk, ['cases:write'])}")
    assert client.post(URL, intake(category), format="json").status_code == 201
