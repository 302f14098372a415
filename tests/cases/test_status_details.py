"""The public status page (issue 17 item 3): the query code as the receipt prints it, the result
and closing date of a closed case, the department now handling it, the complaint channel."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases import throttle
from cases.forms import StatusLookupForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


def _grouped(code: str, separator: str) -> str:
    return code[:4] + separator + code[4:]


@pytest.mark.parametrize("separator", [" ", "-", "  ", "\N{FULLWIDTH HYPHEN-MINUS}"])
def test_a_code_typed_as_the_receipt_prints_it_matches(client, make_case, separator):
    case = make_case()
    typed = _grouped(case.query_code, separator).lower()
    response = client.post("/status/", {"number": f" {case.number.lower()} ", "query_code": typed})
    assert 'id="status-result"' in response.content.decode()


def test_a_normalised_match_is_no_failed_attempt(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 1
    case = make_case()
    client.post("/status/", {"number": case.number, "query_code": _grouped(case.query_code, " ")})
    assert not throttle.is_blocked(ip="127.0.0.1", number=case.number)
    again = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    assert again.status_code == 200


def test_a_wrong_code_with_spaces_still_counts_as_a_failure(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 1
    case = make_case()
    client.post("/status/", {"number": case.number, "query_code": "AAAA AAAA"})
    assert throttle.is_blocked(ip="127.0.0.1", number=case.number)


def test_the_form_keeps_letters_only():
    form = StatusLookupForm({"number": "sw-20261206-0001", "query_code": " hdwb-xsyd "})
    assert form.is_valid()
    assert form.cleaned_data == {"number": "SW-20261206-0001", "query_code": "HDWBXSYD"}


def test_a_closed_case_shows_its_result_and_closing_date(client, make_case):
    case = make_case(outcome="on_the_spot", answer="周四第三节有课。", confirmation_note="当面确认")
    response = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    body = response.content.decode()
    assert "周四第三节有课。" in body
    closed = timezone.localtime(case.closed_at).strftime("%Y-%m-%d")
    assert f'id="status-closed">{closed}</dd>' in body


def test_an_open_case_shows_no_result(client, make_case):
    case = make_case()
    body = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()
    assert 'id="status-closed"' not in body and 'id="status-result-summary"' not in body


def test_a_referred_case_names_the_department_handling_it(client, make_case, department):
    case = make_case(outcome="referral", department=department)
    body = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()
    assert 'id="status-handling"' in body
    handling = body[body.index('id="status-handling"') :]
    assert handling[: handling.index("</dd>")].endswith("教务处")


def test_a_case_nobody_else_works_on_names_no_other_department(client, make_case):
    case = make_case()
    body = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()
    assert 'id="status-handling"' not in body


def test_the_status_page_gives_the_complaint_channel(client, settings):
    settings.SUPERVISION_HOTLINE = "010-12345678"
    settings.SUPERVISION_MAILBOX = "jiandu@example.test"
    body = client.get("/status/").content.decode()
    assert 'id="supervision-hotline">010-12345678' in body
    assert 'id="supervision-mailbox">jiandu@example.test' in body
    assert 'id="status-complaint-link"' in body and 'href="/supervision/complaint/' in body
