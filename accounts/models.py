from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department of the center: the directory a first responder refers visitors to (REF-1)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=10, unique=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    location = models.CharField(_("office location"), max_length=120, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """岗位: a post of a department and the staff who hold it (§1.3.4, §3.2.2: a matter may
    involve several departments *or posts*)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("name"), max_length=60)
    duties = models.TextField(_("duties"), blank=True)
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), blank=True, related_name="posts"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="post_name_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"


class User(AbstractUser):
    """A staff member. Anyone who meets a visitor becomes the case's first responder."""

    name = models.CharField(_("full name"), max_length=40, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=20, blank=True)
    work_phone = models.CharField(_("work phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_notifications = models.BooleanField(_("e-mail notifications"), default=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.name or super().get_full_name()
