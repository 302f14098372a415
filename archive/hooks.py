"""Archive's reactions to the lower apps: file a case as soon as it closes (quiet period 0)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case

logger = logging.getLogger(__name__)


def describe_archived(data: dict[str, Any]) -> str:
    return _("Archived as %(number)s") % {"number": data.get("number", "")}


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
