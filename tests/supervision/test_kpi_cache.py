"""The KPI page keeps a period's figures for KPI_CACHE_SECONDS and says when they were made."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeping(settings):
    settings.KPI_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _received(response, row_pk):
    staff = {row.pk: row for row in response.context["report"].staff}
    return staff[row_pk].value("received")


def test_figures_are_kept_until_they_expire(client, keeping, center_head, front_desk, make_case):
    make_case()
    client.force_login(center_head)
    first = client.get(reverse("supervision:kpi_overview"))
    assert _received(first, front_desk.pk) == 1

    make_case()
    kept = client.get(reverse("supervision:kpi_overview"))
    assert _received(kept, front_desk.pk) == 1
    assert kept.context["report"].as_of == first.context["report"].as_of

    cache.clear()  # what the expiry does
    fresh = client.get(reverse("supervision:kpi_overview"))
    assert _received(fresh, front_desk.pk) == 2
    assert fresh.context["report"].as_of > first.context["report"].as_of


def test_each_scope_and_period_has_its_own_figures(
    client, keeping, center_head, front_desk, make_case
):
    make_case()
    client.force_login(center_head)
    client.get(reverse("supervision:kpi_overview"))  # the center's figures, kept

    client.force_login(front_desk)
    own = client.get(reverse("supervision:kpi_overview"))
    assert [row.pk for row in own.context["report"].staff] == [front_desk.pk]
    assert own.context["report"].center is None

    client.force_login(center_head)
    earlier = client.get(
        reverse("supervision:kpi_overview"), {"start": "2020-01-01", "end": "2020-01-31"}
    )
    assert all(row.value("received") == 0 for row in earlier.context["report"].staff)


def test_page_says_when_the_figures_were_calculated(client, keeping, center_head):
    client.force_login(center_head)
    page = client.get(reverse("supervision:kpi_overview"), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    moment = page.context["report"].as_of
    assert "recalculated at most every 5 minutes" in text
    assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") in text


def test_without_keeping_every_request_counts_again(client, center_head, front_desk, make_case):
    make_case()
    client.force_login(center_head)
    client.get(reverse("supervision:kpi_overview"))
    make_case()
    again = client.get(reverse("supervision:kpi_overview"), HTTP_ACCEPT_LANGUAGE="en")
    assert _received(again, front_desk.pk) == 2
    assert "Figures as of" in again.content.decode()
    assert "recalculated" not in again.content.decode()
