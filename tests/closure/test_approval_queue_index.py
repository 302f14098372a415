"""The center head's approval queue on every desk is served by a partial index: the rounds
awaiting approval are a handful among hundreds of thousands of result rounds."""

import pytest
from django.db import connection, transaction

from accounts.models import User
from closure.models import ResultRound
from closure.selectors import closures_awaiting_approval

pytestmark = pytest.mark.django_db


def test_the_approval_queue_can_be_read_from_its_partial_index(center_head: User) -> None:
    assert closures_awaiting_approval(user=center_head) == []
    queue = ResultRound.objects.filter(state=ResultRound.State.AWAITING_APPROVAL).order_by(
        "confirmed_at"
    )[:50]
    compiled, params = queue.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a test's few rows a sequential scan is always cheaper: forbid it, so the plan
        # shows whether the index's condition matches the queue's.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + compiled, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resultround_awaiting_idx" in plan, plan
