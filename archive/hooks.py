"""Archive's part in the lower apps: its case-page sections, the search by archive number, and
filing a case as soon as it closes (quiet period 0). Registered in ArchiveConfig.ready."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.extensions import CaseParts, Intake, Section
from cases.models import Case
from cases.page import CasePage

logger = logging.getLogger(__name__)


# An archive number or its beginning: GD-2026-JX-00012, GD-2026-JX.
_ARCHIVE_TERM = re.compile(r"[A-Za-z]{1,6}-\d{4}(-[A-Za-z0-9-]*)?")
ARCHIVE_MATCHES_LISTED = 1000


def search_archive_number(term: str) -> Q | None:
    """The case list's search box finds a case by its archive number (cases.search): the cases
    of the records whose number starts with the term, as a list of ids (one indexed query)."""
    if not _ARCHIVE_TERM.fullmatch(term):
        return None
    from cases.selectors import id_in

    from .models import ArchiveRecord

    records = ArchiveRecord.objects.filter(number__startswith=term.upper()).order_by()
    return id_in(list(records.values_list("case_id", flat=True)[: ARCHIVE_MATCHES_LISTED + 1]))


def describe_archived(data: dict[str, Any]) -> str:
    return _("Archived as %(number)s") % {"number": data.get("number", "")}


def on_intake(intake: Intake) -> None:
    """An intake step: a case answered and closed on the spot is filed like any closed case."""
    on_case_closed(Case, case=intake.case)


def on_case_closed(sender: Any, case: Case, **kwargs: Any) -> None:
    """With no quiet period the case is filed right after the closing transaction commits; a
    failure here only logs, the periodic sweep files it later."""
    if case.status != Case.Status.CLOSED or settings.ARCHIVE_QUIET_HOURS > 0:
        return
    case_id = case.pk
    transaction.on_commit(lambda: archive_now_quietly(case_id))


def archive_now_quietly(case_id: int) -> None:
    from cases.errors import CaseError

    from .services import case_archive

    case = Case.objects.filter(pk=case_id, status=Case.Status.CLOSED).first()
    if case is None:
        return
    try:
        case_archive(None, case=case)
    except CaseError:
        logger.info("case %s was archived meanwhile", case_id)
    except Exception:
        logger.exception("archiving case %s failed; the sweep will retry", case_id)


def case_sections(page: CasePage) -> CaseParts:
    """The archived case's banner (its record comes joined with the case, extensions.CaseJoin);
    on a closed case, "archive now" for the owner or the center head."""
    case = page.case
    parts = CaseParts()
    if case.status == Case.Status.ARCHIVED and getattr(case, "archive_record", None):
        parts.main.append(Section("archive/_case_sections.html"))
    if case.status == Case.Status.CLOSED and page.acts_for_owner:
        parts.actions.append(Section("archive/_case_actions.html"))
    return parts
