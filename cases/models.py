from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department


class Category(models.Model):
    """Reference table of case categories; its code is part of the archive number."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


def name_key(name: str) -> str:
    """What makes two spellings of a name the same person's on one phone: case and spacing."""
    return " ".join((name or "").split()).casefold()


class Visitor(models.Model):
    """A person who asks (INT-2, VIS-1). A phone may belong to several people (a parent and a
    student share one): one row per person, several rows may share a phone. What the person
    said at each visit is kept on the case (Case.visitor_name …), not read from here."""

    name = models.CharField(_("name"), max_length=40)
    # NULL once erased by the retention sweep (cases.retention).
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True)
    # Keyed hash (HMAC-SHA256 with PII_HASH_KEY) of the phone: a reference to the visitor that
    # logs and exports may carry instead of the number (PRV-1). Kept in step by save().
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # name_key(name), kept in step by save(): one person per phone and spelling.
    name_key = models.CharField(max_length=40, blank=True, editable=False)
    # Set when the center head merged this record into another (cases.visitors); undone by
    # clearing it. A merged record is no longer offered at intake.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        constraints = [
            # Two clerks adding the same new person at once get one row (services).
            models.UniqueConstraint(
                fields=["phone_hash", "name_key"],
                condition=Q(erased_at__isnull=True, merged_into__isnull=True),
                name="visitor_person_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Visitor #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        from .personal import phone_key

        self.phone_hash = phone_key(self.phone) if self.phone else ""
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        if update_fields is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class VisitorType(models.TextChoices):
    STUDENT = "student", _("Student")
    PARENT = "parent", _("Parent")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ONLINE = "online", _("Online")


class Outcome(models.TextChoices):
    """The owner's choice at intake (INT-3)."""

    ON_THE_SPOT = "on_the_spot", _("Answered on the spot")
    SELF = "self", _("Handled by me, with a promised deadline")
    REFERRAL = "referral", _("Out of my scope: refer to a department")
    HANDOFF = "handoff", _("Needs several departments: handoff form")


class SpotConfirmation(models.TextChoices):
    """How the visitor confirmed an answer given on the spot (§3.4.1): on the signing screen,
    or in words the owner records with the rating the visitor gave. The values other than
    ``signature`` are the closure app's ``OtherMethod`` values."""

    SIGNATURE = "signature", _("The visitor signs on the signing screen")
    VERBAL = "verbal", _("Confirmed in person, in words")
    PHONE_CALL = "phone_call", _("Confirmed in a phone call")
    EMAIL = "email", _("Confirmed by e-mail")
    ONLINE = "online", _("Confirmed online")


# The closure app's Satisfaction levels, which this app may not import (layer order).
SPOT_RATINGS = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Fairly satisfied")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]


class PendingReason(models.TextChoices):
    """Why a question was not answered on the spot (§2.1.2 不能当场解答的，应说明原因)."""

    NEEDS_CHECKING = "needs_checking", _("The facts must be checked first")
    OTHER_DEPARTMENT = "other_department", _("It is another department's matter")
    SEVERAL_DEPARTMENTS = "several", _("Several departments or posts must work on it")
    NEEDS_APPROVAL = "needs_approval", _("It needs a decision or approval")
    MISSING_DOCUMENTS = "documents", _("The visitor must bring documents or information")
    OTHER = "other", _("Other reason (explain below)")


# Case columns that say rows of a kind exist (see Case.has_referrals).
WORK_FLAGS = ("has_referrals", "has_handoff_forms", "has_disputes", "has_callbacks")


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REFERRED = "referred", _("Referred")
        COORDINATING = "coordinating", _("Coordinating")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    number = models.CharField(_("case number"), max_length=20)
    query_code = models.CharField(_("query code"), max_length=8)
    status_token = models.CharField(max_length=43)
    visitor = models.ForeignKey(
        Visitor, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="cases"
    )
    # What the visitor gave at this visit (VIS-1): the case page, the list, the search, the
    # archive and its PDF read these, never the live Visitor row. Only an audited correction
    # (cases.privacy) or the retention erasure changes them once the case is archived.
    # db_default: a row written by raw SQL (the bench, a data fix) without them is still valid.
    visitor_name = models.CharField(_("visitor's name"), max_length=40, blank=True, db_default="")
    visitor_phone = models.CharField(_("visitor's phone"), max_length=20, blank=True, db_default="")
    visitor_phone_hash = models.CharField(max_length=64, blank=True, db_default="")
    visitor_phone_last4 = models.CharField(max_length=4, blank=True, db_default="")
    visitor_corrected_at = models.DateTimeField(
        _("visitor's data corrected"), null=True, blank=True
    )
    visitor_type = models.CharField(_("visitor type"), max_length=10, choices=VisitorType.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    subject = models.CharField(_("subject"), max_length=120)
    question = models.TextField(_("question"), max_length=4000)
    visit_time = models.DateTimeField(_("visit time"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first responder"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
        db_index=False,  # case_owner_status_idx (owner, status) serves every owner lookup
    )
    # The department holding the case: the owner's, moved with a reassignment (OWN-1).
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owner's department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
    )
    # Who held the case when each measured thing happened (supervision.kpis, "Departments"):
    # the department that received it (the owner's at intake), the one that held it when its
    # latest result was given (set by closure, cleared by a rework), and the one that held it
    # when its deadline lapsed (the overdue scan). NULL on cases from
    # before these were kept: the KPIs read ``owner_department`` instead. No index of their
    # own: nothing looks cases up by them, and the case table is written on every step. The
    # KPI report's covering index INCLUDEs them (supervision 0002), so that it reads the
    # period's cases from that index alone.
    received_department = models.ForeignKey(
        Department,
        verbose_name=_("department that received it"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    result_department = models.ForeignKey(
        Department,
        verbose_name=_("department that gave the result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The department holding the case when the overdue scan last flagged it (cases.notices).
    overdue_department = models.ForeignKey(
        Department,
        verbose_name=_("department when flagged overdue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Departments working on the case (referrals, handoff assignments); they may see it.
    involved_departments = models.ManyToManyField(
        Department, verbose_name=_("departments involved"), blank=True, related_name="cases"
    )
    outcome = models.CharField(_("intake outcome"), max_length=12, choices=Outcome.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.OPEN
    )
    deadline = models.DateTimeField(_("promised deadline"), null=True, blank=True)
    # Bumped by every deadline change, so that a flag or reminder is "once per deadline".
    deadline_version = models.PositiveIntegerField(default=0)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework rounds"), default=0)
    answer = models.TextField(_("answer"), blank=True)
    # The visitor's rating (1 very dissatisfied … 5 very satisfied) of the round that closed the
    # case; kept here so that KPIs aggregate it without joining the closure rounds.
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Optimistic lock: a form posts the version it was rendered with (ARCHITECTURE, State).
    version = models.PositiveIntegerField(default=1)
    # What the apps above have written about the case, set by the service that writes the first
    # such row, in its transaction (``cases.services.case_work_record``): the case page reads
    # referrals, handoff forms, disputes and call-backs only when these say some exist.
    has_referrals = models.BooleanField(default=False, db_default=False)
    has_handoff_forms = models.BooleanField(default=False, db_default=False)
    has_disputes = models.BooleanField(default=False, db_default=False)
    has_callbacks = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The id rides along so that an owner's cases are collected from the index alone
            # (a busy clerk owns thousands: the case list's count read each one's heap page).
            models.Index(fields=["owner", "status"], name="case_owner_status_idx", include=["id"]),
            models.Index(fields=["status", "deadline"], name="case_status_deadline_idx"),
            models.Index(fields=["-created_at"], name="case_created_idx"),
            # The overdue scan and the reminders (cases.overdue). ``overdue_flagged_at`` stays
            # out of the predicate: a column no index mentions lets PostgreSQL flag a case with
            # a heap-only (HOT) update, without a new entry in each of the table's indexes.
            # The case list of open cases by deadline walks it too, and tests who may see each
            # case: the included columns answer that from the index (a department head's open
            # cases: 21 ms instead of 104 ms reading 58,000 heap rows on the bench).
            models.Index(
                fields=["deadline"],
                name="case_overdue_scan_idx",
                condition=Q(status__in=["open", "referred", "coordinating"]),
                include=["id", "status", "owner", "owner_department"],
            ),
            # The desk: one owner's open cases by deadline, without touching closed history.
            models.Index(
                fields=["owner", "deadline"],
                name="case_owner_open_idx",
                condition=Q(
                    status__in=["open", "referred", "coordinating", "awaiting_confirmation"]
                ),
            ),
            # The center head's desk: results waiting for the visitor, longest waiting first.
            models.Index(
                fields=["updated_at"],
                name="case_awaiting_idx",
                condition=Q(status="awaiting_confirmation"),
            ),
            # The case list sorted by deadline over every case (center head, auditors).
            models.Index(fields=["deadline"], name="case_deadline_idx"),
            # Text search on PostgreSQL also uses GIN bigram indexes (in 0001_squashed), and the
            # search by any part of a number a GIN index of its pieces (the same migration).
            # The one search box (cases.search): a full phone by its keyed hash, the last four.
            models.Index(fields=["visitor_phone_hash"], name="case_phone_hash_idx"),
            models.Index(fields=["visitor_phone_last4"], name="case_phone_last4_idx"),
            # Cases with work of each kind, newest first: small partial indexes (most cases
            # never get any), and a flag changes once per case, so other updates stay HOT.
            *(
                models.Index(
                    fields=["-created_at"], name=f"case_{flag}_idx", condition=Q(**{flag: True})
                )
                for flag in WORK_FLAGS
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="on_the_spot") | Q(deadline__isnull=False),
                name="case_deadline_unless_on_the_spot",
            ),
            # Unique constraints rather than unique=True: both are only ever looked up exactly,
            # so they need no varchar_pattern_ops twin index (which unique=True would add).
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["status_token"], name="case_status_token_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.number])

    @staticmethod
    def url_maker() -> Callable[[str], str]:
        """``get_absolute_url`` for many cases at once (a scan's 10,000, a table's rows): the
        pattern is resolved once, then each number is only quoted into it."""
        from django.urls import reverse

        prefix, suffix = reverse("cases:detail", args=["NUMBER"]).split("NUMBER")
        return lambda number: prefix + quote(number, safe="") + suffix

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_overdue_at(self, now: dt.datetime) -> bool:
        """Past its promised deadline while still someone's work (DUE-1)."""
        return bool(self.deadline and self.is_active and self.deadline < now)


ACTIVE_STATUSES = (Case.Status.OPEN, Case.Status.REFERRED, Case.Status.COORDINATING)
OPEN_STATUSES = (*ACTIVE_STATUSES, Case.Status.AWAITING_CONFIRMATION)

# The only moves a case may make (ARCHITECTURE.md, State). Services check it; nothing else
# assigns Case.status.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Case.Status.OPEN: frozenset(
        {Case.Status.REFERRED, Case.Status.COORDINATING, Case.Status.AWAITING_CONFIRMATION}
    ),
    Case.Status.REFERRED: frozenset(
        {Case.Status.OPEN, Case.Status.COORDINATING, Case.Status.AWAITING_CONFIRMATION}
    ),
    Case.Status.COORDINATING: frozenset({Case.Status.OPEN, Case.Status.AWAITING_CONFIRMATION}),
    Case.Status.AWAITING_CONFIRMATION: frozenset({Case.Status.OPEN, Case.Status.CLOSED}),
    Case.Status.CLOSED: frozenset({Case.Status.ARCHIVED}),
    Case.Status.ARCHIVED: frozenset(),
}


class CaseEvent(models.Model):
    """One line of the case's timeline. ``kind`` is open-ended so higher apps add their own
    kinds without a migration here; ``cases.events`` describes each kind for display."""

    # caseevent_case_idx (case, created_at) serves every lookup by case.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class CaseNumberCounter(models.Model):
    """Last number handed out per day; upserted in the intake transaction (INT-4)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class WorkCalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday on a weekday or an adjusted
    working day (调休) on a weekend. Seeded from chinese-calendar, editable in admin (OWN-2)."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("work calendar")

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"


class CaseErasure(models.Model):
    """The retention sweep erased this archived case's personal data (cases.retention).

    A separate row, because an archived case itself never changes."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField(_("erased"), auto_now_add=True)

    class Meta:
        verbose_name = _("case erasure")
        verbose_name_plural = _("case erasures")

    def __str__(self) -> str:
        return f"{self.case_id} erased {self.erased_at:%Y-%m-%d}"


class VisitorMerge(models.Model):
    """The center head merged ``source`` into ``target`` (one person with two records): which
    cases moved, so that the merge can be undone exactly (cases.visitors)."""

    source = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Visitor, on_delete=models.PROTECT, related_name="+")
    case_ids = models.JSONField(default=list)
    reason = models.TextField(_("reason"), max_length=500)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("visitor merge")
        verbose_name_plural = _("visitor merges")

    def __str__(self) -> str:
        return f"visitor {self.source_id} -> {self.target_id}"


class CaseContact(models.Model):
    """The visitor asked at intake to be told about this case: by SMS to the phone given and,
    when they left one, by e-mail (cases.visitor_messages). No row: nothing is sent."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("visitor's contact for messages")
        verbose_name_plural = _("visitors' contacts for messages")

    def __str__(self) -> str:
        return f"contact of {self.case_id}"


class CaseLink(models.Model):
    """Two related cases (the same matter asked again, a follow-up); one row per pair, stored
    lower id first, and shown on both case pages (cases.notes)."""

    first = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("case link")
        verbose_name_plural = _("case links")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="caselink_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="caselink_ordered"
            ),
        ]
        indexes = [models.Index(fields=["second"], name="caselink_second_idx")]

    def __str__(self) -> str:
        return f"{self.first_id}↔{self.second_id}"


class DeskPreference(models.Model):
    """What the intake form remembers for one member of staff: the category they used last
    (the form starts on it) and whether the receipt's print dialog opens by itself."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="desk_preference",
    )
    last_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    print_receipt = models.BooleanField(
        _("open the receipt's print dialog after intake"), default=False
    )

    class Meta:
        verbose_name = _("desk preference")
        verbose_name_plural = _("desk preferences")

    def __str__(self) -> str:
        return f"desk preference of {self.user_id}"


class CaseAttachment(models.Model):
    """A document attached at intake (a photo or scan of the visitor's paper): type decided by
    its first bytes (firstask.attachments), stored under a random name, downloaded only by
    those who may open the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return self.name
