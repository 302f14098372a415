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


can_coordinate = permissions.can_coordinate


def require_owner_side(user: Any, case: Case) -> bool:
    """Raise NotAllowed unless the user may act as the owner; True when acting on behalf."""
    if not permissions.acts_for_owner(user, case):
        raise NotAllowed()
    return user.pk != case.owner_id


def require_member(user: Any, department: Department) -> None:
    if not is_member(user, department):
        raise NotAllowed()
