"""The one place that decides what a role may do (ARCHITECTURE.md, Security)."""

from __future__ import annotations

from typing import Any

STAFF = "staff"
DEPARTMENT_HEAD = "department_head"
CENTER_HEAD = "center_head"
AUDITOR = "auditor"
ADMIN = "admin"
ROLES = (STAFF, DEPARTMENT_HEAD, CENTER_HEAD, AUDITOR, ADMIN)


# Role names are kept in the cache between requests under a version that any change of a
# membership or of a group bumps (accounts/signals.py): one query less on every page, and a
# role taken away counts from the next request on. The TTL is only a safety net.
ROLES_CACHE_SECONDS = 300
ROLES_VERSION_KEY = "accounts:roles:version"


def roles_of(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_firstask_roles", None)
    if cached is None:
        cached = _kept_roles(user)
        if user.is_superuser:
            cached = cached | {ADMIN}
        user._firstask_roles = cached
    return cached


def _kept_roles(user: Any) -> frozenset[str]:
    from django.core.cache import cache

    key = f"accounts:roles:{cache.get(ROLES_VERSION_KEY, 0)}:{user.pk}"
    names = cache.get(key)
    if names is None:
        names = sorted(user.groups.values_list("name", flat=True))
        cache.set(key, names, ROLES_CACHE_SECONDS)
    return frozenset(names)


def roles_changed() -> None:
    """Forget every kept role list (a membership or a group changed). A new version, not an
    increment: counted from nothing while Redis was down (firstask/cache.py), an increment
    could return to a version whose lists Redis still holds."""
    import time

    from django.core.cache import cache

    cache.set(ROLES_VERSION_KEY, time.time_ns(), None)


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_center_head(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def is_auditor(user: Any) -> bool:
    return has_role(user, AUDITOR)


def is_department_head(user: Any) -> bool:
    return has_role(user, DEPARTMENT_HEAD)


def can_coordinate(user: Any) -> bool:
    """Schedules and records coordination meetings, rules disputes, opens the desk (HND-2/4/5)."""
    return has_role(user, CENTER_HEAD)


def acts_for_owner(user: Any, case: Any) -> bool:
    """The case's owner, or the center head acting for an absent owner (services log the
    latter as on behalf). The one place this rule is written: services, selectors, views and
    the flags templates read all ask here."""
    return user.pk == case.owner_id or is_center_head(user)


def sees_all_cases(user: Any) -> bool:
    """Center head, auditors and admins read every case."""
    return has_role(user, CENTER_HEAD, AUDITOR, ADMIN)


def can_register_case(user: Any) -> bool:
    """Any active staff member can become a first responder; auditors only read (SPEC roles)."""
    return has_role(user, STAFF, DEPARTMENT_HEAD, CENTER_HEAD)


def can_reassign_owner(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def can_reveal_personal_data(user: Any) -> bool:
    """PRV-1: may ask to see a visitor's data in full, giving a reason (logged)."""
    return has_role(user, CENTER_HEAD, AUDITOR)


def can_manage_personal_data(user: Any) -> bool:
    """Answers a visitor's access request (export) and corrects their data."""
    return has_role(user, CENTER_HEAD)


def can_approve_closure(user: Any) -> bool:
    """CLO-3: a closure the visitor did not sign needs the center head."""
    return has_role(user, CENTER_HEAD)


def can_export_archive(user: Any) -> bool:
    """CLO-5: auditors (and the center head) download and export archived cases."""
    return has_role(user, AUDITOR, CENTER_HEAD, ADMIN)


# --- supervision (SUP-1..3, TRN-1, KPI-1..2) ---
def is_supervisor(user: Any) -> bool:
    """Center head and auditors run supervision: complaints, inspections, work meetings."""
    return has_role(user, CENTER_HEAD, AUDITOR)


def can_handle_complaints(user: Any) -> bool:
    """Log hotline/mailbox complaints, investigate them and record findings."""
    return is_supervisor(user)


def can_run_inspections(user: Any) -> bool:
    return has_role(user, AUDITOR)


def can_record_meetings(user: Any) -> bool:
    return is_supervisor(user)


def can_manage_training(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def can_record_rewards(user: Any) -> bool:
    return has_role(user, CENTER_HEAD)


def sees_all_kpis(user: Any) -> bool:
    """Center head and auditors see every KPI; department heads their department's; staff
    their own."""
    return has_role(user, CENTER_HEAD, AUDITOR, ADMIN)


def user_ids_with_role(role: str) -> list[int]:
    """Active members of a role, e.g. every center head for an overdue alert."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name=role, is_active=True)
    return list(users.order_by("pk").values_list("pk", flat=True).distinct())


def can_read_audit_trail(user: Any) -> bool:
    """The audit trail and the personal-data access log: auditors and the center head (AUD-2)."""
    return has_role(user, AUDITOR, CENTER_HEAD, ADMIN)


def can_manage_directory(user: Any) -> bool:
    """Bulk import and export of departments, staff and categories (directory/)."""
    return has_role(user, CENTER_HEAD, ADMIN)
