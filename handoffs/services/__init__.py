"""Every write of the handoffs app (ARCHITECTURE.md, Inside an app), one function per action."""

from .assignments import (
    assignment_answer,
    assignment_change_deadline,
    assignment_give_to_member,
    assignment_review,
    handoff_complete_if_done,
)
from .disputes import dispute_raise, dispute_rule
from .handoff_forms import (
    AssignmentPlan,
    handoff_submit,
    involved_count,
    meeting_record,
    meeting_schedule,
)
from .referrals import (
    referral_accept,
    referral_answer,
    referral_create,
    referral_from_intake,
    referral_give_to_member,
    referral_return,
    referral_review,
)

__all__ = [
    "AssignmentPlan",
    "assignment_answer",
    "assignment_change_deadline",
    "assignment_give_to_member",
    "assignment_review",
    "dispute_raise",
    "dispute_rule",
    "handoff_complete_if_done",
    "handoff_submit",
    "involved_count",
    "meeting_record",
    "meeting_schedule",
    "referral_accept",
    "referral_answer",
    "referral_create",
    "referral_from_intake",
    "referral_give_to_member",
    "referral_return",
    "referral_review",
]
