"""Hypothesis over every URL name of the URL conf: random query strings and form data (dates out
of range, huge numbers, malformed values, unicode, empty, bombs), as every role, GET and POST.
Whatever comes in, the answer is a page, a redirect or a refusal — never a 5xx.

The parameter names are those of every form and filter of the project plus the query keys the
views read, so random values land on real fields. The URLs, roles and the case under test come
from tests/test_url_matrix.py, so a new page is fuzzed as soon as it is in its table."""

from __future__ import annotations

import datetime as dt
import os
from html.parser import HTMLParser

import django_filters
import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bombs import png_data_url
from tests.test_url_matrix import ROLES, _client, _patterns, _urls

pytestmark = pytest.mark.django_db

# Modest by default (the whole file runs in about a minute); FUZZ_EXAMPLES=50 digs deeper.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "5")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Query keys the views read from request.GET/POST directly, outside any form.
QUERY_KEYS = [
    "page", "per_page", "sort", "dir", "q", "start", "end", "month", "year", "version",
    "next", "format", "department", "owner", "category", "status", "tab", "phone", "number",
    "query_code", "ordering", "kind", "round", "htmx", "language",
]  # fmt: skip

NASTY = [
    "", " ", "\x00", "0", "-1", "1e308", "NaN", "inf", "-inf", "9" * 40, str(2**63),
    str(-(2**63) - 1), str(2**31), "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00",
    "2026-02-30", "0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31 23:59:59", "0001-01",
    "9999-12", "99999-01", "2026-13", "<script>alert(1)</script>", "' OR 1=1 --", "\U0001d54f" * 40,
    "a" * 5000, "true", "on", "[]", "{}", "../../etc/passwd", "%00", "1,2,3", "1.5", "-0",
    "SW-00000000-0000", "\u202e", "data:image/png;base64,", png_data_url(20000, 20000),
    png_data_url(60000, 60000),
]  # fmt: skip


def _form_field_names() -> list[str]:
    """Every field name of every Form and FilterSet defined by the project."""
    import importlib

    for module in ("accounts", "cases", "handoffs", "closure", "archive", "supervision"):
        for part in ("forms", "filters", "views"):
            try:
                importlib.import_module(f"{module}.{part}")
            except ModuleNotFoundError:
                continue
    names: set[str] = set()

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.split(".")[0] not in ("django", "django_filters", "crispy_forms"):
                names.update(getattr(sub, "base_fields", {}) or {})
                names.update(getattr(sub, "base_filters", {}) or {})
            walk(sub)

    walk(forms.BaseForm)
    walk(django_filters.FilterSet)
    return sorted(names)


FIELD_NAMES = sorted(set(_form_field_names()) | set(QUERY_KEYS))

values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


def params(baseline: dict[str, str]):
    """The page's own form values with a few of them (or new keys) replaced by random ones, so
    that most fields pass and the random one reaches the code behind the form."""
    keys = [st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)]
    if baseline:
        keys.insert(0, st.sampled_from(sorted(baseline)))
    changes = st.dictionaries(
        st.one_of(*keys), st.one_of(values, st.lists(values, min_size=2, max_size=3)), max_size=4
    )
    return st.builds(lambda new: {**baseline, **new}, changes)


class _Fields(HTMLParser):
    """name -> first value of every input, select and textarea of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "textarea") and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") in ("checkbox", "radio") and name in self.values:
                return
            self.values.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.values.setdefault(self._select, attrs["value"])
            self._select = None


def _reaching(row: dict[str, tuple[int, ...]]) -> list[tuple[str, str]]:
    """(role, method) pairs the table says get past the permission checks, else all of them."""
    pairs = [
        (role, method)
        for method, statuses in row.items()
        for role, status in zip(ROLES, statuses, strict=True)
        if status not in (403, 404, 405) and not (role == "anonymous" and status == 302)
    ]
    return pairs or [(role, method) for method in ("GET", "POST") for role in ROLES]


def _baseline(client, url: str) -> dict[str, str]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return {}
    parser = _Fields()
    parser.feed(response.content.decode())
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


URL_NAMES = sorted(
    name
    for name, namespace, _pattern in _patterns()
    if name and (namespace != "admin" or name == "admin:login")
)


@pytest.fixture
def users(front_desk, dept_member, department_head, center_head, auditor):
    from django.contrib.auth.models import AnonymousUser

    people = [AnonymousUser(), front_desk, dept_member, department_head, center_head, auditor]
    return dict(zip(ROLES, people, strict=True))


@pytest.fixture
def case(make_case, front_desk, work_calendar, settings):
    settings.SUPERVISION_COMPLAINT_MAX_PER_IP = 10_000
    return make_case(actor=front_desk)


@pytest.mark.parametrize("name", URL_NAMES)
def test_no_input_gives_a_server_error(name, users, case, settings):
    url, row = next((url, row) for url_name, url, row in _urls(case) if url_name == name)
    clients = {role: _client(user) for role, user in users.items()}
    pairs = _reaching(row)
    baseline = _baseline(clients[pairs[0][0]], url)

    @FUZZ
    @given(pair=st.sampled_from(pairs), data=params(baseline), htmx=st.booleans())
    def probe(pair, data, htmx):
        role, method = pair
        from django.core.cache import cache

        cache.clear()  # throttles would otherwise answer 429 before the form is read
        client = clients[role]
        headers = {"HX-Request": "true"} if htmx else {}
        if method == "GET":
            response = client.get(url, data, headers=headers)
        else:
            response = client.post(url, data, headers=headers)
        assert response.status_code < 500, (method, url, role, data)
        if name == "accounts:logout" and users[role].is_authenticated:
            client.force_login(users[role])

    probe()
    _edge_sweep(clients, pairs, url, baseline, name, users)


# Each sent in every field at once, then (the first two) in one field at a time with the page's
# own values in the others: the inputs that got past forms before (a year 9999 period, a bomb).
EDGES = ["9999-12-31", "9" * 30, "0001-01-01", "-1", "\x00", png_data_url(20000, 20000)]


def _edge_sweep(clients, pairs, url, baseline, name, users) -> None:
    from django.core.cache import cache

    # A file download has no form to read: its query keys are among QUERY_KEYS.
    keys = baseline or dict.fromkeys(QUERY_KEYS, "")
    batches = [dict.fromkeys(keys, edge) for edge in EDGES]
    batches += [{**baseline, key: edge} for key in baseline for edge in EDGES[:2]]
    for role, method in pairs[:1]:
        client = clients[role]
        for data in batches:
            cache.clear()
            response = client.get(url, data) if method == "GET" else client.post(url, data)
            assert response.status_code < 500, (method, url, role, data)
            if name == "accounts:logout" and users[role].is_authenticated:
                client.force_login(users[role])
