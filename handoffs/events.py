"""How the handoffs timeline events read (registered as extensions.EventKind in AppConfig.ready).

Kind names are a contract (KPIs count them): referral_created, referral_accepted,
referral_returned, referral_answered, handoff_submitted, meeting_recorded, assignment_answered,
assignment_accepted, assignment_returned, dispute_raised, dispute_ruled. The other kinds here
(answer reviews of referrals, work given to a member, deadline changes, handoff completed) only
add detail to the story.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.events import when


def _for_owner(data: dict[str, Any]) -> str:
    return _(" (by the center head for the first responder)") if data.get("on_behalf") else ""


def _joined(values: Any) -> str:
    return "、".join(values) if values else "—"


def _ruling(data: dict[str, Any]) -> str:
    parts = [_("The center head ruled the dispute about %(number)s") % data]
    if data.get("lead"):
        parts.append(_("lead department now %(lead)s") % data)
    if data.get("added"):
        parts.append(_("%(added)s added as assisting department") % data)
    if data.get("withdrawn"):
        parts.append(_("assignment of %(withdrawn)s withdrawn") % data)
    if data.get("on_answer") == "uphold":
        parts.append(_("the answer of %(department)s stands") % data)
    elif data.get("on_answer") == "answer_again":
        parts.append(_("%(department)s answers again") % data)
    if data.get("deadline"):
        parts.append(_("new deadline %(at)s") % {"at": when(data["deadline"])})
    return "; ".join(parts)


DESCRIBERS = {
    "referral_created": lambda d: _("Referred to %(department)s") % d,
    "referral_accepted": lambda d: _("%(department)s accepted the referral") % d,
    "referral_returned": lambda d: _("%(department)s returned the referral") % d,
    "referral_answered": lambda d: _("%(department)s answered the referral") % d,
    "referral_answer_accepted": lambda d: (
        _("Answer of %(department)s accepted") % d + _for_owner(d)
    ),
    "referral_answer_returned": lambda d: (
        _("Answer of %(department)s sent back") % d + _for_owner(d)
    ),
    "referral_given_to_member": lambda d: _("%(department)s gave the referral to %(member)s") % d,
    "handoff_submitted": lambda d: (
        _("Handoff form %(number)s submitted to the center head; departments: %(departments)s")
        % {"number": d.get("number", ""), "departments": _joined(d.get("departments"))}
    ),
    "meeting_scheduled": lambda d: (
        _("Coordination meeting on %(number)s scheduled for %(at)s in %(place)s; invited: %(who)s")
        % {
            "number": d.get("number", ""),
            "at": when(d["at"]) if d.get("at") else "",
            "place": d.get("place", ""),
            "who": _joined(d.get("invitees")),
        }
    ),
    "meeting_recorded": lambda d: (
        _("Coordination meeting on %(number)s: lead %(lead)s; assisting %(assisting)s")
        % {
            "number": d.get("number", ""),
            "lead": d.get("lead", ""),
            "assisting": _joined(d.get("assisting")),
        }
    ),
    "assignment_answered": lambda d: _("%(department)s answered its assignment") % d,
    "assignment_accepted": lambda d: _("Answer of %(department)s accepted") % d + _for_owner(d),
    "assignment_returned": lambda d: (
        _("Answer of %(department)s returned for another answer") % d + _for_owner(d)
    ),
    "assignment_given_to_member": lambda d: (
        _("%(department)s gave its assignment to %(member)s") % d
    ),
    "assignment_deadline_changed": lambda d: (
        _("Deadline of %(department)s moved from %(old)s to %(new)s")
        % {
            "department": d.get("department", ""),
            "old": when(d.get("old")),
            "new": when(d.get("new")),
        }
    ),
    "handoff_completed": lambda d: (
        _("Every answer on %(number)s accepted: the first responder gives the visitor the result")
        % d
    ),
    "dispute_raised": lambda d: _("Dispute raised on %(number)s") % d,
    "dispute_ruled": _ruling,
}
