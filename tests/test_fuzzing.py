"""Hypothesis throws arbitrary input at the intake, status, filter and case-action forms: every
answer is a page or a refusal, never a server error."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

anything = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789-+ ()", max_size=30),
    st.sampled_from(["", " ", "\x00", "0", "-1", "1e9", "null", "<script>", "' OR 1=1 --"]),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)


def _choice(values: list[str]):
    return st.one_of(st.sampled_from(values), anything)


def intake_data(category_pk: int):
    return st.fixed_dictionaries(
        {
            "visit_time": st.one_of(
                st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), anything
            ),
            "visitor_name": anything,
            "phone": st.one_of(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), anything),
            "visitor_type": _choice(["student", "parent", "partner", "other"]),
            "channel": _choice(["in_person", "phone", "email", "online"]),
            "category": _choice([str(category_pk)]),
            "subject": anything,
            "question": anything,
            "outcome": _choice(["on_the_spot", "self", "referral", "handoff"]),
            "answer": anything,
            "confirmation_note": anything,
            "department": anything,
            "deadline_mode": _choice(["working_days", "datetime"]),
            "working_days": anything,
            "deadline_at": anything,
            "pending_reason": _choice(["needs_checking", "other", "documents"]),
            "pending_note": anything,
        }
    )


@FUZZ
@given(data=st.data())
def test_intake_never_fails(client, front_desk, category, work_calendar, data):
    client.force_login(front_desk)
    response = client.post("/cases/new/", data.draw(intake_data(category.pk)))
    assert response.status_code in (200, 302)


@FUZZ
@given(number=anything, query_code=anything)
def test_status_lookup_never_fails(client, number, query_code):
    cache.clear()
    response = client.post("/status/", {"number": number, "query_code": query_code})
    assert response.status_code in (200, 429)


@FUZZ
@given(
    token=st.text(
        # Surrogates cannot be sent in a URL at all; everything else, NUL included, can.
        alphabet=st.characters(exclude_characters="/?#%", exclude_categories=["Cs"]),
        min_size=1,
        max_size=80,
    )
)
def test_status_token_never_fails(client, token):
    cache.clear()
    response = client.get(f"/status/t/{token}/")
    assert response.status_code in (200, 404, 429)


FILTER_KEYS = [
    "q",
    "status",
    "category",
    "department",
    "owner",
    "created_from",
    "created_to",
    "overdue",
    "ordering",
    "page",
    "per_page",
]


@FUZZ
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(FILTER_KEYS), st.text(min_size=1, max_size=20)),
        anything,
        max_size=6,
    ),
    htmx=st.booleans(),
)
def test_case_list_filters_never_fail(client, center_head, make_case, params, htmx):
    client.force_login(center_head)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert client.get("/cases/", params, **headers).status_code == 200


@FUZZ
@given(
    action=st.sampled_from(
        ["extend", "reassign", "personal-data", "visitor/export", "visitor/correct"]
    ),
    data=st.dictionaries(
        st.sampled_from(
            [
                "deadline_mode",
                "working_days",
                "deadline_at",
                "reason",
                "visitor_informed",
                "version",
                "new_owner",
                "name",
                "phone",
            ]
        ),
        anything,
    ),
)
def test_case_actions_never_fail(client, center_head, make_case, work_calendar, action, data):
    case = make_case()
    client.force_login(center_head)
    response = client.post(f"/cases/{case.number}/{action}/", data)
    assert response.status_code in (200, 302)


@FUZZ
@given(phone=anything)
def test_visitor_lookup_never_fails(client, front_desk, phone):
    client.force_login(front_desk)
    assert client.post("/cases/visitor-lookup/", {"phone": phone}).status_code in (200, 429)


@FUZZ
@given(
    number=st.text(
        alphabet=st.characters(exclude_characters="/?#%", exclude_categories=["Cs"]),
        min_size=1,
        max_size=40,
    ),
    suffix=st.sampled_from(["", "receipt/"]),
)
def test_case_urls_never_fail(client, front_desk, number, suffix):
    client.force_login(front_desk)
    assert client.get(f"/cases/{number}/{suffix}").status_code in (200, 404)


@settings(FUZZ, max_examples=15)  # each failed sign-in hashes a password: slow on purpose
@given(username=anything, password=anything, next_url=anything)
def test_sign_in_never_fails(client, username, password, next_url):
    response = client.post(
        "/accounts/login/", {"username": username, "password": password, "next": next_url}
    )
    assert response.status_code in (200, 302, 429)
