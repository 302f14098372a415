import pytest

from cases.models import Case
from closure.models import ResultRound
from tests.closure.factories import close_case, record_result, signature_data_url

pytestmark = pytest.mark.django_db


def test_case_page_offers_the_result_form_to_the_owner(client, front_desk, open_case):
    client.force_login(front_desk)
    body = client.get(f"/cases/{open_case.number}/").content.decode()
    assert 'id="result-form"' in body


def test_case_page_hides_the_result_form_from_others(client, center_head, colleague, open_case):
    client.force_login(colleague)
    assert client.get(f"/cases/{open_case.number}/").status_code == 404


def test_owner_records_the_result(client, front_desk, open_case):
    client.force_login(front_desk)
    client.post(
        f"/cases/{open_case.number}/result/",
        {"result": "已调到周四", "how_given": "in_person", "version": open_case.version},
    )
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.AWAITING_CONFIRMATION


def test_result_form_errors_become_messages(client, front_desk, open_case):
    client.force_login(front_desk)
    response = client.post(f"/cases/{open_case.number}/result/", {"how_given": "x"}, follow=True)
    assert response.status_code == 200
    open_case.refresh_from_db()
    assert open_case.status == Case.Status.OPEN


def test_signing_flow_closes_the_case(client, front_desk, awaiting):
    client.force_login(front_desk)
    number = awaiting.case.number
    response = client.post(f"/cases/{number}/sign/start/")
    assert response.status_code == 302
    sign_url = response.url
    assert sign_url.startswith(f"/cases/{number}/sign/")
    page = client.get(sign_url).content.decode()
    assert 'id="signature-canvas"' in page and awaiting.result in page
    assert "navbar" not in page  # the visitor sees the kiosk screen only
    response = client.post(
        sign_url, {"rating": "5", "comment": "很好", "signature": signature_data_url()}
    )
    assert response.status_code == 302
    assert response.url == f"/cases/{number}/rounds/1/signed/"
    assert Case.objects.get(number=number).status == Case.Status.CLOSED
    assert client.get(sign_url).status_code == 410  # the token was used


def test_signing_screen_shows_a_refused_signature(client, front_desk, awaiting):
    client.force_login(front_desk)
    sign_url = client.post(f"/cases/{awaiting.case.number}/sign/start/").url
    response = client.post(
        sign_url, {"rating": "5", "signature": "data:image/svg+xml;base64,PHN2Zy8+"}
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.state == ResultRound.State.PENDING


def test_signing_screen_needs_a_valid_token(client, front_desk, awaiting):
    client.force_login(front_desk)
    assert client.get(f"/cases/{awaiting.case.number}/sign/not-a-token/").status_code == 410


def test_signature_image_is_served_to_those_who_see_the_case(
    client, front_desk, colleague, auditor, open_case
):
    close_case(open_case)
    url = f"/cases/{open_case.number}/rounds/1/signature.png"
    client.force_login(front_desk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    client.force_login(colleague)
    assert client.get(url).status_code == 404


def test_other_confirmation_and_approval_through_the_pages(
    client, front_desk, center_head, awaiting
):
    number = awaiting.case.number
    client.force_login(front_desk)
    client.post(
        f"/cases/{number}/confirm-other/",
        {"method": "email", "detail": "来访人回信确认", "rating": "4"},
    )
    client.force_login(center_head)
    body = client.get(f"/cases/{number}/").content.decode()
    assert 'id="decide-form"' in body
    client.post(f"/cases/{number}/rounds/1/decide/", {"decision": "approve", "reason": "已核实"})
    case = Case.objects.get(number=number)
    assert case.status == Case.Status.CLOSED and case.satisfaction == 4


def test_callback_through_the_page(client, front_desk, open_case, settings):
    close_case(open_case)
    client.force_login(front_desk)
    body = client.get(f"/cases/{open_case.number}/").content.decode()
    assert 'id="callback-form"' in body
    client.post(
        f"/cases/{open_case.number}/callback/", {"method": "phone", "note": "满意", "rating": "5"}
    )
    assert open_case.callbacks.count() == 1


def test_rounds_are_shown_on_the_case_page(client, front_desk, awaiting):
    from tests.closure.factories import sign

    sign(awaiting, rating=2, reasons="时间冲突")
    case = Case.objects.get(pk=awaiting.case_id)
    record_result(case, result="第二次答复")
    client.force_login(front_desk)
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="round-1"' in body and 'id="round-2"' in body
    assert "时间冲突" in body and "/rounds/1/signature.png" in body


def test_center_head_desk_lists_closures_waiting_for_approval(client, center_head, awaiting):
    from closure.services import confirmation_other_record

    confirmation_other_record(
        awaiting.case.owner, round_=awaiting, method="refused", detail="拒绝签字"
    )
    client.force_login(center_head)
    body = client.get("/").content.decode()
    assert 'id="desk-approvals"' in body and awaiting.case.number in body


def test_staff_desk_has_no_approval_list(client, front_desk, awaiting):
    client.force_login(front_desk)
    assert 'id="desk-approvals"' not in client.get("/").content.decode()


def test_case_page_reads_call_backs_only_once_the_case_has_one(client, make_case, center_head):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from closure import callbacks
    from tests.closure.factories import close_case

    case = make_case(phone="13900009931")
    close_case(case)
    case.refresh_from_db()
    client.force_login(center_head)

    def sql() -> str:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/cases/{case.number}/")
        return " ".join(query["sql"] for query in queries.captured_queries)

    assert "closure_callback" not in sql()
    callbacks.callback_log(center_head, case=case, method="phone", note="回访：已解决")
    assert "回访：已解决" in client.get(f"/cases/{case.number}/").content.decode()
    assert "closure_callback" in sql()


@pytest.mark.parametrize("size", [(20000, 20000), (60000, 60000)])
def test_a_bomb_posted_as_a_signature_gets_a_message(client, front_desk, awaiting, size):
    from tests.bombs import png_data_url

    client.force_login(front_desk)
    sign_url = client.post(f"/cases/{awaiting.case.number}/sign/start/").url
    response = client.post(sign_url, {"rating": "5", "signature": png_data_url(*size)})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.state == ResultRound.State.PENDING
