"""Who may act on referrals and handoffs. Role checks go through accounts.permissions; what is
added here is the department membership that only this app knows about."""

from __future__ import annotations

from typing import Any

from accounts import permissions
from accounts.models import Department
from cases.errors import NotAllowed
from cases.models import Case


def is_member(user: Any, department: Department | int | None) -> bool:
    """An active staff member of the department (its head included)."""
    department_id = getattr(department, "pk", department)
    return bool(
        department_id
        and user.department_id == department_id
        and permissions.has_role(user, permissions.STAFF, permissions.DEPARTMENT_HEAD)
    )


def is_head_of(user: Any, department: Department) -> bool:
    if not permissions.roles_of(user):
        return False
    if department.head_id == user.pk:
        return True
    return permissions.is_department_head(user) and user.department_id == department.pk


def can_coordinate(user: Any) -> bool:
    """Schedules meetings, designates departments, rules disputes (HND-2, HND-4)."""
    return permissions.is_center_head(user)


def acts_for_owner(user: Any, case: Case) -> bool:
    """The owner, or the center head acting for an absent owner (the latter is logged)."""
    return user.pk == case.owner_id or permissions.is_center_head(user)


def require_owner_side(user: Any, case: Case) -> bool:
    """Raise NotAllowed unless the user may act as the owner; True when acting on behalf."""
    if user.pk == case.owner_id:
        return False
    if permissions.is_center_head(user):
        return True
    raise NotAllowed()


def require_member(user: Any, department: Department) -> None:
    if not is_member(user, department):
        raise NotAllowed()
