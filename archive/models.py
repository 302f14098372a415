from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category


class ArchiveRecord(models.Model):
    """A closed case filed for good (CLO-4): number GD-YYYY-<category>-NNNNN, filed by year,
    month and category. The database refuses to delete it, and to change it once its PDF is
    stored (0001_squashed)."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="archive_record"
    )
    number = models.CharField(_("archive number"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), blank=True, max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    data_sha256 = models.CharField(_("record data SHA-256"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered"), null=True, blank=True)
    # Set once, when a retention erasure re-rendered the stored PDF without personal data: the
    # only change the database allows to a final record (0001_squashed, archive.retention).
    redacted_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    class Meta:
        ordering = ["-archived_at", "-id"]
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        indexes = [
            models.Index(fields=["year", "month", "category"], name="archive_filing_idx"),
            models.Index(fields=["-archived_at"], name="archive_time_idx"),
            # A year's page walks this; on archive_time_idx it first skipped the later years'
            # records (309,669 of them for 2024 on the bench, 108 ms).
            models.Index(fields=["year", "-archived_at", "-id"], name="archive_year_time_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("archive:pdf", args=[self.number])


class ArchiveCounter(models.Model):
    """Last sequence handed out per year and category; upserted in the archiving transaction."""

    year = models.PositiveSmallIntegerField()
    category_code = models.CharField(max_length=10)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "category_code"], name="archive_counter_key")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.category_code}: {self.last}"


class ArchiveTally(models.Model):
    """How many records are filed per year, month and category. Records are never deleted nor
    refiled (0001_squashed), so a count bumped in the transaction that files a record
    (``services.tally_add``) stays equal to a GROUP BY over them; the archive page reads its
    totals from here instead of counting 700,000 records on every view."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "category"], name="archive_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.category_id}: {self.n}"


class ExportJob(models.Model):
    """An auditor's ZIP export of a filtered set of archives (CLO-5), built by a Celery task."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("archive export")
        verbose_name_plural = _("archive exports")

    def __str__(self) -> str:
        return f"export #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
