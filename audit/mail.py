"""Mail to the auditors: each new checkpoint, and an alert when the chain does not verify.

Sent straight through Django's mail, not the notifications outbox: the outbox lives in the
database whose owner the checkpoint guards against (and notifications sits above audit)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import AUDITOR

if TYPE_CHECKING:
    from .checkpoints import Checkpoint
    from .selectors import ChainBreak

logger = logging.getLogger(__name__)


def _auditor_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=AUDITOR, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(subject: str, body: str) -> int:
    recipients = _auditor_addresses()
    if not recipients:
        logger.warning("no auditor with an e-mail address: %s not mailed", subject)
        return 0
    try:
        return send_mail(subject, body, None, recipients)
    except Exception:  # the checkpoint is kept; the next one is mailed again
        logger.exception("could not mail the auditors: %s", subject)
        return 0


def audit_checkpoint_mail(*, checkpoint: Checkpoint) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Audit trail checkpoint: %(count)s events up to #%(id)s") % {
            "count": checkpoint.event_count,
            "id": checkpoint.last_event_id,
        }
        body = _(
            "The audit trail held %(count)s events up to event #%(id)s at %(time)s.\n\n"
            "Keep this e-mail outside the system. The line below is signed with a key the "
            "database does not hold; whoever cuts or rewrites the trail later cannot make it "
            "match again:\n\n%(token)s\n\n"
            "To check the trail against it at any time:\n"
            "    python manage.py audit_verify --checkpoint %(token)s\n"
        ) % {
            "count": checkpoint.event_count,
            "id": checkpoint.last_event_id,
            "time": timezone.localtime(checkpoint.created_at).strftime("%Y-%m-%d %H:%M:%S %z"),
            "token": checkpoint.token,
        }
    return _send(subject, body)


def audit_alert_mail(*, breaks: list[ChainBreak]) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The audit trail does not verify")
        body = _(
            "No new checkpoint was signed, because the audit trail no longer matches the last "
            "one:\n\n%(findings)s\n\nRun python manage.py audit_verify for the full report."
        ) % {"findings": "\n".join(f"- {b.reason}" for b in breaks[:50])}
    return _send(subject, body)
