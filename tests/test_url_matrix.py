"""Every URL pattern of the URL conf, opened by every role, answers exactly what EXPECTED says.

A URL name missing from EXPECTED fails the suite, so a new page cannot ship without someone
deciding who may open it. Adding a page is one line: its name and the statuses per role.
The case under test belongs to `front_desk` (staff, 财务室); the department member and the
department head are of 教务处, which does not work on it, so they get 404 for it (IDOR).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from audit.models import AuditEvent
from cases import intake
from cases.models import Case, CaseEvent
from tests.handoffs.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "staff", "member", "head", "center_head", "auditor")


def r(get: tuple[int, ...], post: tuple[int, ...] | None = None) -> dict[str, tuple[int, ...]]:
    """One row: GET statuses per role (order of ROLES) and, for POST views, an empty POST's."""
    return {"GET": get, **({"POST": post} if post else {})}


# fmt: off
#  URL name                        anon staff memb head center audit
EXPECTED: dict[str, dict[str, tuple[int, ...]]] = {
    "accounts:login":          r((200, 302, 302, 302, 302, 302)),
    "accounts:logout":         r((302, 405, 405, 405, 405, 405), (302, 302, 302, 302, 302, 302)),
    "accounts:csp_report":     r((405, 405, 405, 405, 405, 405), (400, 400, 400, 400, 400, 400)),
    "set_language":            r((302, 302, 302, 302, 302, 302), (302, 302, 302, 302, 302, 302)),
    "healthz":                 r((200, 200, 200, 200, 200, 200)),  # no beat/worker: degraded
    "favicon":                 r((302, 302, 302, 302, 302, 302)),
    # The test client is 127.0.0.1, in METRICS_ALLOWED_IPS; tests/test_metrics.py refuses others.
    "metrics":                 r((200, 200, 200, 200, 200, 200)),
    # OpenID Connect is off here (tests/directory/test_sso_oidc.py turns it on): 404.
    "directory:oidc_start":    r((404, 404, 404, 404, 404, 404)),
    "directory:oidc_callback": r((404, 404, 404, 404, 404, 404)),
    "directory:import":        r((302, 403, 403, 403, 200, 403), (302, 403, 403, 403, 200, 403)),
    "directory:import_confirm":r((302, 405, 405, 405, 405, 405), (302, 403, 403, 403, 302, 403)),
    "directory:export":        r((302, 403, 403, 403, 200, 403)),
    "admin:login":             r((200, 200, 200, 200, 200, 200)),
    "admin:*":                 r((302, 302, 302, 302, 302, 302)),  # no role is Django staff
    "cases:desk":              r((302, 200, 200, 200, 200, 200)),
    "cases:list":              r((302, 200, 200, 200, 200, 200)),
    "cases:new":               r((302, 200, 200, 200, 200, 403)),
    "cases:visitor_lookup":    r((302, 405, 405, 405, 405, 405), (302, 200, 200, 200, 200, 403)),
    "cases:department_card":   r((302, 200, 200, 200, 200, 200)),
    "cases:detail":            r((302, 200, 404, 404, 200, 200)),
    "cases:receipt":           r((302, 200, 404, 404, 200, 200)),
    "cases:attachment":        r((302, 200, 404, 404, 200, 200)),  # the case's document
    "cases:extend":            r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:reassign":          r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:reveal":            r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:visitor_export":    r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:visitor_correct":   r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:visitor":           r((302, 200, 404, 404, 200, 200)),
    "cases:visitor_rename":    r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:visitor_duplicates":r((302, 403, 403, 403, 200, 403)),
    "cases:visitor_merge":     r((302, 405, 405, 405, 405, 405), (302, 403, 403, 403, 302, 403)),
    "cases:visitor_merge_undo":r((302, 405, 405, 405, 405, 405), (302, 403, 403, 403, 404, 403)),
    "cases:note_add":          r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:messages_stop":     r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 403)),
    "cases:link_add":          r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "cases:status":            r((200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200)),
    "cases:status_token":      r((200, 200, 200, 200, 200, 200)),
    "handoffs:desk":                  r((302, 403, 403, 403, 200, 403)),
    "handoffs:inbox":                 r((302, 200, 200, 200, 200, 200)),
    "handoffs:directory":             r((302, 200, 200, 200, 200, 200)),
    "handoffs:slip":                  r((302, 200, 200, 200, 200, 200)),
    "handoffs:refer":                 r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "handoffs:handoff_new":           r((302, 200, 404, 404, 200, 403), (302, 200, 404, 404, 200, 403)),
    "handoffs:referral_accept":       r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:referral_return":       r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:referral_answer":       r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:referral_review":       r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:referral_give":         r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:handoff_print":         r((302, 404, 404, 404, 404, 404)),
    "handoffs:meeting":               r((302, 404, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404)),
    "handoffs:meeting_schedule":      r((302, 404, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404)),
    "handoffs:dispute_raise":         r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:dispute_rule":          r((302, 404, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404)),
    "handoffs:assignment_answer":     r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:assignment_review":     r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:assignment_give":       r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "handoffs:assignment_deadline":   r((302, 404, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404)),
    "handoffs:attachment":            r((302, 404, 404, 404, 404, 404)),
    "archive:list":                   r((302, 200, 200, 200, 200, 200)),
    "archive:export":                 r((302, 403, 403, 403, 200, 200), (302, 403, 403, 403, 302, 302)),
    "archive:export_detail":          r((302, 404, 404, 404, 404, 404)),
    "archive:export_progress":        r((302, 404, 404, 404, 404, 404)),
    "archive:export_download":        r((302, 404, 404, 404, 404, 404)),
    "archive:archive_now":            r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 403)),
    "archive:pdf":                    r((302, 404, 404, 404, 404, 404)),
    "supervision:hub":                r((302, 200, 200, 200, 200, 200)),
    "supervision:complaint_public":   r((200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200)),
    "supervision:complaint_thanks":   r((200, 200, 200, 200, 200, 200)),
    "supervision:complaint_status":   r((200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200)),
    "supervision:complaint_list":     r((302, 200, 200, 200, 200, 200)),
    "supervision:complaint_new":      r((302, 403, 403, 403, 200, 200), (302, 403, 403, 403, 200, 200)),
    "supervision:complaint_detail":   r((302, 404, 404, 404, 404, 404)),
    "supervision:complaint_investigate":r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:complaint_finding":  r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:inspection_list":    r((302, 403, 403, 403, 200, 200)),
    "supervision:inspection_new":     r((302, 403, 403, 403, 403, 200), (302, 403, 403, 403, 403, 200)),
    "supervision:inspection_detail":  r((302, 404, 404, 404, 404, 404)),
    "supervision:inspection_score":   r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:inspection_complete":r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:inspection_report":  r((302, 404, 404, 404, 404, 404)),
    "supervision:meeting_list":       r((302, 200, 200, 200, 200, 200)),
    "supervision:meeting_new":        r((302, 403, 403, 403, 200, 200), (302, 403, 403, 403, 200, 200)),
    "supervision:meeting_detail":     r((302, 404, 404, 404, 404, 404)),
    "supervision:measure_add":        r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:measure_follow_up":  r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:training_list":      r((302, 200, 200, 200, 200, 200)),
    "supervision:training_new":       r((302, 403, 403, 403, 200, 403), (302, 403, 403, 403, 200, 403)),
    "supervision:training_detail":    r((302, 404, 404, 404, 404, 404)),
    "supervision:training_attendance":r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "supervision:training_record":    r((302, 200, 404, 404, 200, 200)),
    "supervision:teaching_case_new":  r((302, 403, 403, 403, 200, 403), (302, 403, 403, 403, 200, 403)),
    "supervision:teaching_case_detail":r((302, 404, 404, 404, 404, 404)),
    "supervision:kpi_overview":       r((302, 200, 200, 200, 200, 200)),
    "supervision:kpi_export_csv":     r((302, 200, 200, 200, 200, 200)),
    "supervision:kpi_export_xlsx":    r((302, 200, 200, 200, 200, 200)),
    "supervision:kpi_report_pdf":     r((302, 403, 403, 403, 200, 200)),
    "supervision:kpi_staff":          r((302, 200, 404, 404, 200, 200)),
    "supervision:assessment_list":    r((302, 200, 200, 200, 200, 200)),
    "supervision:assessment_new":     r((302, 403, 403, 403, 200, 403), (302, 403, 403, 403, 200, 403)),
    "supervision:standard_list":      r((302, 200, 200, 200, 200, 200)),
    "supervision:standard_new":       r((302, 403, 403, 403, 200, 403), (302, 403, 403, 403, 200, 403)),
    "supervision:periodic_list":      r((302, 200, 200, 200, 200, 200)),
    "supervision:periodic_compute":   r((302, 405, 405, 405, 405, 405), (302, 403, 403, 403, 302, 403)),
    "supervision:periodic_detail":    r((302, 404, 404, 404, 404, 404)),
    "supervision:periodic_sign_off":  r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "audit:trail":                    r((302, 403, 403, 403, 200, 200)),
    "audit:trail_export":             r((302, 403, 403, 403, 200, 200)),
    "audit:access_log":               r((302, 403, 403, 403, 200, 200)),
    "audit:access_export":            r((302, 403, 403, 403, 200, 200)),
    "audit:verify":                   r((302, 403, 403, 403, 200, 200), (302, 403, 403, 403, 302, 302)),
    "notifications:list":             r((302, 200, 200, 200, 200, 200)),
    "notifications:bell":             r((302, 200, 200, 200, 200, 200)),
    "notifications:read_all":         r((302, 405, 405, 405, 405, 405), (302, 302, 302, 302, 302, 302)),
    "notifications:email":            r((302, 405, 405, 405, 405, 405), (302, 302, 302, 302, 302, 302)),
    "notifications:read":             r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "closure:result":                 r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "closure:sign_start":             r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "closure:sign":                   r((302, 410, 404, 404, 410, 410), (302, 410, 404, 404, 410, 410)),
    "closure:signed":                 r((302, 404, 404, 404, 404, 404)),
    "closure:decide":                 r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "closure:signature":              r((302, 404, 404, 404, 404, 404)),
    "closure:confirm_other":          r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "closure:callback":               r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    # The API takes bearer tokens only: a signed-in session is not enough (tests/api/ has the
    # token × role matrix). The schema opens with a session or a token; the docs with a session.
    "api:schema":                     r((401, 200, 200, 200, 200, 200)),
    "api:docs":                       r((302, 200, 200, 200, 200, 200)),
    "api:cases":                      r((401, 401, 401, 401, 401, 401), (401, 401, 401, 401, 401, 401)),
    "api:case_detail":                r((401, 401, 401, 401, 401, 401)),
    "api:case_timeline":              r((401, 401, 401, 401, 401, 401)),
    "api:case_result":                r((401, 401, 401, 401, 401, 401), (401, 401, 401, 401, 401, 401)),
    "api:departments":                r((401, 401, 401, 401, 401, 401)),
    "api:posts":                      r((401, 401, 401, 401, 401, 401)),
    "api:categories":                 r((401, 401, 401, 401, 401, 401)),
    "closure:kiosk_hand":             r((302, 405, 405, 405, 405, 405), (302, 302, 404, 404, 302, 302)),
    "answers:list":                   r((302, 200, 200, 200, 200, 200)),
    "answers:new":                    r((302, 403, 403, 200, 200, 403), (302, 403, 403, 200, 200, 403)),
    "answers:search":                 r((302, 200, 200, 200, 200, 200)),
    "answers:edit":                   r((302, 404, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404)),
    "answers:use":                    r((302, 405, 405, 405, 405, 405), (302, 404, 404, 404, 404, 404)),
    "signing:phone":                  r((410, 410, 410, 410, 410, 410), (410, 410, 410, 410, 410, 410)),
    "signing:kiosk":                  r((404, 404, 404, 404, 404, 404)),
    "signing:kiosk_start":            r((302, 200, 200, 200, 200, 403), (302, 200, 200, 200, 200, 403)),
    "signing:kiosk_poll":             r((404, 404, 404, 404, 404, 404)),
    "signing:kiosk_sign":             r((404, 404, 404, 404, 404, 404), (404, 404, 404, 404, 404, 404)),
}
# fmt: on

# Values for the URL parameters; "number" and "token" are filled from the case under test.
PARAMS = {
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "app_label": "cases",
    # Objects of the other apps that do not exist here: everyone who may reach them gets 404.
    "pk": "1",
    "item_pk": "1",
    "job_id": "1",
    "round": "1",
    "kind": "staff",  # directory export
    "fmt": "csv",
}


def _patterns(patterns=None, namespace: str | None = None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, namespace, pattern


def _parameters(pattern: URLPattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    return list(re.compile(pattern.pattern.regex.pattern).groupindex)


def _row(name: str) -> dict[str, tuple[int, ...]] | None:
    if name in EXPECTED:
        return EXPECTED[name]
    namespace = name.split(":", 1)[0]
    return EXPECTED.get(f"{namespace}:*") if ":" in name else None


def _urls(case: Case) -> list[tuple[str, str, dict[str, tuple[int, ...]]]]:
    # A staff pk (training record, KPI page) is the case owner's: their own record.
    values = {**PARAMS, "number": case.number, "token": case.status_token, "pk": str(case.owner_id)}
    per_url = {
        "handoffs:slip": {"pk": str(case.owner.department_id)},  # a department's slip
        "cases:visitor": {"pk": str(case.visitor_id)},  # the case's visitor
        "cases:visitor_rename": {"pk": str(case.visitor_id)},
        "cases:visitor_merge_undo": {"pk": "999999"},  # no such merge
        # The document of the case under test; other suites' cases have none (404 alike).
        "cases:attachment": {"pk": str(getattr(case.attachments.first(), "pk", 999999))},
    }
    urls, missing = [], []
    for name, namespace, pattern in _patterns():
        if name is None:
            if namespace == "admin":  # the admin's own unnamed redirects and catch-all
                continue
            missing.append(f"unnamed pattern {pattern.pattern}")
            continue
        row = _row(name)
        if row is None:
            missing.append(name)
            continue
        kwargs = {
            key: per_url.get(name, values).get(key, values[key]) for key in _parameters(pattern)
        }
        urls.append((name, reverse(name, kwargs=kwargs), row))
    assert not missing, f"URL names without an entry in EXPECTED: {missing}"
    return urls


@pytest.fixture
def users(front_desk, dept_member, department_head, center_head, auditor):
    return dict(
        zip(
            ROLES,
            [AnonymousUser(), front_desk, dept_member, department_head, center_head, auditor],
            strict=True,
        )
    )


@pytest.fixture
def case(make_case, front_desk, settings, tmp_path):
    # Throttles count per client IP, and every role here posts from the same one.
    from django.core.cache import cache

    cache.clear()
    settings.SUPERVISION_COMPLAINT_MAX_PER_IP = 100
    settings.MEDIA_ROOT = tmp_path / "media"
    case = make_case(actor=front_desk)
    document = SimpleUploadedFile("id.pdf", PDF_BYTES)
    intake.case_attachment_add(front_desk, case=case, upload=document)
    return case


def _client(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_url_answers_every_role_as_the_table_says(users, case, method):
    urls = _urls(case)
    # Reading the audit trail is itself recorded (audit.view); nothing else a GET may write.
    events = AuditEvent.objects.exclude(action="audit.view")
    state = (events.count(), CaseEvent.objects.count())
    wrong = []
    for role, user in users.items():
        client = _client(user)
        for name, url, row in urls:
            if method not in row:
                continue
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = row[method][ROLES.index(role)]
            if response.status_code != expected:
                wrong.append(f"{method} {name} as {role}: {response.status_code} != {expected}")
            if name == "accounts:logout" and method == "POST" and user.is_authenticated:
                client.force_login(user)
    assert wrong == [], "\n".join(wrong)
    if method == "GET":  # GET never changes state
        assert (events.count(), CaseEvent.objects.count()) == state
        assert Case.objects.get(pk=case.pk).version == case.version


def test_anonymous_is_sent_to_a_sign_in_page(case):
    client = Client()
    for name, url, row in _urls(case):
        if row["GET"][0] == 302 and not name.startswith(("set_language", "favicon")):
            location = client.get(url)["Location"]
            assert location.startswith(("/accounts/login/", "/admin/login/")), name


def test_a_new_url_without_an_entry_fails(case, monkeypatch):
    monkeypatch.delitem(EXPECTED, "cases:receipt")
    with pytest.raises(AssertionError, match="cases:receipt"):
        _urls(case)
