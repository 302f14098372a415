"""Referral (REF-2) and the multi-department handoff (HND-1..4).

The owner of a case never changes here: departments do parts of the work, the first responder
stays accountable. Every row is written by ``handoffs.services``; constraints below back the
rules the services check (one active referral per case, one open handoff form per case, exactly
one lead department, no answer accepted twice, one open dispute per handoff).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Post
from cases.models import Case

if TYPE_CHECKING:
    from accounts.models import User

_USER = settings.AUTH_USER_MODEL


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Very urgent")


class ReturnGround(models.TextChoices):
    """Why a department returned a referral. The second is the first responder's 推诿 (§1.3.2,
    §5.3.2): it counts against 首问责任落实 in the KPIs."""

    NOT_OURS = "not_ours", _("Not our department's matter")
    OWNER_SHOULD_ANSWER = (
        "owner_should",
        _("The first responder could have answered it (passing the matter on, 推诿)"),
    )


class Referral(models.Model):
    """The case sent to the one department responsible for it (REF-2)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the department")
        ACCEPTED = "accepted", _("Accepted, department at work")
        RETURNED = "returned", _("Returned by the department")
        ANSWERED = "answered", _("Answered, waiting for review")
        COMPLETED = "completed", _("Answer accepted")

    # Moved only through firstask.transitions.transition (handoffs/services/referrals.py).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.SENT: frozenset({Status.ACCEPTED, Status.RETURNED}),
        Status.ACCEPTED: frozenset({Status.ANSWERED, Status.RETURNED}),
        Status.ANSWERED: frozenset({Status.COMPLETED, Status.ACCEPTED}),
        Status.RETURNED: frozenset(),
        Status.COMPLETED: frozenset(),
    }

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    assignee = models.ForeignKey(
        _USER,
        verbose_name=_("given to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        _USER, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    return_ground = models.CharField(
        _("returned because"), max_length=12, choices=ReturnGround.choices, blank=True
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # One per submitted form: a replayed post finds the row it already made.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["department", "status"], name="referral_dept_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["sent", "accepted", "answered"]),
                name="referral_one_active_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department_id}"

    @property
    def is_active(self) -> bool:
        return self.status in REFERRAL_ACTIVE


REFERRAL_ACTIVE = (Referral.Status.SENT, Referral.Status.ACCEPTED, Referral.Status.ANSWERED)


class HandoffNumberCounter(models.Model):
    """Last handoff-form number of the year (JB-YYYY-NNNN), upserted like case numbers."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class HandoffForm(models.Model):
    """首问责任事项交办单 (HND-1): the owner's request for a coordinated handoff."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the coordination meeting")
        IN_PROGRESS = "in_progress", _("Departments at work")
        COMPLETED = "completed", _("All answers accepted")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.SUBMITTED: frozenset({Status.IN_PROGRESS}),
        Status.IN_PROGRESS: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
    }

    number = models.CharField(_("form number"), max_length=20, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="handoffs"
    )
    summary = models.TextField(_("problem summary"), max_length=4000)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments involved"), related_name="+"
    )
    # Posts (岗位) named on the form; their departments are in ``departments`` too. "Two or
    # more" counts the posts named, and each department named without any of its posts.
    posts = models.ManyToManyField(
        Post, verbose_name=_("posts involved"), blank=True, related_name="+"
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    done_so_far = models.TextField(_("done so far"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        _USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("handoff form")
        verbose_name_plural = _("handoff forms")
        indexes = [
            # The desk's queue of forms waiting for a meeting, read from the index alone (ids
            # first, urgency then age), however many completed forms the years leave behind.
            models.Index(
                fields=["urgency", "submitted_at", "id"],
                name="handoff_waiting_idx",
                condition=Q(status="submitted"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["submitted", "in_progress"]),
                name="handoff_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.COMPLETED


class CoordinationMeeting(models.Model):
    """The coordination meeting of a handoff form (§2.1.2(d), HND-2): the owner or the center
    head schedules it (time, place, invitees, who are told); after it, the center head records
    the minutes and the decision, and designates the lead and assisting departments."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")

    # None: the meeting not saved yet. Scheduling again moves a scheduled meeting.
    TRANSITIONS: ClassVar[dict[str | None, frozenset[str]]] = {
        None: frozenset({Status.SCHEDULED, Status.HELD}),
        Status.SCHEDULED: frozenset({Status.SCHEDULED, Status.HELD}),
        Status.HELD: frozenset(),
    }

    handoff = models.OneToOneField(
        HandoffForm,
        verbose_name=_("handoff form"),
        on_delete=models.PROTECT,
        related_name="meeting",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, db_default=Status.HELD
    )
    held_at = models.DateTimeField(_("meeting time"))
    place = models.CharField(_("place"), max_length=120)
    invitees: models.ManyToManyField[User, Any] = models.ManyToManyField(
        _USER, verbose_name=_("invited"), blank=True, related_name="coordination_invitations"
    )
    scheduled_by = models.ForeignKey(
        _USER,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped by each (re)scheduling: the invitees' notice is keyed by it, so a new time is told.
    schedule_version = models.PositiveIntegerField(db_default=0)
    attendees: models.ManyToManyField[User, Any] = models.ManyToManyField(
        _USER, verbose_name=_("attendees"), related_name="+"
    )
    minutes = models.TextField(_("minutes"), max_length=8000, blank=True)
    decision = models.TextField(_("decision"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        _USER,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="scheduled")
                | (Q(recorded_by__isnull=False) & ~Q(minutes="") & ~Q(decision="")),
                name="meeting_held_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handoff_id} @ {self.held_at:%Y-%m-%d}"


class Assignment(models.Model):
    """One department's part of a handoff, with its own task and deadline (HND-2, HND-3)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead department")
        ASSISTING = "assisting", _("Assisting department")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Department at work")
        ANSWERED = "answered", _("Answered, waiting for review")
        RETURNED = "returned", _("Returned for another answer")
        ACCEPTED = "accepted", _("Answer accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn by ruling")

    # A ruling may uphold a returned answer (RETURNED -> ACCEPTED) or send back an assignment
    # that has not answered yet (ASSIGNED/RETURNED -> RETURNED); WITHDRAWN and ACCEPTED are final.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.ASSIGNED: frozenset({Status.ANSWERED, Status.RETURNED, Status.WITHDRAWN}),
        Status.ANSWERED: frozenset({Status.ACCEPTED, Status.RETURNED, Status.WITHDRAWN}),
        Status.RETURNED: frozenset(
            {Status.ANSWERED, Status.ACCEPTED, Status.RETURNED, Status.WITHDRAWN}
        ),
        Status.ACCEPTED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }

    handoff = models.ForeignKey(
        HandoffForm,
        verbose_name=_("handoff form"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    # A post (岗位) of the department, when the part is that post's; None: the department's.
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    task = models.TextField(_("task"), max_length=4000)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    assignee = models.ForeignKey(
        _USER,
        verbose_name=_("given to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Overdue scan (DUE-1), as on Case: flag once per deadline; a new deadline bumps the version.
    deadline_version = models.PositiveIntegerField(default=1)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Not a column: set on the rows of the department desk (selectors.department_loads).
    is_late: bool

    class Meta:
        ordering = ["handoff", "role", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["department", "status"], name="assignment_dept_status_idx"),
            # The desk's open work by department and its two counts, from the index alone:
            # without it both counts read every assignment ever made.
            models.Index(
                fields=["department", "status", "deadline", "id"],
                name="assignment_open_idx",
                condition=Q(status__in=["assigned", "returned", "answered"]),
            ),
            models.Index(
                fields=["deadline"],
                name="assignment_overdue_scan_idx",
                condition=Q(overdue_flagged_at__isnull=True)
                & Q(status__in=["assigned", "returned"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["handoff"],
                condition=Q(role="lead") & ~Q(status="withdrawn"),
                name="assignment_one_lead_per_handoff",
            ),
            models.UniqueConstraint(
                fields=["handoff", "department", "post"],
                condition=~Q(status="withdrawn"),
                name="assignment_one_per_department_post",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handoff_id}/{self.department_id} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.status in ASSIGNMENT_OPEN

    @property
    def department_turn(self) -> bool:
        return self.status in ASSIGNMENT_DEPARTMENT_TURN


ASSIGNMENT_DEPARTMENT_TURN = (Assignment.Status.ASSIGNED, Assignment.Status.RETURNED)
ASSIGNMENT_OPEN = (*ASSIGNMENT_DEPARTMENT_TURN, Assignment.Status.ANSWERED)


class RulingOnAnswer(models.TextChoices):
    NONE = "none", _("No change to the answer")
    UPHOLD = "uphold", _("The department's answer stands and is accepted")
    ANSWER_AGAIN = "answer_again", _("The department answers again")


class Dispute(models.Model):
    """争议上报 (HND-4): departments disagree or the owner cannot accept an answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the ruling")
        RULED = "ruled", _("Ruled")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.OPEN: frozenset({Status.RULED}),
        Status.RULED: frozenset(),
    }

    handoff = models.ForeignKey(
        HandoffForm,
        verbose_name=_("handoff form"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    positions = models.TextField(_("positions"), max_length=8000)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    raised_by = models.ForeignKey(
        _USER, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    ruling = models.TextField(_("ruling"), max_length=8000, blank=True)
    ruled_by = models.ForeignKey(
        _USER,
        verbose_name=_("ruled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ruled_at = models.DateTimeField(_("ruled"), null=True, blank=True)
    # What the ruling changed (lead, added or withdrawn department, deadline, answer), for display.
    changes = models.JSONField(default=dict, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [
            # The desk lists the oldest open disputes first.
            models.Index(fields=["raised_at"], name="dispute_open_idx", condition=Q(status="open")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["handoff"], condition=Q(status="open"), name="dispute_one_open_per_handoff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handoff_id} dispute {self.pk}"


class Answer(models.Model):
    """A department's answer to a referral or an assignment, and the owner's review of it.
    Every round is kept; at most one answer per referral/assignment is ever accepted."""

    class Verdict(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(_("answer"), max_length=8000)
    # Stored under a random name (handoffs.attachments); the uploader's name is kept apart.
    attachment = models.FileField(_("attachment"), upload_to="handoffs/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=120, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(
        _USER, verbose_name=_("answered by"), on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)
    verdict = models.CharField(
        _("review"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        _USER,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # The center head reviewed for an absent first responder (logged as such).
    on_behalf_of_owner = models.BooleanField(default=False)
    # A ruling that declared this answer binding although the owner had returned it.
    upheld_by = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, null=True, blank=True, related_name="upheld_answers"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["answered_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(referral__isnull=True, assignment__isnull=False)
                | Q(referral__isnull=False, assignment__isnull=True),
                name="answer_to_referral_or_assignment",
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(verdict="accepted"),
                name="answer_one_accepted_per_referral",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(verdict="accepted"),
                name="answer_one_accepted_per_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"
