"""Every service that writes a referral, handoff form, dispute or call-back sets the case's flag
(``Case.has_referrals`` …) in its transaction: the case page reads those rows only when the flag
says some exist, so a row written without its flag would silently vanish from the page."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import WORK_FLAGS, Case
from cases.services import case_work_flag_set
from closure import callbacks
from handoffs import services
from tests.closure.factories import close_case

from .factories import submit_handoff

pytestmark = pytest.mark.django_db

# What each flag says exists, by model and by the related name the project's code may use.
MODELS = {"Referral": "has_referrals", "HandoffForm": "has_handoff_forms"}
MODELS |= {"Dispute": "has_disputes", "Callback": "has_callbacks"}
RELATED = {"referrals", "handoffs", "disputes", "callbacks"}
CREATING = {"create", "bulk_create", "get_or_create", "update_or_create"}

# Every function that writes one of those rows, and the flow below that runs it for real.
CREATORS = {
    ("handoffs/services/referrals.py", "referral_from_intake"): "intake_referral",
    ("handoffs/services/referrals.py", "referral_create"): "referral",
    ("handoffs/services/handoff_forms.py", "handoff_submit"): "handoff",
    ("handoffs/services/disputes.py", "dispute_raise"): "dispute",
    ("closure/callbacks.py", "callback_log"): "callback",
}


def _writes_a_flagged_row(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in CREATING):
        return False
    owner = func.value
    if isinstance(owner, ast.Attribute) and owner.attr == "objects":  # Model.objects.create
        return isinstance(owner.value, ast.Name) and owner.value.id in MODELS
    return isinstance(owner, ast.Attribute) and owner.attr in RELATED  # case.referrals.create


def _creating_functions() -> set[tuple[str, str]]:
    root = Path(settings.BASE_DIR)
    found = set()
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {"tests", "bench", ".venv"} or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(call, ast.Call) and _writes_a_flagged_row(call)
                for call in ast.walk(node)
            ):
                found.add((relative.as_posix(), node.name))
    return found


def test_every_function_writing_such_a_row_has_a_flow_below():
    """A new creator fails here until a flow below shows that it sets the flag."""
    assert _creating_functions() == set(CREATORS)


def _unflagged() -> list[str]:
    """Cases holding rows of a kind whose flag is not set: none may exist."""
    lookups = {
        "has_referrals": "referrals__isnull",
        "has_handoff_forms": "handoffs__isnull",
        "has_disputes": "handoffs__disputes__isnull",
        "has_callbacks": "callbacks__isnull",
    }
    return [
        f"{number} {flag}"
        for flag, lookup in lookups.items()
        for number in Case.objects.filter(**{lookup: False, flag: False}).values_list(
            "number", flat=True
        )
    ]


@pytest.fixture
def flow(request, make_case, department, front_desk, center_head):
    """Runs one creator through the real services; returns the case and the flag it must set."""

    def intake_referral():
        return make_case(outcome="referral", department=department), "has_referrals"

    def referral():
        case = make_case()
        assert not case.has_referrals
        services.referral_create(front_desk, case=case, department=department, note="请核实")
        return case, "has_referrals"

    def handoff():
        case = make_case(outcome="handoff")
        assert not case.has_handoff_forms
        other = request.getfixturevalue("third_department")
        submit_handoff(case, front_desk, [department, other])
        return case, "has_handoff_forms"

    def dispute():
        returned = request.getfixturevalue("returned")
        case = returned.handoff.case
        assert not Case.objects.get(pk=case.pk).has_disputes
        head = request.getfixturevalue("third_head")
        services.dispute_raise(head, handoff=returned.handoff, positions="我部已完成")
        return case, "has_disputes"

    def callback():
        case = make_case(phone="13900009931")
        close_case(case)
        case.refresh_from_db()
        assert not case.has_callbacks
        callbacks.callback_log(center_head, case=case, method="phone", note="回访：已解决")
        return case, "has_callbacks"

    return locals()[request.param]


@pytest.mark.parametrize("flow", sorted(set(CREATORS.values())), indirect=True)
def test_the_service_writing_the_row_sets_the_flag(flow):
    case, flag = flow()
    assert getattr(Case.objects.get(pk=case.pk), flag)
    assert _unflagged() == []


def test_only_a_work_flag_is_set_this_way(make_case):
    case = make_case()
    with pytest.raises(ValueError):
        case_work_flag_set(case=case, flag="status")
    assert set(WORK_FLAGS) == set(MODELS.values())
