"""Desk journey for a busy clerk: each group shows its 20 most urgent cases and links to the
rest; the link opens the case list of the clerk's own cases sorted by deadline, all of them."""

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_desk_links_from_a_full_group_to_all_the_clerks_cases(
    page, live_server, front_desk, make_case
):
    numbers = {make_case(phone=f"139000{index:05d}").number for index in range(21)}
    base = live_server.url
    login(page, base, front_desk.username)

    page.goto(f"{base}/")
    rows = page.locator("table tbody a[href^='/cases/SW-']")
    assert rows.count() == 20
    more = page.locator(f"a[href^='/cases/?owner={front_desk.pk}&ordering=deadline']")
    assert more.count() == 1
    assert "21" in more.inner_text()

    more.click()
    page.wait_for_url(f"{base}/cases/?owner={front_desk.pk}&ordering=deadline")
    listed = page.locator("table tbody a[href^='/cases/SW-']").all_inner_texts()
    assert set(listed) == numbers
    assert (
        page.locator(f"select[name=owner] option[value='{front_desk.pk}']").get_attribute(
            "selected"
        )
        is not None
    )
