"""The one place that decides what a role may do (ARCHITECTURE.md, Security)."""

from __future__ import annotations

from typing import Any

STAFF = "staff"
DEPARTMENT_HEAD = "department_head"
CENTER_HEAD = "center_head"
AUDITOR = "auditor"
ADMIN = "admin"
ROLES = (STAFF, DEPARTMENT_HEAD, CENTER_HEAD, AUDITOR, ADMIN)


def roles_of(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_firstask_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached = cached | {ADMIN}
        user._firstask_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_center_head(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def is_auditor(user: Any) -> bool:
    return has_role(user, AUDITOR)


def is_department_head(user: Any) -> bool:
    return has_role(user, DEPARTMENT_HEAD)


def sees_all_cases(user: Any) -> bool:
    """Center head, auditors and admins read every case."""
    return has_role(user, CENTER_HEAD, AUDITOR, ADMIN)


def can_register_case(user: Any) -> bool:
    """Any active staff member can become a first responder; auditors only read (SPEC roles)."""
    return has_role(user, STAFF, DEPARTMENT_HEAD, CENTER_HEAD)


def can_reassign_owner(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def user_ids_with_role(role: str) -> list[int]:
    """Active members of a role, e.g. every center head for an overdue alert."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    return list(users.order_by("pk").values_list("pk", flat=True).distinct())
