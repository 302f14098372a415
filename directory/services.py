"""Writes of the directory: an account brought in line with what single sign-on says."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Department, User
from accounts.permissions import ROLES
from audit.services import audit_record

logger = logging.getLogger(__name__)


def department_find(value: str) -> Department | None:
    """A department by its code, else by its name (directories hold either)."""
    value = value.strip()
    if not value:
        return None
    return (
        Department.objects.filter(code__iexact=value).first()
        or Department.objects.filter(name=value).first()
    )


def _facts(user: User) -> dict[str, Any]:
    return {
        "roles": sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True)),
        "department": user.department.code if user.department else None,
        "name": user.name,
        "email": user.email,
    }


def user_roles_set(*, user: User, roles: Iterable[str]) -> None:
    """Make the user's role groups exactly ``roles``; groups that are not roles stay."""
    wanted = set(roles) & set(ROLES)
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if remove := current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=remove))
    if add := wanted - current:
        user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in sorted(add)))


@transaction.atomic
def sso_user_apply(
    *,
    user: User,
    source: str,
    roles: Iterable[str],
    department: str | None,
    name: str = "",
    email: str = "",
    new: bool = False,
) -> User:
    """What the identity provider says about a user who just signed in: roles replaced by the
    mapped ones, department set when the directory names one we know (kept otherwise), name
    and e-mail refreshed. An audit event when anything changed (or the account is new)."""
    created = new or user.pk is None
    if user.pk is None:
        user.set_unusable_password()  # only the provider signs them in
        user.save()
    before = None if created else _facts(user)
    fields: list[str] = []
    if name and user.name != name[:40]:
        user.name, fields = name[:40], [*fields, "name"]
    if email and user.email != email:
        user.email, fields = email, [*fields, "email"]
    if department is not None:
        found = department_find(department)
        if found is None:
            logger.warning("%s: %s's department %r is not one of ours", source, user, department)
        elif user.department_id != found.pk:
            user.department, fields = found, [*fields, "department"]
    if fields:
        user.save(update_fields=fields)
    user_roles_set(user=user, roles=roles)
    after = _facts(user)
    if after != before:
        audit_record(
            actor=user,
            action=f"user.sso_{'create' if created else 'sync'}",
            object_type="user",
            object_id=user.username,
            before=before,
            after={**after, "source": source},
        )
    return user
