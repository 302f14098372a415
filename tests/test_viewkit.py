"""One answer to a refusal (firstask/viewkit.py): NotAllowed is the 403 page, StaleVersion the
409 page, any other domain error a message and back; htmx gets the same as headers it acts on."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.forms import Form

from cases.errors import NotAllowed, StaleVersion, WrongState
from firstask.viewkit import attempt

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/cases/"}


@pytest.fixture
def signed_in(client, front_desk, settings):
    settings.ROOT_URLCONF = "tests.viewkit_urls"
    client.force_login(front_desk)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_not_allowed_is_the_403_page_with_the_reason(signed_in):
    response = signed_in.post("/test-viewkit/not-allowed/")
    assert response.status_code == 403
    assert "Only the owner may do this." in response.content.decode()
    assert "403.html" in [t.name for t in response.templates]


def test_stale_version_is_the_409_page_with_a_link_back_to_reload(signed_in):
    response = signed_in.post("/test-viewkit/stale/")
    page = response.content.decode()
    assert response.status_code == 409
    assert str(StaleVersion.default_message) in page
    assert 'href="/cases/" id="stale-reload"' in page


def test_wrong_state_is_a_message_and_back_to_the_fallback(signed_in):
    response = signed_in.post("/test-viewkit/wrong-state/")
    assert (response.status_code, response.url) == (302, "/cases/")
    assert _messages(response) == ["This referral is closed."]


def test_a_validation_error_from_a_service_is_a_message_too(signed_in):
    response = signed_in.post("/test-viewkit/invalid/")
    assert (response.status_code, response.url) == (302, "/cases/")
    assert _messages(response) == ["The signature is empty."]


def test_back_is_the_forms_next_field_when_it_is_on_this_site(signed_in):
    response = signed_in.post("/test-viewkit/wrong-state/", {"next": "/cases/desk/?tab=2"})
    assert response.url == "/cases/desk/?tab=2"


def test_a_next_field_pointing_elsewhere_is_ignored(signed_in):
    response = signed_in.post("/test-viewkit/wrong-state/", {"next": "https://evil.example/"})
    assert response.url == "/cases/"


def test_without_a_fallback_back_is_the_referring_page(signed_in):
    response = signed_in.post(
        "/test-viewkit/wrong-state/?back=none", HTTP_REFERER="http://testserver/answers/"
    )
    assert response.url == "http://testserver/answers/"


def test_without_a_fallback_nor_a_referrer_back_is_the_start_page(signed_in):
    response = signed_in.post("/test-viewkit/wrong-state/?back=none")
    assert response.url == "/"


def test_htmx_not_allowed_is_a_403_that_reloads_the_page_with_the_message(signed_in):
    response = signed_in.post("/test-viewkit/not-allowed/", **HTMX)
    assert response.status_code == 403
    assert response["HX-Refresh"] == "true"
    trigger = json.loads(response["HX-Trigger"])
    assert trigger == {"domain-error": {"message": "Only the owner may do this.", "status": 403}}
    assert _messages(response) == ["Only the owner may do this."]


def test_htmx_stale_version_is_a_409_that_reloads_the_page(signed_in):
    response = signed_in.post("/test-viewkit/stale/", **HTMX)
    assert response.status_code == 409
    assert response["HX-Refresh"] == "true"
    assert json.loads(response["HX-Trigger"])["domain-error"]["status"] == 409


def test_htmx_wrong_state_reloads_the_page_with_the_message(signed_in):
    response = signed_in.post("/test-viewkit/wrong-state/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert json.loads(response["HX-Trigger"])["domain-error"]["message"] == (
        "This referral is closed."
    )
    assert _messages(response) == ["This referral is closed."]


def test_an_error_that_is_not_a_refusal_is_left_alone(signed_in):
    with pytest.raises(RuntimeError):
        signed_in.post("/test-viewkit/bug/")


def test_attempt_turns_a_correctable_refusal_into_a_form_error():
    form = Form({})
    form.is_valid()

    def refuse():
        raise WrongState("Name the attendees.")

    assert attempt(refuse, form=form) is False
    assert form.non_field_errors() == ["Name the attendees."]


@pytest.mark.parametrize("error", [NotAllowed, StaleVersion])
def test_attempt_leaves_403_and_409_to_the_middleware(error):
    form = Form({})
    form.is_valid()

    def refuse():
        raise error()

    with pytest.raises(error):
        attempt(refuse, form=form)
    assert form.non_field_errors() == []


def test_attempt_says_when_the_service_did_its_work():
    form = Form({})
    form.is_valid()
    assert attempt(lambda: None, form=form) is True
