"""Hypothesis throws arbitrary JSON at the API's writes: every answer is a documented refusal
(or a created case), valid against the OpenAPI document, never a server error."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_matrix import intake

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=50),
    st.sampled_from(["", "\x00", "2030-01-01", "2030-13-45T99:99", "on_the_spot", "referral"]),
)
json_value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


FIELDS = [
    "visitor_name", "phone", "visitor_type", "channel", "category", "subject", "question",
    "outcome", "working_days", "deadline", "visit_time", "answer", "confirmation_note",
    "department", "pending_reason", "pending_note", "surprise",
]  # fmt: skip


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(FIELDS), json_value, max_size=4))
def test_any_case_body_is_answered_without_a_server_error(
    api, front_desk, category, work_calendar, conforms, changes
):
    client = api(front_desk, scopes=["cases:write"])
    body = {**intake(category), **changes}
    response = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code in (201, 400), response.content
    conforms(response, "/api/v1/cases/", "POST")


@FUZZ
@given(body=st.one_of(json_value, st.dictionaries(st.text(max_size=10), json_value, max_size=4)))
def test_any_result_body_is_answered_without_a_server_error(
    api, front_desk, make_case, conforms, body
):
    case = make_case()
    url = f"/api/v1/cases/{case.number}/result/"
    client = api(front_desk, scopes=["results:write"])
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code in (201, 400, 409), response.content
    conforms(response, url, "POST")
