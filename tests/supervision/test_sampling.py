import datetime as dt

import pytest
from django.utils import timezone, translation

from supervision import sampling
from supervision.errors import BadInput
from supervision.services import inspections
from tests.supervision.factories import start_inspection

pytestmark = pytest.mark.django_db


def test_allocation_is_proportional_with_largest_remainder():
    assert sampling.allocate({1: 50, 2: 30, 3: 20}, 10) == {1: 5, 2: 3, 3: 2}
    assert sampling.allocate({1: 5, 2: 3, 3: 2}, 4) == {1: 2, 2: 1, 3: 1}
    assert sum(sampling.allocate({1: 7, None: 1, 2: 1}, 5).values()) == 5


def test_allocation_never_exceeds_a_stratum():
    shares = sampling.allocate({1: 1, 2: 1, 3: 98}, 99)
    assert shares[1] <= 1 and shares[2] <= 1 and sum(shares.values()) == 99


def test_same_seed_same_sample_and_different_seed_differs():
    strata = {1: list(range(100)), 2: list(range(100, 160)), None: [200, 201]}
    first = sampling.draw(strata, 20, seed=7)
    assert first == sampling.draw(strata, 20, seed=7)
    assert first == sampling.draw({k: list(reversed(v)) for k, v in strata.items()}, 20, seed=7)
    assert first != sampling.draw(strata, 20, seed=8)
    assert len(set(first)) == 20


def test_sample_larger_than_population_is_refused_by_draw():
    with pytest.raises(ValueError):
        sampling.draw({1: [1, 2]}, 3, seed=1)


def test_inspection_sample_is_reproducible_from_the_stored_seed(make_case, auditor, dept_member):
    for _ in range(4):
        make_case()
    for _ in range(3):
        make_case(actor=dept_member)
    today = timezone.localdate()
    inspection = start_inspection(auditor, start=today, end=today, size=4, seed=123456789)
    stored = sorted(inspection.items.values_list("case_id", flat=True))

    again = inspections.inspection_sample(
        start=inspection.period_start, end=inspection.period_end, size=4, seed=inspection.seed
    )
    assert sorted(again) == stored
    assert inspection.seed == 123456789 and inspection.population_size == 7


def test_inspection_sample_is_stratified_by_department(make_case, auditor, dept_member, front_desk):
    for _ in range(6):
        make_case()
    for _ in range(2):
        make_case(actor=dept_member)
    today = timezone.localdate()
    inspection = start_inspection(auditor, start=today, end=today, size=4)
    by_department = sorted(
        inspection.items.values_list("department_id", flat=True), key=lambda d: d or 0
    )
    assert by_department.count(front_desk.department_id) == 3
    assert by_department.count(dept_member.department_id) == 1


def test_sample_larger_than_population_is_a_clear_error(make_case, auditor):
    make_case()
    today = timezone.localdate()
    with translation.override("en"), pytest.raises(BadInput, match="larger than"):
        start_inspection(auditor, start=today, end=today, size=2)


def test_period_end_before_start_is_a_clear_error(auditor):
    today = timezone.localdate()
    with translation.override("en"), pytest.raises(BadInput, match="before its start"):
        start_inspection(auditor, start=today, end=today - dt.timedelta(days=1), size=1)
