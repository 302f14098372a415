import re

import pytest
from django.core.cache import cache

from cases import throttle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


def test_status_page_is_public_and_not_cached(client):
    response = client.get("/status/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_status_shows_state_without_personal_data(client, make_case):
    case = make_case(phone="13812345678", visitor_name="张小明")
    response = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    body = response.content.decode()
    assert 'id="status-result"' in body
    assert case.get_status_display() in body or "status-value" in body
    assert "张小明" not in body and "张*" not in body
    assert "5678" not in body
    assert case.owner.name not in body
    assert "no-store" in response["Cache-Control"]


def test_wrong_code_and_unknown_number_answer_alike(client, make_case):
    case = make_case()
    wrong = client.post("/status/", {"number": case.number, "query_code": "AAAAAAAA"})
    unknown = client.post("/status/", {"number": "SW-20000101-0001", "query_code": "AAAAAAAA"})
    assert wrong.status_code == unknown.status_code == 200
    assert 'id="status-not-found"' in wrong.content.decode()
    assert main_text(wrong, case.number) == main_text(unknown, "SW-20000101-0001")


def main_text(response, number):
    """The page's <main>, without the per-request CSRF token and the typed number."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r'value="[^"]*"', "", main.replace(number, ""))


def _guess(client, case, ip, attempts):
    for i in range(attempts):
        client.post(
            "/status/", {"number": case.number, "query_code": f"AAAAAAA{i}"}, REMOTE_ADDR=ip
        )


def test_repeated_failures_lock_the_number_for_that_address(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 3
    case = make_case()
    _guess(client, case, "10.0.0.1", 3)
    response = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429


def test_failures_from_one_address_do_not_lock_the_visitor_out_elsewhere(
    client, make_case, settings
):
    settings.STATUS_MAX_FAILURES = 5
    case = make_case()
    _guess(client, case, "10.0.0.1", 5)
    response = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 200
    assert 'id="status-result"' in response.content.decode()


def test_an_address_guessing_across_numbers_is_locked(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 3
    case = make_case()
    for i in range(3 * throttle.IP_FACTOR):
        client.post("/status/", {"number": f"SW-20000101-{i:04d}", "query_code": "AAAAAAAA"})
    response = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    assert response.status_code == 429


def test_the_429_page_says_when_to_retry_and_whom_to_call(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 1
    settings.STATUS_FAILURE_WINDOW_SECONDS = 900
    settings.SUPERVISION_HOTLINE = "010-88886666"
    case = make_case()
    _guess(client, case, "127.0.0.1", 1)
    response = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    body = response.content.decode()
    assert response.status_code == 429
    assert 'id="status-throttled"' in body
    assert "010-88886666" in body
    assert "15" in body  # minutes
    assert 840 <= int(response["Retry-After"]) <= 900


def test_the_qr_link_is_never_locked(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 1
    case = make_case()
    for i in range(10):
        client.get(f"/status/t/{'x' * 20}{i}/")
    _guess(client, case, "127.0.0.1", 10)
    response = client.get(f"/status/t/{case.status_token}/")
    assert response.status_code == 200
    assert 'id="status-result"' in response.content.decode()


def test_wrong_tokens_are_locked_per_address(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 1
    for i in range(throttle.IP_FACTOR):
        client.get(f"/status/t/{'x' * 20}{i}/")
    assert client.get(f"/status/t/{'y' * 22}/").status_code == 429


def test_qr_token_opens_the_status(client, make_case):
    case = make_case()
    response = client.get(f"/status/t/{case.status_token}/")
    assert 'id="status-result"' in response.content.decode()
    assert case.number in response.content.decode()


def test_bad_token_finds_nothing(client, make_case):
    make_case()
    response = client.get("/status/t/not-a-token/")
    assert 'id="status-not-found"' in response.content.decode()
