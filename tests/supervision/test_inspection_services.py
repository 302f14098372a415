import pytest

from audit.models import AuditEvent
from supervision.errors import BadInput, NotAllowed
from supervision.models import Inspection
from supervision.services import inspections as services

pytestmark = pytest.mark.django_db

ALL_PASS = {
    "reception_complete": True,
    "handled_in_time": True,
    "result_confirmed": True,
    "archived_properly": True,
}


def actions(inspection):
    return list(
        AuditEvent.objects.filter(object_type="inspection", object_id=str(inspection.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_start_draws_the_sample_and_audits(inspection):
    assert inspection.items.count() == 2
    assert inspection.population_size == 3
    assert actions(inspection) == ["inspection.start"]


def test_only_auditors_start_inspections(center_head):
    import datetime as dt

    with pytest.raises(NotAllowed):
        services.inspection_start(
            center_head,
            title="x",
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 2),
            sample_size=1,
        )


def test_score_is_the_share_of_checks_passed(inspection, auditor):
    item = inspection.items.first()
    item = services.inspection_score_item(
        auditor, item=item, checks={**ALL_PASS, "archived_properly": False}, notes="未归档"
    )
    assert item.score == 75 and item.archived_properly is False and item.notes == "未归档"
    assert actions(inspection)[-1] == "inspection.score"


def test_score_needs_every_check(inspection, auditor):
    with pytest.raises(BadInput):
        services.inspection_score_item(
            auditor, item=inspection.items.first(), checks={"reception_complete": True}
        )


def test_center_head_cannot_score(inspection, center_head):
    with pytest.raises(NotAllowed):
        services.inspection_score_item(center_head, item=inspection.items.first(), checks=ALL_PASS)


def test_complete_needs_every_item_scored(inspection, auditor):
    services.inspection_score_item(auditor, item=inspection.items.first(), checks=ALL_PASS)
    with pytest.raises(BadInput):
        services.inspection_complete(auditor, inspection=inspection, findings="良好")


def test_complete_needs_findings(inspection, auditor):
    for item in inspection.items.all():
        services.inspection_score_item(auditor, item=item, checks=ALL_PASS)
    with pytest.raises(BadInput):
        services.inspection_complete(auditor, inspection=inspection, findings="")


def test_completed_inspection_is_frozen(inspection, auditor):
    for item in inspection.items.all():
        services.inspection_score_item(auditor, item=item, checks=ALL_PASS)
    inspection = services.inspection_complete(auditor, inspection=inspection, findings="良好")
    assert inspection.status == Inspection.Status.COMPLETED
    assert actions(inspection)[-1] == "inspection.complete"
    with pytest.raises(BadInput):
        services.inspection_score_item(auditor, item=inspection.items.first(), checks=ALL_PASS)
    with pytest.raises(BadInput):
        services.inspection_complete(auditor, inspection=inspection, findings="again")


def test_negative_seed_is_refused(auditor, make_case):
    import datetime as dt

    make_case()
    with pytest.raises(BadInput):
        services.inspection_start(
            auditor,
            title="x",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            sample_size=1,
            seed=-1,
        )
