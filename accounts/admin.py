from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "contact_person", "phone", "location", "head", "is_active")
    search_fields = ("name", "code", "responsibilities")
    list_filter = ("is_active",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "department", "employee_no", "is_active")
    list_filter = ("is_active", "groups", "department")
    search_fields = ("username", "name", "employee_no")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
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
