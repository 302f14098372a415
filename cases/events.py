"""How each kind of timeline event reads. Every app lists its kinds' texts in a ``DESCRIBERS``
dict and registers them as ``extensions.EventKind`` in its AppConfig.ready (``event_kinds``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import extensions

Describer = Callable[[dict[str, Any]], str]
# The cases app's own kinds (CasesConfig.ready registers them).
DESCRIBERS: dict[str, Describer] = {}


def event_kinds(describers: dict[str, Describer]) -> list[extensions.EventKind]:
    return [extensions.EventKind(name=kind, describe=text) for kind, text in describers.items()]


def _text(kind: str, describer: Describer) -> None:
    DESCRIBERS[kind] = describer


def describe(kind: str, data: dict[str, Any]) -> str:
    registered = extensions.get(extensions.EventKind, kind)
    if registered is None:
        return kind
    try:
        return registered.describe(data)
    except (KeyError, TypeError, ValueError):
        # An event written by an older version (or imported history) may lack a key the
        # current text needs: show the kind rather than fail the whole case page.
        return kind


def _status(data: dict[str, Any]) -> str:
    from .models import Case

    try:
        return str(Case.Status(data.get("status", "")).label)
    except ValueError:
        return str(data.get("status", ""))


def when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    if moment is None:
        return ""
    from django.utils import timezone

    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


_text("registered", lambda d: _("Visit registered; %(owner)s is the first responder") % d)
_text("answered_on_the_spot", lambda d: _("Answered on the spot"))
_text(
    "confirmed_verbally",
    lambda d: _("Visitor confirmed the answer verbally: %(note)s") % {"note": d.get("note", "")},
)
_text("closed", lambda d: _("Case closed"))


def _deadline_promised(d: dict) -> str:
    from .models import PendingReason

    text = _("Deadline promised: %(at)s") % {"at": when(d.get("deadline"))}
    if d.get("reason") in PendingReason.values:
        reason = str(PendingReason(d["reason"]).label)
        note = f" — {d['note']}" if d.get("note") else ""
        text += _(" (not answered on the spot: %(reason)s)") % {"reason": reason + note}
    return text


_text("deadline_promised", _deadline_promised)
_text(
    "deadline_extended",
    lambda d: (
        _(
            "Deadline extended from %(old)s to %(new)s. "
            "Reason: %(reason)s. Visitor informed: %(informed)s"
        )
        % {
            "old": when(d.get("old")),
            "new": when(d.get("new")),
            "reason": d.get("reason", ""),
            "informed": d.get("informed", ""),
        }
    ),
)
_text(
    "referral_requested",
    lambda d: _("Out of scope: to be referred to %(department)s") % d,
)
_text("handoff_requested", lambda d: _("Needs several departments: handoff form to be filled"))


def _owner_reassigned(d: dict) -> str:
    text = _("First responder changed from %(old)s to %(new)s. Reason: %(reason)s") % d
    if d.get("old_department") != d.get("new_department"):
        moved = {"old": d.get("old_department") or "—", "new": d.get("new_department") or "—"}
        text += _(" The case moves from %(old)s to %(new)s.") % moved
    return text


_text("owner_reassigned", _owner_reassigned)
_text("status_changed", lambda d: _("Status changed to %(status)s") % {"status": _status(d)})
_text("overdue_flagged", lambda d: _("Flagged overdue"))
_text("internal_note", lambda d: _("Internal note"))
_text("visitor_messages_stopped", lambda d: _("Messages to the visitor stopped"))
_text("case_linked", lambda d: _("Linked to case %(other)s") % d)
_text("attachment_added", lambda d: _("Document attached"))
