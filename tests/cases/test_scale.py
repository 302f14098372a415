"""What keeps the foundation pages flat at a million cases (issue 8): query counts that do not
grow with rows per page or with data, the indexed search, the capped count."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.listing import CappedPaginator, _by_id_last
from cases.widgets import FastSelect
from tests.factories import UserFactory, aware

pytestmark = pytest.mark.django_db


def queries_for(client, path, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured)


def numbers(response):
    return {case.number for case in response.context["page"].object_list}


@pytest.fixture
def many_cases(make_case, front_desk, department):
    """More cases than a 25-row page holds, some referred to the department."""
    for index in range(30):
        if index % 10 == 0:
            make_case(outcome="referral", department=department, phone=f"1380000{index:04d}")
        else:
            make_case(phone=f"1380000{index:04d}")


@pytest.mark.parametrize("role", ["front_desk", "department_head", "center_head"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "referred", "ordering": "deadline"},
        {"q": "调课"},
        {"created_from": "2020-01-01", "created_to": "2030-12-31", "ordering": "-number"},
    ],
)
def test_case_list_query_count_is_the_same_at_25_and_100_rows(
    client, many_cases, role, params, request, department
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    queries_for(client, "/cases/", **params)  # the session's first request may add one
    if role == "front_desk":
        params = {**params, "department": department.pk}
    at_25 = queries_for(client, "/cases/", per_page=25, **params)
    at_100 = queries_for(client, "/cases/", per_page=100, **params)
    assert at_25 == at_100
    assert at_25 <= 12


def test_desk_query_count_does_not_depend_on_data_size(client, make_case, front_desk):
    make_case()
    client.force_login(front_desk)
    queries_for(client, "/")
    few = queries_for(client, "/")
    for index in range(30):
        make_case(phone=f"1370000{index:04d}", outcome="on_the_spot" if index % 3 else "self",
                  answer="已解答", confirmation_note="满意")  # fmt: skip
    many = queries_for(client, "/")
    assert many == few
    assert many <= 12


def test_search_finds_two_character_chinese_words_in_subjects(client, make_case, front_desk):
    refund = make_case(subject="退费进度查询")
    make_case(subject="调课申请", phone="13900000001")
    client.force_login(front_desk)
    assert numbers(client.get("/cases/", {"q": "退费"})) == {refund.number}


def test_search_finds_visitor_names(client, make_case, front_desk):
    found = make_case(visitor_name="欧阳明", phone="13900000002")
    make_case(visitor_name="张伟", phone="13900000003")
    client.force_login(front_desk)
    assert numbers(client.get("/cases/", {"q": "欧阳"})) == {found.number}


def test_search_by_case_number_ignores_letter_case(client, make_case, front_desk):
    case = make_case()
    make_case(phone="13900000004")
    client.force_login(front_desk)
    assert numbers(client.get("/cases/", {"q": case.number.lower()})) == {case.number}


def test_search_with_one_character_still_matches(client, make_case, front_desk):
    case = make_case(subject="空调故障")
    client.force_login(front_desk)
    assert numbers(client.get("/cases/", {"q": "空"})) == {case.number}


def test_search_is_limited_to_visible_cases(client, make_case, colleague, front_desk):
    make_case(subject="退费进度")
    client.force_login(colleague)
    assert numbers(client.get("/cases/", {"q": "退费"})) == set()


def test_date_filter_uses_local_days(client, make_case, front_desk):
    with time_machine.travel(aware(2026, 11, 26, 23, 50), tick=False):
        late = make_case(deadline=aware(2026, 12, 1, 17, 30))
    with time_machine.travel(aware(2026, 11, 27, 0, 10), tick=False):
        early = make_case(phone="13900000005", deadline=aware(2026, 12, 1, 17, 30))
    client.force_login(front_desk)
    day = {"created_from": "2026-11-27", "created_to": "2026-11-27"}
    assert numbers(client.get("/cases/", day)) == {early.number}
    before = {"created_to": "2026-11-26"}
    assert numbers(client.get("/cases/", before)) == {late.number}


def test_department_filter_shows_owned_and_involved_cases(
    client, make_case, department, dept_member, center_head, front_desk
):
    involved = make_case(outcome="referral", department=department)
    owned = make_case(actor=dept_member, phone="13900000006")
    make_case(phone="13900000007")
    client.force_login(center_head)
    listed = numbers(client.get("/cases/", {"department": department.pk}))
    assert listed == {involved.number, owned.number}


def test_list_count_is_capped(client, make_case, front_desk, monkeypatch):
    for index in range(4):
        make_case(phone=f"1390000100{index}")
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    client.force_login(front_desk)
    response = client.get("/cases/", {"per_page": 25})
    page = response.context["page"]
    assert page.paginator.capped
    assert page.paginator.count == 3
    body = response.content.decode()
    assert "More than 3 cases" in body or "超过 3 条事项" in body


def test_list_count_below_the_cap_is_exact(client, make_case, front_desk):
    make_case()
    client.force_login(front_desk)
    paginator = client.get("/cases/").context["page"].paginator
    assert paginator.count == 1
    assert not paginator.capped


def test_fast_select_marks_the_choice_and_escapes_labels(db):
    widget = FastSelect(choices=[("1", "<b>王</b>"), ("2", "李")])
    html = widget.render("owner", "2", attrs={"class": "form-select"})
    assert '<select name="owner" class="form-select">' in html
    assert '<option value="2" selected>李</option>' in html
    assert "&lt;b&gt;王&lt;/b&gt;" in html


def test_owner_filter_lists_every_active_staff_member(client, front_desk):
    UserFactory.create(username="late", name="新同事", roles=["staff"])
    client.force_login(front_desk)
    body = client.get("/cases/").content.decode()
    assert "新同事" in body


def test_bigram_function_exists_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT cases_bigrams(%s)", ["退费ab"])
        assert cursor.fetchone()[0] == ["退费", "费A", "AB"]


def test_desk_counts_ignore_closed_history(make_case, front_desk):
    from cases import selectors

    make_case(outcome="on_the_spot", answer="已解答", confirmation_note="满意")
    open_case = make_case(phone="13900000008")
    desk = selectors.desk_for_user(user=front_desk, now=open_case.created_at + dt.timedelta(1))
    assert sum(desk.counts.values()) == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "deadline"},
        {"ordering": "-number", "status": "referred"},
    ],
)
@pytest.mark.parametrize("cap", [3, 1000])
def test_pages_past_the_cap_list_what_the_count_counts(
    client, make_case, dept_member, department, monkeypatch, params, cap
):
    """Past the cap a page's ids come from the OR form of the visibility rule (walking the sort
    index); they must be exactly the cases, in the order, that the UNION form gives."""
    from cases.filters import CaseFilter
    from cases.selectors import visible_cases

    for index in range(4):
        make_case(actor=dept_member, phone=f"1390000200{index}")  # own
    for index in range(4):
        make_case(outcome="referral", department=department, phone=f"1390000300{index}")
    make_case(phone="13900004000")  # neither: another desk's, not referred
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    client.force_login(dept_member)
    response = client.get("/cases/", {**params, "per_page": 25})
    paginator = response.context["page"].paginator
    listed = [case.number for case in response.context["page"].object_list]

    # The id breaks ties (equal deadlines), as the list's own order does.
    matching = CaseFilter(params or None, queryset=visible_cases(dept_member)).qs
    expected = list(_by_id_last(matching).values_list("number", flat=True))
    assert len(expected) == (8 if not params.get("status") else 4)
    assert paginator.capped == (len(expected) > cap)
    assert listed == expected[:cap]


def test_count_many_counts_each_queryset_in_one_query(make_case, front_desk, department):
    from cases.counting import count_many
    from cases.models import Case

    make_case()
    make_case(outcome="referral", department=department, phone="13900005000")
    with CaptureQueriesContext(connection) as captured:
        counts = count_many(
            everything=Case.objects.all(),
            referred=Case.objects.filter(status="referred"),
            none=Case.objects.filter(number="nope"),
        )
    assert counts == {"everything": 2, "referred": 1, "none": 0}
    assert len(captured) == 1
    with pytest.raises(ValueError):
        count_many(**{"a b": Case.objects.all()})


def test_fast_select_keeps_model_options_for_a_minute_and_marks_the_choice(
    client, front_desk, center_head
):
    """The owner filter's options are rendered once a minute per process; the chosen one is
    still marked on every page, and a new staff member appears once the minute is over."""
    from cases import widgets

    client.force_login(center_head)
    body = client.get("/cases/", {"owner": front_desk.pk}).content.decode()
    assert f'<option value="{front_desk.pk}" selected>' in body
    newcomer = UserFactory.create(username="xinren", name="新人甲")
    body = client.get("/cases/").content.decode()
    assert f'<option value="{front_desk.pk}">' in body
    assert "新人甲" not in body  # the kept list
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        body = client.get("/cases/", {"owner": newcomer.pk}).content.decode()
    assert f'<option value="{newcomer.pk}" selected>新人甲</option>' in body
    assert len(widgets._OPTIONS) >= 1


def test_desk_lists_the_most_urgent_and_links_to_the_rest(client, make_case, front_desk):
    for index in range(21):
        make_case(phone=f"139000060{index:02d}")
    client.force_login(front_desk)
    response = client.get("/")
    desk = response.context["desk"]
    shown = sum(len(getattr(desk, bucket)) for bucket in desk.counts)
    assert sum(desk.counts.values()) == 21
    assert shown == 20
    body = response.content.decode()
    assert f"/cases/?owner={front_desk.pk}&amp;ordering=deadline" in body
    assert "共 21 条" in body or "of 21" in body


@pytest.mark.parametrize("cap", [1, 1000])  # 1: past the cap, the walk form lists the page
@pytest.mark.parametrize("ordering", ["", "deadline", "-number"])
def test_text_search_finds_number_subject_and_visitor_alike_below_and_past_the_cap(
    client, make_case, center_head, monkeypatch, cap, ordering
):
    by_subject = make_case(subject="退费进度查询", phone="13900007001")
    by_visitor = make_case(visitor_name="欧阳退费", subject="证书领取", phone="13900007002")
    make_case(subject="调课申请", phone="13900007003")  # no match
    by_number = make_case(subject="证书补办", phone="13900007004")
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    client.force_login(center_head)
    expected_all = {by_subject.number, by_visitor.number}
    params = {"q": "退费", "per_page": 25, **({"ordering": ordering} if ordering else {})}
    response = client.get("/cases/", params)
    page = response.context["page"]
    assert page.paginator.capped == (cap < 2)
    listed = [case.number for case in page.object_list]
    assert set(listed) <= expected_all
    assert len(listed) == min(cap, 2)
    order = {"": lambda c: -c.created_at.timestamp(), "deadline": lambda c: c.deadline}
    order["-number"] = lambda c: [-ord(ch) for ch in c.number]
    want = sorted([by_subject, by_visitor], key=order[ordering])[: min(cap, 2)]
    assert listed == [c.number for c in want]
    response = client.get("/cases/", {"q": by_number.number.lower(), "per_page": 25})
    assert [c.number for c in response.context["page"].object_list] == [by_number.number]


def test_case_rows_escape_mask_and_mark_overdue(make_case, center_head, client):
    from django.utils import translation

    from cases.personal import mask_name
    from cases.templatetags.case_tags import case_rows

    case = make_case(subject="<script>x</script>退费", visitor_name="欧阳修")
    with time_machine.travel(case.deadline + dt.timedelta(hours=3)), translation.override("en"):
        html = str(case_rows([case]))
    assert "&lt;script&gt;x&lt;/script&gt;退费" in html and "<script>" not in html
    assert "欧阳修" not in html and f"<td>{mask_name('欧阳修')}</td>" in html
    assert 'class="case-overdue"' in html and "Overdue by 3" in html
    assert f'href="/cases/{case.number}/"' in html
    assert str(case_rows([])) == ""


def test_intake_checks_the_category_against_the_database_at_once(category):
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.forms import IntakeForm
    from cases.models import Category

    form = IntakeForm()
    field = form.fields["category"]
    with CaptureQueriesContext(connection) as queries:
        assert field.clean(str(category.pk)) == category
    assert len(queries) == 1
    # No per-process copy: a new row is accepted and a deactivated one refused at once.
    other = Category.objects.create(code="ZZ", name="新类别")
    assert field.clean(str(other.pk)) == other
    Category.objects.filter(pk=other.pk).update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        field.clean(str(other.pk))
    assert refused.value.code == "invalid_choice"
    for bad in ("abc", "999999", "1.5", "-1", "0", str(2**70), "\x00"):
        with pytest.raises(ValidationError) as refused:
            field.clean(bad)
        assert refused.value.code == "invalid_choice"
    assert field.clean(category) == category


@pytest.mark.parametrize("ordering", ["deadline", "-deadline", "number", "-number", "created"])
def test_a_small_result_is_sorted_like_the_database_sorts_it(
    client, make_case, center_head, ordering
):
    """Below the cap the page is sorted in Python from the matched ids: NULL deadlines (answered
    on the spot) last ascending and first descending, ties broken by id, as PostgreSQL does."""
    from cases.models import Case

    for index in range(3):
        make_case(phone=f"1390000800{index}")
        make_case(outcome="on_the_spot", answer="当场答复", phone=f"1390000810{index}")
    client.force_login(center_head)
    response = client.get("/cases/", {"ordering": ordering, "per_page": 25})
    listed = [case.number for case in response.context["page"].object_list]
    field = {"created": "created_at"}.get(ordering.lstrip("-"), ordering.lstrip("-"))
    key = ("-" if ordering.startswith("-") else "") + field
    tie = "-pk" if ordering.startswith("-") else "pk"
    expected = list(Case.objects.order_by(key, tie).values_list("number", flat=True))
    assert not response.context["page"].paginator.capped
    assert listed == expected


@pytest.mark.parametrize("listed", [0, 50_000])  # 0: the involved cases stay a subquery
@pytest.mark.parametrize("cap", [1, 1000])
def test_department_filter_lists_owned_and_involved_below_and_past_the_cap(
    client, make_case, department, dept_member, center_head, monkeypatch, cap, listed
):
    from cases import selectors

    involved = make_case(outcome="referral", department=department)
    owned = make_case(actor=dept_member, phone="13900009006")
    make_case(phone="13900009007")
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    monkeypatch.setattr(selectors, "INVOLVED_LISTED", listed)
    client.force_login(center_head)
    response = client.get("/cases/", {"department": department.pk, "ordering": "number"})
    listed = [case.number for case in response.context["page"].object_list]
    assert listed == sorted([involved.number, owned.number])[:cap]


def test_is_overdue_at_is_the_rule_the_desk_and_the_tables_share(make_case):
    case = make_case()
    assert not case.is_overdue_at(case.deadline - dt.timedelta(minutes=1))
    assert case.is_overdue_at(case.deadline + dt.timedelta(minutes=1))
    case.status = "awaiting_confirmation"  # answered: no longer anyone's open work
    assert not case.is_overdue_at(case.deadline + dt.timedelta(minutes=1))
    assert not make_case(outcome="on_the_spot", answer="当场答复").is_overdue_at(case.deadline)
    make = type(case).url_maker()
    assert make(case.number) == case.get_absolute_url()


@pytest.mark.parametrize("cap", [1, 1000])  # 1: past the cap, the walk form (strpos) lists
def test_text_search_ignores_case_and_takes_wildcards_literally_in_both_forms(
    client, make_case, center_head, monkeypatch, cap
):
    percent = make_case(subject="Python 满100%退款", phone="13900007011")
    make_case(subject="Python 满100元退款", phone="13900007012")  # "%" is not a wildcard
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    client.force_login(center_head)
    for term in ("python 满100%", "PYTHON 满100%"):
        response = client.get("/cases/", {"q": term, "per_page": 25})
        assert [c.number for c in response.context["page"].object_list] == [percent.number]
    response = client.get("/cases/", {"q": "python", "per_page": 25})
    assert response.context["page"].paginator.capped == (cap == 1)
    assert len(response.context["page"].object_list) == min(cap, 2)


def test_department_filter_with_no_involved_case_lists_only_its_own(
    client, make_case, department, dept_member, center_head
):
    owned = make_case(actor=dept_member, phone="13900009016")
    make_case(phone="13900009017")
    client.force_login(center_head)
    response = client.get("/cases/", {"department": department.pk})
    assert [case.number for case in response.context["page"].object_list] == [owned.number]
