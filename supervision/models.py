"""Supervision (§4.2), training (§4.1) and assessment (§5): complaints, inspections, work
meetings, training sessions, teaching cases, rewards and penalties."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from cases.models import Case

if TYPE_CHECKING:
    from accounts.models import User

USER = settings.AUTH_USER_MODEL


class Violation(TextChoices):
    """What a verified complaint or a penalty is about: the cases of policy §5.3.2."""

    SHIRKING = "shirking", _("Shirking responsibility (推诿)")
    DELAY = "delay", _("Delaying the matter (拖延)")
    ATTITUDE = "attitude", _("Rude or hostile attitude (态度恶劣)")
    PRIVACY = "privacy", _("Leaking a visitor's private data (泄露隐私)")
    PROCEDURE = "procedure", _("Not following the set procedure (未按规定程序处理)")
    OTHER = "other", _("Other breach of the first-responder rules")


class Severity(TextChoices):
    """视情节轻重 (§5.3.1): how serious the breach was; it bounds the penalty."""

    MINOR = "minor", _("Minor (情节轻微)")
    SERIOUS = "serious", _("Serious (情节较重)")
    GRAVE = "grave", _("Grave (情节严重)")


class RewardGround(TextChoices):
    """The outstanding performance a reward rests on (§5.2.2)."""

    SOLVED_WELL = (
        "solved_well",
        _("Solved visitors' problems promptly and accurately, widely praised"),
    )
    COMPLEX = (
        "complex",
        _("Coordinated a complex matter, saving the center a loss or building its good name"),
    )
    INNOVATION = "innovation", _("Proposed a service innovation that made the work better")
    OTHER = "other", _("Other outstanding performance")


class Complaint(models.Model):
    """SUP-1: a complaint about a staff member and/or a case. The complainant's identity is
    personal data: only supervisors see it, never the staff member concerned."""

    class Source(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Public complaint page")
        HOTLINE = "hotline", _("Supervision hotline")
        MAILBOX = "mailbox", _("Supervision mailbox")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        INVESTIGATING = "investigating", _("Under investigation")
        CONCLUDED = "concluded", _("Concluded")

    # Another supervisor may take over an investigation (INVESTIGATING -> INVESTIGATING).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.RECEIVED: frozenset({Status.INVESTIGATING}),
        Status.INVESTIGATING: frozenset({Status.INVESTIGATING, Status.CONCLUDED}),
        Status.CONCLUDED: frozenset(),
    }

    class Finding(models.TextChoices):
        VERIFIED = "verified", _("Verified (查实)")
        UNFOUNDED = "unfounded", _("Not verified (不属实)")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    received_at = models.DateTimeField(_("received"))
    complainant_name = models.CharField(_("complainant's name"), max_length=40, blank=True)
    complainant_contact = models.CharField(_("complainant's contact"), max_length=60, blank=True)
    # What the complainant wrote, kept as given; the investigator links the real rows below.
    staff_named = models.CharField(_("staff member named"), max_length=60, blank=True)
    case_number_given = models.CharField(_("case number given"), max_length=20, blank=True)
    description = models.TextField(_("complaint"), max_length=4000)
    staff_concerned = models.ForeignKey(
        USER,
        verbose_name=_("staff member concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    investigator = models.ForeignKey(
        USER,
        verbose_name=_("investigator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_investigated",
    )
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, blank=True)
    finding_text = models.TextField(_("investigation result"), max_length=4000, blank=True)
    # Set with a verified finding (§5.3.2, 视情节轻重); empty for an unfounded one.
    violation = models.CharField(
        _("violation"), max_length=10, choices=Violation.choices, blank=True
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    logged_by = models.ForeignKey(
        USER,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    # With the reference, the complainant's key to the complaint's status page (SUP-4); empty
    # on complaints from before it was given.
    query_code = models.CharField(_("query code"), max_length=8, blank=True, default="")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["finding", "concluded_at"], name="complaint_finding_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding="") | Q(investigator__isnull=False),
                name="complaint_finding_needs_investigator",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"JD-{self.received_at:%Y}-{self.pk:04d}"

    @staticmethod
    def parse_reference(reference: str) -> tuple[int, int] | None:
        """(year, id) of a reference as typed ("jd-2026-0012", "JD 2026 12"), or None."""
        found = REFERENCE.fullmatch(reference.strip().upper())
        return (int(found[1]), int(found[2])) if found else None


REFERENCE = re.compile(r"JD[\s\-]*(\d{4})[\s\-]*(\d{1,9})")


class ChecklistItem(models.TextChoices):
    """The four checks of policy §4.2.1."""

    RECEPTION = "reception_complete", _("Reception record complete")
    IN_TIME = "handled_in_time", _("Handled within the promised time")
    FEEDBACK = "result_confirmed", _("Result fed back and confirmed")
    ARCHIVED = "archived_properly", _("Archived completely and on time")


class Inspection(models.Model):
    """SUP-2: a random sample of a period's cases, stratified by department; the seed is kept
    so the same sample can be drawn again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Scoring")
        COMPLETED = "completed", _("Completed")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.OPEN: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
    }

    title = models.CharField(_("title"), max_length=120)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    population_size = models.PositiveIntegerField(_("cases in the period"))
    seed = models.BigIntegerField(_("random seed"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    findings = models.TextField(_("findings"), max_length=8000, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="inspection_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InspectionItem(models.Model):
    """One sampled case and its scores on the §4.2.1 checklist (None: not scored yet)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    reception_complete = models.BooleanField(_("reception record complete"), null=True)
    handled_in_time = models.BooleanField(_("handled within the promised time"), null=True)
    result_confirmed = models.BooleanField(_("result fed back and confirmed"), null=True)
    archived_properly = models.BooleanField(_("archived completely and on time"), null=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)

    class Meta:
        ordering = ["department__code", "case__number"]
        verbose_name = _("inspected case")
        verbose_name_plural = _("inspected cases")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "case"], name="inspection_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.case_id}"


class WorkMeeting(models.Model):
    """SUP-3: a supervision work meeting (§4.2.3)."""

    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    attendees: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, verbose_name=_("attendees"), related_name="+"
    )
    problems = models.TextField(_("problems found"), max_length=8000)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("work meeting")
        verbose_name_plural = _("work meetings")

    def __str__(self) -> str:
        return f"{self.held_on}"


class Measure(models.Model):
    """A measure decided at a work meeting, with its owner, due date and follow-up."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # A follow-up may record any status, including the one it had (a new note) and a measure
    # reopened: the table says so rather than leaving the field unguarded.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = dict.fromkeys(
        Status.values, frozenset(Status.values)
    )

    meeting = models.ForeignKey(WorkMeeting, on_delete=models.CASCADE, related_name="measures")
    description = models.TextField(_("measure"), max_length=2000)
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="measures"
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")
    follow_up = models.TextField(_("follow-up"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.description[:40]


class TeachingCase(models.Model):
    """TRN-1: an archived case kept, with the visitor's personal data masked, for case-study
    training. Only masked copies of the texts are stored here."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="teaching_case"
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("case summary (masked)"), max_length=8000)
    lessons = models.TextField(_("lessons"), max_length=4000, blank=True)
    marked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-marked_at"]
        verbose_name = _("teaching case")
        verbose_name_plural = _("teaching cases")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """TRN-1: a training session (§4.1) and who attended it."""

    class Method(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        CASE_STUDY = "case_study", _("Case study")
        DRILL = "drill", _("Drill")

    topic = models.CharField(_("topic"), max_length=120)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=60)
    materials = models.TextField(_("materials"), max_length=4000, blank=True)
    teaching_cases = models.ManyToManyField(
        TeachingCase, verbose_name=_("teaching cases"), blank=True, related_name="sessions"
    )
    attendees: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, verbose_name=_("attendees"), blank=True, related_name="training_sessions"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.topic


class RewardPenalty(models.Model):
    """KPI-2: a reward or a penalty for a staff member, with the evidence it rests on."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Honour certificate")
        BONUS = "bonus", _("Bonus")
        PROMOTION = "promotion", _("Promotion")
        CRITICISM = "criticism", _("Criticism and education")
        WARNING = "warning", _("Warning")
        FINE = "fine", _("Fine")
        DISMISSAL = "dismissal", _("Dismissal")

    REWARDS = ("certificate", "bonus", "promotion")
    # §5.3.1: 批评教育、警告、罚款直至辞退, mildest first.
    PENALTY_LADDER = ("criticism", "warning", "fine", "dismissal")

    staff = models.ForeignKey(
        USER, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("decision"), max_length=12, choices=Kind.choices)
    decided_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), max_length=4000)
    # A penalty names the breach and its severity; a reward its ground (§5.2.2).
    violation = models.CharField(
        _("violation"), max_length=10, choices=Violation.choices, blank=True
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    reward_ground = models.CharField(
        _("ground for the reward"), max_length=12, choices=RewardGround.choices, blank=True
    )
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), blank=True, related_name="sanctions"
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), blank=True, related_name="+")
    kpi_start = models.DateField(_("KPI period start"), null=True, blank=True)
    kpi_end = models.DateField(_("KPI period end"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"

    @property
    def is_reward(self) -> bool:
        return self.kind in self.REWARDS


class ScoringStandard(models.Model):
    """KPI-3 (§5.1.1 评分标准): which measures count, with what weight and target, and the grade
    thresholds, in force from ``effective_from``. Never changed once saved (a database trigger
    refuses UPDATE): an edit is a new version, so a signed-off assessment keeps the standard it
    was scored by. In force on a day: the latest ``effective_from`` on or before it, the highest
    version among equals."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("in force from"))
    # [{"measure": key of kpis.MEASURES, "weight": points (sum 100), "target": value}]
    lines = models.JSONField(_("measures and weights"))
    excellent_from = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=1)
    good_from = models.DecimalField(_("good from"), max_digits=5, decimal_places=1)
    pass_from = models.DecimalField(_("pass from"), max_digits=5, decimal_places=1)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name = _("scoring standard")
        verbose_name_plural = _("scoring standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_from__gt=models.F("good_from"))
                & Q(good_from__gt=models.F("pass_from"))
                & Q(pass_from__gt=0)
                & Q(excellent_from__lte=100),
                name="scoring_grades_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.effective_from})"


class Grade(TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


class PeriodicAssessment(models.Model):
    """KPI-3 (§5.1.2 定期考核): one person's assessment for a month, quarter or year, scored by
    the standard in force on the period's first day (nobody is scored by rules published after
    the period began). A draft is recomputed at will; once the center head signs it off it is
    frozen: the services refuse and a database trigger refuses UPDATE and DELETE."""

    class PeriodKind(TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    class Status(TextChoices):
        DRAFT = "draft", _("Computed, waiting for review")
        SIGNED_OFF = "signed_off", _("Signed off (frozen)")

    # Recomputing a draft keeps it a draft; signing off freezes it.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.DRAFT, Status.SIGNED_OFF}),
        Status.SIGNED_OFF: frozenset(),
    }

    staff = models.ForeignKey(
        USER,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="periodic_assessments",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    standard = models.ForeignKey(
        ScoringStandard, verbose_name=_("scoring standard"), on_delete=models.PROTECT
    )
    # [{"measure", "weight", "target", "value", "points"}] as scored; value None: no figure.
    lines = models.JSONField(_("scores"))
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("figures as of"))
    computed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(_("review"), max_length=4000, blank=True)
    signed_off_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-period_start", "staff__username"]
        verbose_name = _("periodic assessment")
        verbose_name_plural = _("periodic assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "period_kind", "period_start"], name="assessment_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_off_by__isnull=False),
                name="assessment_signed_off_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.period_kind} {self.period_start}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.SIGNED_OFF
