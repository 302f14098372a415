import re

import pytest
from django.core.cache import cache

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


def test_repeated_failures_per_case_are_throttled(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 3
    case = make_case()
    for i in range(3):
        client.post(
            "/status/",
            {"number": case.number, "query_code": "AAAAAAA" + "BCD"[i]},
            REMOTE_ADDR=f"10.0.0.{i}",
        )
    response = client.post(
        "/status/", {"number": case.number, "query_code": case.query_code}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 429


def test_repeated_failures_per_ip_are_throttled(client, make_case, settings):
    settings.STATUS_MAX_FAILURES = 3
    case = make_case()
    for i in range(3):
        client.post("/status/", {"number": f"SW-20000101-000{i}", "query_code": "AAAAAAAA"})
    response = client.post("/status/", {"number": case.number, "query_code": case.query_code})
    assert response.status_code == 429


def test_qr_token_opens_the_status(client, make_case):
    case = make_case()
    response = client.get(f"/status/t/{case.status_token}/")
    assert 'id="status-result"' in response.content.decode()
    assert case.number in response.content.decode()


def test_bad_token_finds_nothing(client, make_case):
    make_case()
    response = client.get("/status/t/not-a-token/")
    assert 'id="status-not-found"' in response.content.decode()
