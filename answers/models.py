from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from cases.models import Category


class CannedAnswer(models.Model):
    """A ready answer to a question asked every day, kept by a department for one category;
    the front desk inserts it as the on-the-spot answer (counted in ``usage_count``)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("question"), max_length=120)
    body = models.TextField(_("answer"), max_length=4000)
    is_active = models.BooleanField(_("in use"), default=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["category", "-usage_count", "title"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        indexes = [models.Index(fields=["-usage_count"], name="cannedanswer_usage_idx")]

    def __str__(self) -> str:
        return self.title
