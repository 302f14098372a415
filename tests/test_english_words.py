"""The crawl (issue 17 item 7): every page each role may open, in Simplified Chinese, shows no
English word. The pages are those of tests/test_url_matrix.py that answer the role with 200 and
HTML; the data gives them something to show: an open case, a referred one, a closed one."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.english_words import english_lines
from tests.test_url_matrix import ROLES, _urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_case, front_desk, department, settings):
    from django.core.cache import cache

    cache.clear()
    settings.LANGUAGE_CODE = "zh-hans"
    make_case(outcome="referral", department=department, subject="报名材料")
    make_case(outcome="on_the_spot", answer="周四有课。", confirmation_note="当面确认")
    return make_case(actor=front_desk)


def test_english_words_are_found(client):
    """The detector itself: a page with an untranslated word fails, codes and formats pass."""
    html = (
        "<main><h1>筛选</h1><p>登记时间（由早到晚） (descending)</p>"
        '<input placeholder="SW-YYYYMMDD-NNNN"><p>JX · SW-20261206-0001 · PDF</p>'
        '<button data-i18n-skip lang="en">English</button><script>var x = "Filter";</script></main>'
    )
    assert english_lines(html) == ["登记时间（由早到晚） (descending)"]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"] + ["anonymous"])
def test_no_english_word_on_any_page(
    role, cases, front_desk, dept_member, department_head, center_head, auditor
):
    users = dict(
        zip(
            ROLES[1:], [front_desk, dept_member, department_head, center_head, auditor], strict=True
        )
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    allowed: frozenset[str] = frozenset()
    if role in users:
        client.force_login(users[role])
        allowed = frozenset({users[role].username})
    found, visited = [], 0
    for name, url, row in _urls(cases):
        if row["GET"][ROLES.index(role)] != 200:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        found += [
            f"{name} {url}: {line}"
            for line in english_lines(response.content.decode(), allowed=allowed)
        ]
    assert visited >= (4 if role == "anonymous" else 15)  # the crawl reached the role's pages
    assert found == [], "\n".join(found)
