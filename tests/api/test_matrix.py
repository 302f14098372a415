"""Every API endpoint called by every role's token (all scopes): the status the pages would
give, and every answer valid against the OpenAPI document. The case belongs to ``front_desk``
(staff, 财务室); the member and the head of 教务处 do not work on it: 404, as on the pages."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent, PersonalDataAccess
from cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

ROLES = ("staff", "member", "head", "center_head", "auditor")


@pytest.fixture
def tokens(api, front_desk, dept_member, department_head, center_head, auditor):
    users = [front_desk, dept_member, department_head, center_head, auditor]
    return {role: api(user) for role, user in zip(ROLES, users, strict=True)}


def intake(category, **overrides):
    return {
        "visitor_name": "赵六",
        "phone": "139 1234 5678",
        "visitor_type": "parent",
        "channel": "phone",
        "category": category.code,
        "subject": "热线来电：补考安排",
        "question": "孩子错过了期末考试，补考什么时候？",
        "outcome": "self",
        "working_days": 3,
        "pending_reason": "needs_checking",
        **overrides,
    }


# fmt: off
#  (method, path with {number}, statuses per role in ROLES order)
EXPECTED = [
    ("GET",  "/api/v1/cases/",                    (200, 200, 200, 200, 200)),
    ("POST", "/api/v1/cases/",                    (201, 201, 201, 201, 403)),
    ("GET",  "/api/v1/cases/{number}/",           (200, 404, 404, 200, 200)),
    ("GET",  "/api/v1/cases/{number}/timeline/",  (200, 404, 404, 200, 200)),
    ("POST", "/api/v1/cases/{number}/result/",    (201, 404, 404, 201, 403)),
    ("GET",  "/api/v1/departments/",              (200, 200, 200, 200, 200)),
    ("GET",  "/api/v1/posts/",                    (200, 200, 200, 200, 200)),
    ("GET",  "/api/v1/categories/",               (200, 200, 200, 200, 200)),
]
# fmt: on


def test_the_table_covers_every_documented_operation(openapi):
    documented = {
        (method.upper(), path.replace("{number}", "{number}"))
        for path, operations in openapi["paths"].items()
        for method in operations
    }
    assert documented == {(method, path) for method, path, _ in EXPECTED}


@pytest.mark.parametrize(("method", "path", "statuses"), EXPECTED)
def test_every_endpoint_answers_every_role_as_the_table_says(
    tokens, make_case, category, work_calendar, conforms, method, path, statuses
):
    wrong = []
    for role, client in tokens.items():
        case = make_case()  # a fresh case each: a result recorded by one role changes it
        url = path.format(number=case.number)
        if method == "GET":
            response = client.get(url)
        elif url.endswith("/result/"):
            body = {"result": "已安排补考", "how_given": "phone", "version": case.version}
            response = client.post(url, body, format="json")
        else:
            response = client.post(url, intake(category), format="json")
        expected = statuses[ROLES.index(role)]
        if response.status_code != expected:
            wrong.append(f"{method} {path} as {role}: {response.status_code} != {expected}")
        conforms(response, url, method)
    assert wrong == []


def test_the_list_holds_only_the_cases_the_user_may_see(tokens, make_case, conforms):
    case = make_case()
    seen = {}
    for role, client in tokens.items():
        response = client.get("/api/v1/cases/")
        conforms(response, "/api/v1/cases/")
        seen[role] = [row["number"] for row in response.json()["results"]]
    assert seen == {
        "staff": [case.number],
        "member": [],
        "head": [],
        "center_head": [case.number],
        "auditor": [case.number],
    }


def test_the_list_masks_the_visitor_even_for_the_owner(tokens, make_case):
    make_case(visitor_name="张三丰")
    row = tokens["staff"].get("/api/v1/cases/").json()["results"][0]
    assert row["visitor_name"] == "张**"


def test_the_list_filters_like_the_page(tokens, make_case, center_head, category):
    mine = make_case()
    make_case(actor=center_head)
    client = tokens["center_head"]
    numbers = [
        row["number"]
        for row in client.get(f"/api/v1/cases/?owner={center_head.pk}").json()["results"]
    ]
    assert mine.number not in numbers and len(numbers) == 1
    everything = client.get(f"/api/v1/cases/?category={category.pk}&ordering=number").json()
    assert [row["number"] for row in everything["results"]] == sorted(
        Case.objects.values_list("number", flat=True)
    )
    assert everything["count"] == 2 and everything["more"] is False


def test_a_bad_filter_is_400_with_its_field(tokens, conforms):
    response = tokens["staff"].get("/api/v1/cases/?status=nonsense&created_from=yesterday")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "created_from"}
    conforms(response, "/api/v1/cases/")


def test_the_detail_shows_the_visitor_to_those_working_on_the_case(tokens, make_case):
    case = make_case(visitor_name="张三丰", phone="13812341234")
    url = f"/api/v1/cases/{case.number}/"
    owner = tokens["staff"].get(url)
    assert owner.json()["visitor"] == {
        "name": "张三丰",
        "phone": "13812341234",
        "masked": False,
        "erased": False,
    }
    assert owner["Cache-Control"] == "no-store"
    assert tokens["center_head"].get(url).json()["visitor"]["masked"] is False
    auditor = tokens["auditor"].get(url).json()["visitor"]
    assert auditor == {"name": "张**", "phone": "138****1234", "masked": True, "erased": False}


def test_a_full_view_is_logged_as_on_the_page(tokens, make_case, front_desk):
    case = make_case()
    tokens["staff"].get(f"/api/v1/cases/{case.number}/")
    tokens["auditor"].get(f"/api/v1/cases/{case.number}/")  # masked: nothing to log
    logged = PersonalDataAccess.objects.filter(case_number=case.number)
    assert [(row.actor_id, row.kind) for row in logged] == [(front_desk.pk, "view")]


def test_reads_change_nothing(tokens, make_case):
    case = make_case()
    state = (AuditEvent.objects.count(), CaseEvent.objects.count())
    for client in tokens.values():
        for path in (
            "/api/v1/cases/",
            f"/api/v1/cases/{case.number}/",
            f"/api/v1/cases/{case.number}/timeline/",
            "/api/v1/departments/",
            "/api/v1/posts/",
        ):
            client.get(path)
    assert (AuditEvent.objects.count(), CaseEvent.objects.count()) == state
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_timeline_tells_the_case_in_order(tokens, make_case):
    case = make_case()
    events = tokens["staff"].get(f"/api/v1/cases/{case.number}/timeline/").json()
    assert [event["kind"] for event in events] == ["registered", "deadline_promised"]
    assert events[0]["actor"] == "陈晓燕"


def test_an_unknown_case_is_404_like_a_hidden_one(tokens, conforms):
    url = "/api/v1/cases/SW-20990101-0001/"
    response = tokens["center_head"].get(url)
    assert response.status_code == 404
    conforms(response, url)
    assert tokens["center_head"].get("/api/v1/cases/bad%00number/").status_code == 404


def test_reference_lists(tokens, department, other_department, category, conforms):
    departments = tokens["staff"].get("/api/v1/departments/")
    conforms(departments, "/api/v1/departments/")
    assert [row["code"] for row in departments.json()] == ["CW", "JW"]
    categories = tokens["staff"].get("/api/v1/categories/").json()
    assert {"id": category.pk, "code": "JX", "name": "教学与课程", "is_active": True} in categories


def test_the_schema_is_served_to_a_token_and_a_session(api, front_desk, client):
    assert api(front_desk, scopes=["reference:read"]).get("/api/schema/").status_code == 200
    client.force_login(front_desk)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/cases/" in response.json()["paths"]


@pytest.fixture
def posts(department, other_department, department_head, dept_member, front_desk):
    from accounts.models import Post

    window = Post.objects.create(department=department, name="教务窗口", duties="接待、答复")
    window.holders.set([department_head, dept_member])
    cashier = Post.objects.create(department=other_department, name="出纳", is_active=False)
    cashier.holders.set([front_desk])
    return window, cashier


def test_posts_list_their_department_and_holders(tokens, posts, conforms):
    response = tokens["staff"].get("/api/v1/posts/")
    conforms(response, "/api/v1/posts/")
    window, cashier = posts
    assert response.json() == [
        {
            "id": cashier.pk,
            "department_code": "CW",
            "department_name": "财务室",
            "name": "出纳",
            "duties": "",
            "holders": [{"username": "qiantai", "display_name": "陈晓燕"}],
            "is_active": False,
        },
        {
            "id": window.pk,
            "department_code": "JW",
            "department_name": "教务处",
            "name": "教务窗口",
            "duties": "接待、答复",
            "holders": [
                {"username": "jiaowu", "display_name": "王建国"},
                {"username": "jiaowu1", "display_name": "王芳"},
            ],
            "is_active": True,
        },
    ]


def test_posts_filter_by_department_code(tokens, posts, conforms):
    response = tokens["auditor"].get("/api/v1/posts/?department=JW")
    conforms(response, "/api/v1/posts/")
    assert [row["name"] for row in response.json()] == ["教务窗口"]


def test_posts_of_an_unknown_department_is_400(tokens, posts, conforms):
    response = tokens["staff"].get("/api/v1/posts/?department=XX")
    assert response.status_code == 400
    assert set(response.json()) == {"department"}
    conforms(response, "/api/v1/posts/")


def test_posts_need_the_reference_scope(api, front_desk, posts, conforms):
    response = api(front_desk, scopes=["cases:read"]).get("/api/v1/posts/")
    assert response.status_code == 403
    conforms(response, "/api/v1/posts/")
    assert api().get("/api/v1/posts/").status_code == 401
