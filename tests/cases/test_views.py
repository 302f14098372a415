import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case

pytestmark = pytest.mark.django_db


def intake_data(category, **overrides):
    data = {
        "visit_time": "2026-11-27T09:00",
        "visitor_name": "张三",
        "phone": "13812341234",
        "visitor_type": "student",
        "channel": "in_person",
        "category": category.pk,
        "subject": "调课咨询",
        "question": "能否调课？",
        "outcome": "self",
        "deadline_mode": "working_days",
        "working_days": "3",
        "pending_reason": "needs_checking",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("url", ["/", "/cases/", "/cases/new/"])
def test_login_required(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_intake_registers_and_redirects_to_the_case(client, front_desk, category):
    client.force_login(front_desk)
    response = client.post("/cases/new/", intake_data(category))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/"
    assert case.owner == front_desk


def test_intake_with_bad_input_shows_errors_and_saves_nothing(client, front_desk, category):
    client.force_login(front_desk)
    response = client.post(
        "/cases/new/",
        intake_data(category, phone="12", subject="", working_days="", visitor_name="x" * 41),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"phone", "subject", "working_days", "visitor_name"}
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_intake_with_unknown_category_is_a_form_error(client, front_desk, category):
    client.force_login(front_desk)
    data = intake_data(category)
    data["category"] = 999999
    response = client.post("/cases/new/", data)
    assert "category" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_intake_deadline_on_a_holiday_is_a_form_error(client, front_desk, category):
    client.force_login(front_desk)
    data = intake_data(category, deadline_mode="datetime", deadline_at="2027-01-02T10:00")
    response = client.post("/cases/new/", data)
    assert "deadline_at" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_auditor_cannot_open_intake(client, auditor):
    client.force_login(auditor)
    assert client.get("/cases/new/").status_code == 403


def test_invisible_case_is_404(client, make_case, colleague):
    case = make_case()
    client.force_login(colleague)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.get(f"/cases/{case.number}/receipt/").status_code == 404


def test_unknown_case_is_404(client, front_desk):
    client.force_login(front_desk)
    assert client.get("/cases/SW-20260101-9999/").status_code == 404


def test_case_page_masks_personal_data_for_auditor(client, make_case, auditor):
    case = make_case(phone="13812345678", visitor_name="张小明")
    client.force_login(auditor)
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body
    assert "张小明" not in body


def test_owner_sees_personal_data(client, make_case, front_desk):
    case = make_case(phone="13812345678", visitor_name="张小明")
    client.force_login(front_desk)
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert "13812345678" in body
    assert "张小明" in body


def test_receipt_has_number_code_and_qr(client, make_case, front_desk):
    case = make_case()
    client.force_login(front_desk)
    body = client.get(f"/cases/{case.number}/receipt/").content.decode()
    assert case.number in body
    assert case.query_code in body
    assert "<svg" in body
    assert front_desk.work_phone in body


def test_get_never_changes_state(client, make_case, front_desk):
    case = make_case()
    client.force_login(front_desk)
    assert client.get(f"/cases/{case.number}/extend/").status_code == 405


def test_csrf_is_enforced(make_case, front_desk):
    case = make_case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(front_desk)
    response = client.post(
        f"/cases/{case.number}/extend/",
        {
            "working_days": 9,
            "deadline_mode": "working_days",
            "reason": "r",
            "visitor_informed": "v",
            "version": case.version,
        },
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).extension_count == 0


def test_extend_through_the_page(client, make_case, front_desk):
    case = make_case()
    client.force_login(front_desk)
    response = client.post(
        f"/cases/{case.number}/extend/",
        {
            "deadline_mode": "working_days",
            "working_days": 9,
            "reason": "待核实",
            "visitor_informed": "电话",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).extension_count == 1


def test_stale_extend_is_the_someone_else_changed_this_page(client, make_case, front_desk):
    case = make_case()
    client.force_login(front_desk)
    response = client.post(
        f"/cases/{case.number}/extend/",
        {
            "deadline_mode": "working_days",
            "working_days": 9,
            "reason": "r",
            "visitor_informed": "电话",
            "version": case.version + 5,
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Reload" in page or "重新加载" in page
    assert f'href="/cases/{case.number}/" id="stale-reload"' in page
    assert Case.objects.get(pk=case.pk).extension_count == 0


def test_reassign_by_staff_is_refused(client, make_case, front_desk, colleague):
    case = make_case()
    client.force_login(front_desk)
    client.post(
        f"/cases/{case.number}/reassign/",
        {"new_owner": colleague.pk, "reason": "r", "version": case.version},
    )
    assert Case.objects.get(pk=case.pk).owner == front_desk


def test_case_list_filters(client, make_case, front_desk, department):
    open_case = make_case(subject="退费进度")
    referred = make_case(outcome="referral", department=department, subject="调课")
    client.force_login(front_desk)

    listed = client.get("/cases/", {"status": "referred"}).context["page"].object_list
    assert [c.number for c in listed] == [referred.number]
    listed = client.get("/cases/", {"q": "退费"}).context["page"].object_list
    assert [c.number for c in listed] == [open_case.number]
    listed = client.get("/cases/", {"department": department.pk}).context["page"].object_list
    assert [c.number for c in listed] == [referred.number]


def test_case_list_ignores_unknown_sort_and_page_size(client, make_case, front_desk):
    make_case()
    client.force_login(front_desk)
    response = client.get("/cases/", {"ordering": "visitor__phone", "per_page": "100000"})
    assert response.status_code == 200
    assert response.context["per_page"] == 25


def test_case_list_htmx_returns_only_results(client, make_case, front_desk):
    make_case()
    client.force_login(front_desk)
    response = client.get("/cases/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="results"' in body
    assert "<html" not in body


def test_visitor_lookup_shows_earlier_cases(client, make_case, front_desk):
    case = make_case(phone="13912345678")
    client.force_login(front_desk)
    body = client.post("/cases/visitor-lookup/", {"phone": "139 1234 5678"}).content.decode()
    assert case.number in body


def test_department_card(client, front_desk, department):
    client.force_login(front_desk)
    body = client.get("/cases/department-card/", {"department": department.pk}).content.decode()
    assert department.location in body
    assert department.contact_person in body
