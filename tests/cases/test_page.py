"""The case page built once per request (cases.page) from what the apps above registered
(cases.extensions), and the intake steps case_register runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from cases import extensions, selectors
from cases.extensions import CaseParts, CaseSections, IntakeStep, Section
from cases.models import Case
from cases.page import CasePage, case_page_build
from firstask.typing import AuthedRequest

pytestmark = pytest.mark.django_db

HIGHER_APPS = ("handoffs", "closure", "archive", "supervision", "answers", "webhooks", "api")


def test_no_template_of_the_cases_app_names_an_app_above_it():
    apps = "|".join(HIGHER_APPS)
    named = re.compile(rf"({apps})[/:]|load [\w ]*\b(handoff|closure|archive|supervision)_tags")
    found = [
        f"{path.name}: {match.group(0)}"
        for path in (Path(settings.BASE_DIR) / "cases" / "templates").rglob("*.html")
        for match in named.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def _page(user: User, case: Case) -> CasePage:
    # What the middleware stack hands a view behind LoginRequiredMiddleware (firstask.typing).
    request = cast(AuthedRequest, RequestFactory().get(case.get_absolute_url()))
    request.user = user
    request.htmx = HtmxDetails(request)
    request.request_id = "test-case-page"
    return case_page_build(request=request, case=case, show_personal=True)


def test_the_page_keeps_nothing_on_the_case(make_case, department, front_desk):
    case = selectors.case_get_for_user(
        user=front_desk, number=make_case(outcome="referral", department=department).number
    )
    before = set(vars(case))
    page = _page(front_desk, case)
    assert set(vars(case)) == before
    assert [event.kind for event in page.events][:2] == ["registered", "deadline_promised"]


def test_sections_come_from_the_registered_apps_in_order(make_case, department, front_desk):
    case = make_case(outcome="referral", department=department)
    page = _page(front_desk, case)
    assert [s.template for s in page.main] == [
        "handoffs/_case_sections.html",
        "closure/_case_sections.html",
    ]
    assert [s.template for s in page.actions] == [
        "handoffs/_case_actions.html",
        "closure/_case_actions.html",
    ]
    assert page.acts_for_owner and page.can_act


def test_permission_flags_are_decided_by_the_page(make_case, front_desk, auditor):
    case = make_case()
    assert not _page(auditor, case).can_act
    assert not _page(auditor, case).acts_for_owner
    assert _page(front_desk, case).can_act


def test_a_section_registered_once_shows_on_the_case_page(client, make_case, front_desk):
    def build(page):
        context = {"total": 3, "shown": page.case.extension_count + 1, "extra": ""}
        return CaseParts(main=[Section("cases/_desk_more.html", context)])

    case = make_case()
    client.force_login(front_desk)
    with extensions.overridden(CaseSections, CaseSections(name="test", build=build)):
        body = client.get(case.get_absolute_url()).content.decode()
    assert f"?owner={front_desk.pk}&amp;ordering=deadline" in body  # the test's section
    assert 'id="result-rounds"' not in body  # only the test's section is registered here


def test_intake_steps_run_in_their_registered_order():
    names = [step.name for step in extensions.registered(IntakeStep)]
    assert names == [
        "handoffs.referral",
        "cases.referral_notice",
        "closure.on_the_spot",
        "webhooks",
        "archive.file_on_the_spot",
    ]


def test_a_failing_intake_step_rolls_the_intake_back(make_case):
    def broken(intake):
        assert intake.case.pk and intake.case.events.filter(kind="registered").exists()
        raise RuntimeError("step failed")

    with (
        extensions.overridden(IntakeStep, IntakeStep(name="test", run=broken)),
        pytest.raises(RuntimeError),
    ):
        make_case()
    assert not Case.objects.exists()


def test_registering_a_name_again_replaces_it_and_order_sorts():
    first = IntakeStep(name="test.b", run=lambda intake: None, order=2)
    with extensions.overridden(IntakeStep, first):
        extensions.register(IntakeStep(name="test.a", run=lambda intake: None, order=1))
        again = IntakeStep(name="test.b", run=lambda intake: None, order=0)
        extensions.register(again)
        assert [s.name for s in extensions.registered(IntakeStep)] == ["test.b", "test.a"]
        assert extensions.get(IntakeStep, "test.b") is again
    assert extensions.get(IntakeStep, "test.a") is None
