"""Checks that higher apps register to stop a result being given (e.g. open referrals)."""

from collections.abc import Callable

result_blockers: list[Callable] = []


def result_blocker(case) -> str | None:
    for check in result_blockers:
        reason = check(case)
        if reason:
            return reason
    return None
