from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Post, User
from .signals import account_changed


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "contact_person", "phone", "location", "head", "is_active")
    search_fields = ("name", "code", "responsibilities")
    list_filter = ("is_active",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "is_active")
    list_filter = ("is_active", "department")
    search_fields = ("name", "duties")
    filter_horizontal = ("holders",)


def account_facts(user: User) -> dict[str, Any]:
    """What the audit trail keeps about an account change."""
    return {
        "username": user.username,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "department": user.department_id,
        "groups": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
    }


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "department", "employee_no", "is_active")
    list_filter = ("is_active", "groups", "department")
    search_fields = ("username", "name", "employee_no")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Center"),
            {
                "fields": (
                    "name",
                    "employee_no",
                    "work_phone",
                    "department",
                    "language",
                    "email_notifications",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj._facts_before = account_facts(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        after = account_facts(user)
        before = getattr(user, "_facts_before", None)
        if before != after:
            account_changed.send(
                sender=User, actor=request.user, user=user, before=before, after=after
            )
