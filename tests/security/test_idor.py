"""IDOR: every URL that names a case answers 404 to staff of a department not working on it,
for GET and POST alike, exactly as for a case that does not exist."""

import pytest
from django.urls import reverse

from tests.test_url_matrix import _parameters, _patterns

pytestmark = pytest.mark.django_db


def _case_urls(number: str) -> list[str]:
    return [
        reverse(name, kwargs={"number": number})
        for name, _namespace, pattern in _patterns()
        if name and _parameters(pattern) == ["number"]
    ]


@pytest.mark.parametrize("who", ["dept_member", "department_head", "colleague"])
def test_another_departments_case_answers_like_a_missing_one(client, make_case, request, who):
    case = make_case()  # owned by front_desk; colleague shares the department but not the case
    client.force_login(request.getfixturevalue(who))
    hidden, missing = _case_urls(case.number), _case_urls("SW-20260101-9999")
    assert len(hidden) >= 7
    data = {"reason": "x", "version": case.version}
    for url, unknown in zip(hidden, missing, strict=True):
        for method in (client.get, client.post):
            status = method(url, data).status_code
            # The API takes no session at all (401 before any case is looked up).
            assert status in (404, 405) or (url.startswith("/api/") and status == 401), url
            assert status == method(unknown, data).status_code, url
    assert client.post(f"/cases/{case.number}/extend/", data).status_code == 404
