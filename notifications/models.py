from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one staff member: a row of the transactional outbox.

    It is written in the same transaction as the change that causes it, so a rolled-back change
    notifies nobody and a committed one is never lost, even with the broker down. The unique key
    (recipient, kind, object, deadline version) makes "once per deadline" a database fact.
    The in-app copy is the row itself; ``email_state`` and ``webhook_state`` track the channels
    that leave the building, and ``next_attempt_at`` is set while one of them is pending.

    A row without a recipient is a message to a visitor (``notifications.visitor``): its
    address is looked up when it is sent (SMS to the phone, ``sms_state``; e-mail), never
    stored here, so an erased or opted-out visitor is not written to.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # notification_once and notification_inbox_idx both start with the recipient.
        db_index=False,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    deadline_version = models.PositiveIntegerField(default=0)
    # Subject and body per language code ({"zh-hans": {"subject": …, "body": …}, "en": …}),
    # rendered when the row is written, so that every channel speaks the reader's language.
    texts = models.JSONField(default=dict)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=State.choices, default=State.SKIPPED
    )
    webhook_state = models.CharField(
        _("chat webhook"), max_length=10, choices=State.choices, default=State.SKIPPED
    )
    sms_state = models.CharField(
        _("SMS"), max_length=10, choices=State.choices, default=State.SKIPPED
    )
    # The SMS template's parameters (a visitor message; see notifications.sms).
    params = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_type", "object_id", "deadline_version"],
                name="notification_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "deadline_version"],
                condition=Q(recipient__isnull=True),
                name="notification_visitor_once",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due_idx",
                condition=Q(next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_type}:{self.object_id} → {self.recipient_id}"

    def text(self, language: str | None = None) -> dict[str, str]:
        """Subject and body in ``language`` (default: the active one), else the site's."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        texts = self.texts or {}
        return (
            texts.get(language)
            or texts.get(settings.LANGUAGE_CODE)
            or next(iter(texts.values()), {"subject": self.kind, "body": ""})
        )

    @property
    def subject(self) -> str:
        return self.text()["subject"]

    @property
    def body(self) -> str:
        return self.text()["body"]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class CacheEntry(models.Model):
    """The table of the PostgreSQL cache (firstask/cache.py): the whole cache without Redis, the
    fallback while Redis is down. Django's DatabaseCache reads and writes it; the columns are
    those of ``createcachetable``. It lives here with the rest of the background plumbing."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "firstask_cache"

    def __str__(self) -> str:
        return self.cache_key


class Heartbeat(models.Model):
    """When a background part last showed life: ``beat`` when it last queued a task, ``worker``
    when it last started one (firstask/celery.py). Read by /healthz."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
