from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CASES_READ = "cases:read", _("Read cases, their timeline and status")
    CASES_WRITE = "cases:write", _("Register cases")
    RESULTS_WRITE = "results:write", _("Record results")
    REFERENCE_READ = "reference:read", _("Read departments and categories")


class ApiToken(models.Model):
    """A bearer token of one user (a person or an integration account such as the hotline's).

    Only the SHA-256 of the secret is kept; the token is shown once, when it is made. The
    prefix (the token's first characters, not secret) finds the row without a scan. A token
    never sees more than its user: every call runs as that user, through the same selectors
    and services as the pages, and only within the token's scopes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = ArrayField(
        models.CharField(max_length=20, choices=Scope.choices), verbose_name=_("scopes")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
