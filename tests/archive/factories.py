"""Archived cases for the archive tests, made through the real services."""

from __future__ import annotations

from archive import services
from tests.closure.factories import close_case, record_result, sign


def archived_case(make_case, *, rework: bool = False, **case_kwargs):
    case = make_case(**case_kwargs)
    if rework:
        round_ = record_result(case)
        sign(round_, rating=2, reasons="还没有解决")
        case.refresh_from_db()
    close_case(case)
    case.refresh_from_db()
    record = services.case_archive(case.owner, case=case)
    case.refresh_from_db()
    return case, record
