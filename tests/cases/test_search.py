"""VIS-2: one search box finds a case by full phone, its last four digits, any part of the case
or archive number, the visitor's name as given, or subject words; a phone number never goes
into a URL (the form posts; the URL carries a session token)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.listing import CappedPaginator

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def expired_message() -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext("That search has expired; type it again.")


def found(client, q, **params):
    response = client.get("/cases/", {"q": q, **params})
    assert response.status_code == 200
    return {case.number for case in response.context["page"].object_list}


@pytest.fixture
def family(make_case):
    """Three people on one phone, and a stranger whose number ends alike."""
    return {
        "student": make_case(visitor_name="王小明", phone=PHONE, subject="调课"),
        "father": make_case(visitor_name="王建国", phone=PHONE, subject="退费"),
        "mother": make_case(visitor_name="李娟", phone=PHONE, subject="证书"),
        "stranger": make_case(visitor_name="赵六", phone="13800005678", subject="住宿"),
        "other": make_case(visitor_name="钱七", phone="13800001111", subject="空调"),
    }


def test_posted_full_phone_redirects_to_a_token_and_finds_everyone_on_it(
    client, center_head, family
):
    client.force_login(center_head)
    response = client.post("/cases/", {"q": "139-1234-5678", "per_page": "25"})
    assert response.status_code == 302
    location = response["Location"]
    assert "qs=" in location and "5678" not in location and "q=" not in location
    page = client.get(location)
    listed = {case.number for case in page.context["page"].object_list}
    assert listed == {family[k].number for k in ("student", "father", "mother")}


def test_a_phone_typed_into_the_address_bar_is_moved_into_a_token(client, center_head, family):
    client.force_login(center_head)
    response = client.get("/cases/", {"q": PHONE, "status": "open"})
    assert response.status_code == 302
    assert PHONE not in response["Location"] and "status=open" in response["Location"]


def test_htmx_search_pushes_the_token_url_not_the_phone(client, center_head, family):
    client.force_login(center_head)
    response = client.post("/cases/", {"q": PHONE}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "qs=" in response["HX-Push-Url"] and PHONE not in response["HX-Push-Url"]
    assert family["mother"].number in response.content.decode()


def test_a_token_of_another_session_or_expired_finds_nothing(client, center_head, family):
    client.force_login(center_head)
    response = client.get("/cases/", {"qs": "not-a-token"})
    assert response.status_code == 200
    assert expired_message() in response.content.decode()


def test_paging_links_carry_the_token_not_the_phone(client, center_head, family):
    client.force_login(center_head)
    location = client.post("/cases/", {"q": PHONE, "per_page": "25"})["Location"]
    query = client.get(location).context["query"]
    assert "qs=" in query and "per_page=25" in query and PHONE not in query


def test_last_four_digits_find_the_phones_ending_so(client, center_head, family):
    client.force_login(center_head)
    listed = found(client, "5678")
    assert {family[k].number for k in ("student", "father", "mother", "stranger")} <= listed
    assert family["other"].number not in listed


def test_any_part_of_a_case_number(client, center_head, family):
    client.force_login(center_head)
    number = family["father"].number  # SW-YYYYMMDD-NNNN
    _prefix, day, sequence = number.split("-")
    assert found(client, sequence) >= {number}
    assert family["student"].number not in found(client, sequence)
    assert found(client, day) == {case.number for case in family.values()}
    assert found(client, f"{day[4:]}-{sequence}") == {number}
    assert found(client, number.lower()) == {number}


def test_visitor_name_as_given_and_subject_words(client, center_head, family):
    client.force_login(center_head)
    assert found(client, "王建国") == {family["father"].number}
    assert found(client, "住宿") == {family["stranger"].number}


def test_an_archive_number_or_its_beginning(client, auditor, make_case):
    from tests.archive.factories import archived_case

    case, record = archived_case(make_case, phone="13700001234")
    make_case(phone="13700004321")
    client.force_login(auditor)
    assert found(client, record.number) == {case.number}
    assert found(client, record.number.rsplit("-", 1)[0].lower()) == {case.number}


def test_search_is_limited_to_visible_cases(client, colleague, family):
    client.force_login(colleague)
    assert found(client, "5678") == set()


@pytest.mark.parametrize("cap", [1, 1000])  # 1: past the cap, the walk form lists the page
def test_every_kind_of_term_below_and_past_the_cap(client, center_head, family, monkeypatch, cap):
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    client.force_login(center_head)
    number = family["mother"].number
    for term in ("5678", number.split("-")[2], "王", "证书"):
        listed = found(client, term, per_page=25)
        assert listed, term
    assert number in found(client, number, per_page=25)


@pytest.mark.parametrize("term", ["5678", "0001", "20261206", "王建国", "GD-2026"])
def test_search_stays_within_the_query_budget(client, center_head, family, term):
    client.force_login(center_head)
    client.get("/cases/")  # the session's first request may add one
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/", {"q": term, "per_page": 100})
    assert response.status_code == 200
    assert len(captured) <= 12


def test_phone_search_stays_within_the_query_budget(client, center_head, family):
    client.force_login(center_head)
    location = client.post("/cases/", {"q": PHONE})["Location"]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(location)
    assert len(response.context["page"].object_list) == 3
    assert len(captured) <= 12


def test_the_query_holds_the_phone_hash_never_the_number(client, center_head, family):
    client.force_login(center_head)
    location = client.post("/cases/", {"q": PHONE})["Location"]
    with CaptureQueriesContext(connection) as captured:
        client.get(location)
    assert not any(PHONE in query["sql"] for query in captured.captured_queries)


def test_a_search_token_expires(client, center_head, family, settings):
    import time_machine
    from django.utils import timezone

    settings.SEARCH_TOKEN_MINUTES = 5
    client.force_login(center_head)
    location = client.post("/cases/", {"q": PHONE})["Location"]
    assert len(client.get(location).context["page"].object_list) == 3
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        response = client.get(location)
    assert expired_message() in response.content.decode()
    assert response.context["filter"].form["q"].value() == ""  # an empty box to type it again


def test_digits_find_subjects_and_names_as_well_as_numbers(client, center_head, family, make_case):
    """A term of digits is not only a number's piece or a phone's end: a subject or a name that
    holds it is found too (the search tests numbers first, but drops nothing)."""
    course = make_case(visitor_name="孙八", phone="13800002222", subject="第0315期课程退费")
    named = make_case(visitor_name="Zhao 0315", phone="13800003333", subject="咨询")
    client.force_login(center_head)
    assert found(client, "0315") >= {course.number, named.number}
    assert found(client, "第0315期") == {course.number}
    sequence = family["father"].number.split("-")[2]
    assert family["father"].number in found(client, sequence)


def test_rows_are_tested_with_likes_and_the_functions_left_to_the_indexes(
    client, center_head, family
):
    """The search is ``(LIKE … OR LIKE …) AND (index … OR index …)``: PostgreSQL answers the
    second OR with its indexes and tests each row they found with the LIKEs alone, never
    computing the PL/pgSQL bigram and number-piece functions per row (issue 15's 270 ms)."""
    client.force_login(center_head)
    with CaptureQueriesContext(connection) as captured:
        client.get("/cases/", {"q": "0007", "per_page": 25})
    sql = next(q["sql"] for q in captured.captured_queries if "cases_number_parts(" in q["sql"])
    tests = sql[sql.index("LIKE") : sql.rindex("LIKE")]
    assert 'UPPER("cases_case"."subject"::text) LIKE' in sql
    assert "cases_bigrams(" not in tests and "cases_number_parts(" not in tests
    indexed = sql[sql.rindex("LIKE") :]
    for function in ("cases_number_parts(", 'cases_bigrams("cases_case"."subject")'):
        assert function in indexed
