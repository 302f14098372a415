"""What the visitor is told, when they asked for it at intake (a ``CaseContact`` row): the
receipt, a deadline extension and its reason, "your result is ready" with the link to confirm
and sign on their phone (closure), and a rework round's new deadline. Rows go through the
notifications outbox; the address is read again when each message is sent."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from audit.services import audit_record
from notifications.visitor import Contact, VisitorMessage, resolvers, visitor_notify

from . import calendar
from .errors import NotAllowed, WrongState
from .models import Case, CaseContact, CaseEvent


def _contact(number: str) -> Contact | None:
    case = (
        Case.objects.select_related("visitor", "contact")
        .filter(number=number, contact__isnull=False, erasure__isnull=True)
        .first()
    )
    if case is None or case.visitor.erased_at is not None:
        return None
    # The number the visitor gave at this visit (VIS-1), not whatever their record says today.
    phone = case.visitor_phone or ""
    # A landline (area code and dash) cannot receive an SMS.
    return Contact(phone=phone if phone and "-" not in phone else None, email=case.contact.email)


resolvers["case"] = _contact


def erase_contact(case: Case) -> None:
    CaseContact.objects.filter(case=case).delete()


def contact_register(*, case: Case, email: str = "") -> CaseContact:
    return CaseContact.objects.create(case=case, email=email.strip())


def contact_of(*, case: Case) -> CaseContact | None:
    return CaseContact.objects.filter(case=case).first()


@transaction.atomic
def contact_stop(actor: User, *, case: Case) -> None:
    """The visitor asked for no more messages: what is queued is not sent either."""
    if not permissions.can_register_case(actor):
        raise NotAllowed()
    deleted, _rows = CaseContact.objects.filter(case=case).delete()
    if not deleted:
        raise WrongState(gettext("The visitor gets no messages about this case."))
    if case.status != Case.Status.ARCHIVED:
        # (not services.event_add: services imports this module)
        CaseEvent.objects.create(case=case, actor=actor, kind="visitor_messages_stopped")
    audit_record(
        actor=actor, action="case.visitor_messages_stop", object_type="case", object_id=case.number
    )


def wants_messages(*, case: Case) -> bool:
    return _contact(case.number) is not None


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _tell(case: Case, kind: str, version: int, params: dict[str, str], render, url: str) -> bool:
    if not CaseContact.objects.filter(case=case).exists():
        return False
    return visitor_notify(
        VisitorMessage(
            kind=kind,
            object_type="case",
            object_id=case.number,
            version=version,
            params=params,
            render=partial(render, params),
            url=url,
        )
    )


def _receipt_text(p: dict[str, str]) -> tuple[str, str]:
    return (
        _("Your case %(number)s is registered") % p,
        _(
            "Your case %(number)s is registered. Query code: %(code)s. "
            "Follow its progress at %(link)s"
        )
        % p,
    )


def tell_receipt(*, case: Case) -> bool:
    link = _site(reverse("cases:status_token", args=[case.status_token]))
    params = {"number": case.number, "code": case.query_code, "link": link}
    return _tell(case, "visitor_receipt", 0, params, _receipt_text, "")


def _extension_text(p: dict[str, str]) -> tuple[str, str]:
    return (
        _("Case %(number)s: new deadline") % p,
        _("We need more time for your case %(number)s: we will answer by %(deadline)s. %(reason)s")
        % p,
    )


def tell_extension(*, case: Case, reason: str) -> bool:
    params = {
        "number": case.number,
        "deadline": calendar.local_moment(case.deadline) if case.deadline else "",
        "reason": reason.strip()[:100],
    }
    return _tell(case, "visitor_extension", case.deadline_version, params, _extension_text, "")


def _result_text(p: dict[str, str]) -> tuple[str, str]:
    return (
        _("Case %(number)s: your result is ready") % p,
        _(
            "The result of your case %(number)s is ready. Read it, rate it and sign "
            "on your phone: %(link)s"
        )
        % p,
    )


def tell_result_ready(*, case: Case, round_number: int, link: str) -> bool:
    params = {"number": case.number, "link": _site(link)}
    return _tell(case, "visitor_result_ready", round_number, params, _result_text, "")


def _rework_text(p: dict[str, str]) -> tuple[str, str]:
    return (
        _("Case %(number)s is reopened") % p,
        _("We are working on your case %(number)s again and will answer by %(deadline)s.") % p,
    )


def tell_rework(*, case: Case) -> bool:
    params = {
        "number": case.number,
        "deadline": calendar.local_moment(case.deadline) if case.deadline else "",
    }
    return _tell(case, "visitor_rework", case.deadline_version, params, _rework_text, "")
