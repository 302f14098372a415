"""The center head's approval queue on the desk reaches the rest (issue 17 item 7)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_approval_queue_links_every_case_waiting_for_the_visitor(client, center_head, awaiting):
    from closure.services import confirmation_other_record

    confirmation_other_record(
        awaiting.case.owner, round_=awaiting, method="refused", detail="拒绝签字"
    )
    client.force_login(center_head)
    body = client.get("/").content.decode()
    link = body[body.index('id="desk-approvals-all"') :]
    assert link.startswith('id="desk-approvals-all" href="/cases/?status=awaiting_confirmation"')
