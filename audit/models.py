from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .checkpoints import Checkpoint


class AuditEvent(models.Model):
    """One append-only entry of the audit trail (AUD-1).

    Rows are chained: ``hash`` is SHA-256 over this row's canonical content and ``prev_hash``.
    The database refuses UPDATE and DELETE (trigger in 0001_squashed); ``audit_verify`` walks
    the chain. ``before``/``after`` never hold raw personal data (services pass masked values).
    """

    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class PersonalDataAccess(models.Model):
    """Who saw a visitor's name and phone in full, when, on which case and why (PRV-1).

    A log, not business state: append-only like the audit trail (trigger in 0001_squashed),
    but not hash-chained, since every full view of a case page writes one row.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed on the case page")
        REVEAL = "reveal", _("Revealed with a reason")
        EXPORT = "export", _("Exported (access request)")
        CORRECT = "correct", _("Corrected")

    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    case_number = models.CharField(_("case number"), max_length=20, blank=True)
    visitor_id = models.PositiveBigIntegerField(_("visitor"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["visitor_id", "created_at"], name="pii_access_visitor_idx"),
            models.Index(fields=["actor", "created_at"], name="pii_access_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} visitor {self.visitor_id}"


class AuditCheckpoint(models.Model):
    """A signed anchor of the chain's head (audit/checkpoints.py says why and how).

    Append-only like the events (trigger in its migration). The signature is over the token's
    text, so the row proves nothing by itself that the mailed token does not: it is kept to let
    ``audit_verify`` check every past head without a pasted token, and to print the day's token.
    """

    created_at = models.DateTimeField(_("time"))
    last_event_id = models.PositiveBigIntegerField(_("last event"))
    event_count = models.PositiveBigIntegerField(_("events up to it"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    signature = models.CharField(_("signature"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        indexes = [models.Index(fields=["created_at"], name="audit_checkpoint_time_idx")]

    def __str__(self) -> str:
        return self.as_checkpoint().token

    def as_checkpoint(self) -> Checkpoint:
        return Checkpoint(
            last_event_id=self.last_event_id,
            event_count=self.event_count,
            head_hash=self.head_hash,
            created_at=self.created_at,
            signature=self.signature,
        )


class AuditVerification(models.Model):
    """One run of the chain check asked for on the /audit/ page (run by a worker)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        DONE = "done", _("Done")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    intact = models.BooleanField(_("intact"), null=True)
    events = models.PositiveBigIntegerField(_("events checked"), default=0)
    findings = models.JSONField(_("findings"), default=list, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"
