"""Assessment journey (KPI-3, §5.1): the center head computes last month's assessment from the
scoring standard in force, reviews one person's, signs it off, and the page shows it frozen;
computing the month again leaves it as signed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from supervision.models import PeriodicAssessment
from supervision.services import scoring
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_month_computed_signed_off_and_frozen(page, live_server, front_desk, center_head):
    cache.clear()
    base = live_server.url
    scoring.scoring_standard_create(
        center_head,
        effective_from=dt.date(2020, 1, 1),
        lines=[
            {"measure": "first_responsibility", "weight": 40, "target": "100"},
            {"measure": "verified_complaints", "weight": 60, "target": "2"},
        ],
        excellent_from=Decimal(90),
        good_from=Decimal(75),
        pass_from=Decimal(60),
    )
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)

    login(page, base, center_head.username)
    page.goto(f"{base}/supervision/")
    page.click("#supervision-nav a[href='/supervision/periodic/']")
    page.wait_for_selector("#compute-form")
    page.click("#compute-form button[type=submit]")
    row = page.locator(f"#periodic-{front_desk.username}")
    row.wait_for()
    assert "已计算，待审核" in row.inner_text()

    row.locator("a").click()
    page.wait_for_selector("#sign-off-form")
    assert page.locator("#periodic-total").inner_text() == "100.0"
    assert page.locator("#periodic-grade").inner_text() == "优秀"
    page.fill("#sign-off-form textarea[name=review_note]", "数据核对无误，同意。")
    page.click("#sign-off-form button[type=submit]")
    page.wait_for_selector("#periodic-frozen")
    assert page.locator("#periodic-status").inner_text() == "已审定（锁定）"
    assert page.locator("#sign-off-form").count() == 0

    assessment = PeriodicAssessment.objects.get(staff=front_desk)
    assert assessment.is_frozen and assessment.signed_off_by == center_head
    assert assessment.period_start == last_month.replace(day=1)

    page.goto(f"{base}/supervision/periodic/")
    page.click("#compute-form button[type=submit]")
    page.wait_for_selector(".alert-success, .alert")
    assert "1 份已审定的未作更改" in page.content()
    assert PeriodicAssessment.objects.get(pk=assessment.pk).version == assessment.version
