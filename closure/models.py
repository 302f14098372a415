from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class Satisfaction(models.IntegerChoices):
    """The visitor's five levels (CLO-1); the two lowest ask for rework (CLO-2)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


DISSATISFIED_RATINGS = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})


class HowGiven(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    ONLINE = "online", _("Online")
    WRITTEN = "written", _("In writing")


class OtherMethod(models.TextChoices):
    """How a visitor who did not sign on screen confirmed the result (CLO-3)."""

    VERBAL = "verbal", _("Confirmed in person, in words")
    PHONE_CALL = "phone_call", _("Confirmed in a phone call")
    EMAIL = "email", _("Confirmed by e-mail")
    ONLINE = "online", _("Confirmed online")
    REFUSED = "refused", _("Visitor refused to sign")


class ResultRound(models.Model):
    """One result given to the visitor and how they confirmed it. A rework adds a new round;
    earlier rounds stay as they were (CLO-2)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the visitor")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for the center head's approval")
        CLOSED = "closed", _("Confirmed")
        REWORK = "rework", _("Visitor not satisfied: rework")

    # Field ``state``. The center head's rejection of an "other" confirmation puts the round
    # back to PENDING; CLOSED and REWORK are final (a rework adds a new round).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        State.PENDING: frozenset({State.CLOSED, State.REWORK, State.AWAITING_APPROVAL}),
        State.AWAITING_APPROVAL: frozenset({State.CLOSED, State.PENDING}),
        State.CLOSED: frozenset(),
        State.REWORK: frozenset(),
    }

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed on screen")
        OTHER = "other", _("Other confirmation")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="result_rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    result = models.TextField(_("result"), max_length=4000)
    how_given = models.CharField(_("how given"), max_length=12, choices=HowGiven.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when the round is made: now, or for an answer given on the spot the moment of the
    # intake, which is also that case's deadline (closure.spot).
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    # The case's promised deadline in force when this result was given: the KPIs judge "on
    # time" against it (supervision.kpis.closed_on_time), whatever the deadline becomes later.
    deadline = models.DateTimeField(_("deadline when given"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    # The signing screen's one-time token (SHA-256 of it) and when it runs out.
    signing_token_hash = models.CharField(max_length=64, blank=True)
    signing_expires_at = models.DateTimeField(null=True, blank=True)
    # The link sent to the visitor's phone ("your result is ready"): no staff session needed,
    # valid for CLOSURE_PHONE_SIGNING_HOURS, used once.
    public_token_hash = models.CharField(max_length=64, blank=True)
    public_expires_at = models.DateTimeField(null=True, blank=True)
    confirmation_kind = models.CharField(
        _("confirmation"), max_length=8, choices=Kind.choices, blank=True
    )
    signature = models.FileField(_("signature"), blank=True, max_length=200)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    not_solved = models.BooleanField(_("not solved"), default=False)
    reasons = models.TextField(_("reasons for dissatisfaction"), blank=True, max_length=2000)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    other_method = models.CharField(
        _("how confirmed"), max_length=12, choices=OtherMethod.choices, blank=True
    )
    other_detail = models.TextField(_("confirmation details"), blank=True, max_length=2000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approval_reason = models.TextField(_("approval reason"), blank=True, max_length=2000)
    new_deadline = models.DateTimeField(_("new promised deadline"), null=True, blank=True)

    class Meta:
        ordering = ["case", "number"]
        verbose_name = _("result round")
        verbose_name_plural = _("result rounds")
        indexes = [
            models.Index(
                fields=["public_token_hash"],
                name="resultround_public_token_idx",
                condition=~Q(public_token_hash=""),
            ),
            # The center head's approval queue on the desk (closures_awaiting_approval): a few
            # rounds among hundreds of thousands; without it every desk of the center head
            # read all result rounds (55 ms at 1,000,000 cases).
            models.Index(
                fields=["confirmed_at"],
                name="resultround_awaiting_idx",
                condition=Q(state="awaiting_approval"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="resultround_case_number"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="resultround_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(confirmation_kind="signed") | ~Q(signature=""),
                name="resultround_signed_has_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.number}"

    @property
    def is_dissatisfied(self) -> bool:
        return self.not_solved or self.rating in DISSATISFIED_RATINGS


class Callback(models.Model):
    """A call-back (回访) to the visitor after closure (CLO-3)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        EMAIL = "email", _("E-mail")
        ONLINE = "online", _("Online")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="callbacks")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("time"), auto_now_add=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    note = models.TextField(_("what the visitor said"), max_length=2000)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )

    class Meta:
        ordering = ["case", "made_at", "id"]
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="callback_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} call-back {self.made_at:%Y-%m-%d}"


class Kiosk(models.Model):
    """A counter tablet turned into a signing kiosk (closure.kiosk): its browser session holds
    nothing but this row's id, and it shows only the signing screen a staff member hands it."""

    name = models.CharField(_("name"), max_length=40)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    round = models.ForeignKey(
        ResultRound,
        verbose_name=_("signing screen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handed_until = models.DateTimeField(_("handed until"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")

    def __str__(self) -> str:
        return self.name
