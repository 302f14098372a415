"""Every read that depends on who asks. An invisible case is a 404, exactly like a missing one."""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from psycopg import sql

from accounts import permissions
from accounts.models import User
from firstask.sql import db_table, pk_in, pk_in_array, render

from . import calendar, extensions
from .models import ACTIVE_STATUSES, OPEN_STATUSES, Case


def _base() -> QuerySet[Case]:
    return Case.objects.select_related("owner", "owner_department", "category", "visitor")


# What a row of a case table shows (templatetags/case_tags.case_rows): a list page loads only
# these columns of its cases and of their visitor, category and owner.
LISTED_FIELDS = (
    "number", "subject", "status", "deadline", "visitor_name", "category",
    "category__name", "owner", "owner__name", "owner__first_name", "owner__last_name",
    "owner__username",
)  # fmt: skip


def listed_cases() -> QuerySet[Case]:
    """Cases as a case table shows them."""
    return Case.objects.select_related("category", "owner").only(*LISTED_FIELDS)


# Beyond this many cases involving a department, they stay a subquery rather than a list.
INVOLVED_LISTED = 50_000


def id_in(ids: list[int]) -> Q:
    """``pk IN ids`` written as ``id = ANY(array)``, with the array as one text parameter
    (psycopg adapts a list element by element in Python: 10 ms for 11,000 ids). Unlike a
    subquery, this condition joins the other conditions' indexes in a BitmapOr or BitmapAnd,
    so a capped count stops early whichever condition is the narrow one."""
    return pk_in(Case, ids)


def _id_in_array(array: str) -> Q:
    """``id = ANY(array)`` with a PostgreSQL array literal of ids ("{1,2,3}")."""
    return pk_in_array(Case, array)


def involved_condition(department_id: int) -> Q:
    """The cases a department works on (referrals, assignments), as id_in when they are not
    too many, else as a subquery. The ids come back as one text, the array literal itself:
    read as 11,000 Python integers they cost the list page 10 ms."""
    through = Case.involved_departments.through
    query = sql.SQL(
        "SELECT count(*), string_agg(case_id::text, ',') FROM (SELECT case_id FROM "
        "{table} WHERE department_id = %s LIMIT %s) listed"
    ).format(table=db_table(through))
    with connections[through.objects.db].cursor() as cursor:  # the replica on a list page
        cursor.execute(render(query), [department_id, INVOLVED_LISTED + 1])
        count, listed = cursor.fetchone()
    if count > INVOLVED_LISTED:
        return Q(pk__in=through.objects.filter(department_id=department_id).values("case_id"))
    return _id_in_array("{" + (listed or "") + "}")


def visible_cases(user: User, *, walk: bool = False) -> QuerySet[Case]:
    """Cases the user may open: everyone sees their own; a department sees what it works on;
    a department head sees the cases of the department's staff; center head and auditors all.

    How the rule is written decides the plan at a million cases. A staff member sees a small
    share (own cases, cases referred to the department): a UNION of the case ids, one indexed
    lookup each, collects them at once, where an OR of the conditions would read every case.
    A department head sees a large share (all the department's cases): then an OR filter is the
    cheaper one, as the list walks its sort index and finds a page within a few hundred rows.

    ``walk=True`` asks for the OR form for a staff member too: the list uses it to find one
    sorted page once it knows the set is large (its capped count), where walking the sort
    index meets 25 visible cases within a few thousand rows; the UNION form would have to
    collect and sort all of them first. For a small set the walk would read the whole index."""
    qs = _base()
    if permissions.sees_all_cases(user):
        return qs
    if not permissions.roles_of(user):
        return qs.none()
    if not user.department_id:
        return qs.filter(owner=user)
    involved = Case.involved_departments.through.objects.filter(
        department_id=user.department_id
    ).values("case_id")
    if permissions.is_department_head(user):
        return qs.filter(
            Q(owner=user) | Q(owner_department_id=user.department_id) | Q(pk__in=involved)
        )
    if walk:
        return qs.filter(Q(owner=user) | Q(pk__in=involved))
    own = Case.objects.filter(owner=user).order_by().values("pk")
    return qs.filter(pk__in=own.union(involved))


# What a case number can look like (prefix-YYYYMMDD-NNNN); anything else is not looked up, so
# a typed path (NUL bytes included) never reaches the database.
_NUMBER = re.compile(r"[A-Za-z0-9-]{1,20}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def case_get_for_user(*, user: User, number: str) -> Case:
    if not _NUMBER.fullmatch(number):
        raise Http404
    # The OR form: one case found by its number is checked against the rule directly, where
    # the UNION form would first collect every case the user may see.
    found = visible_cases(user, walk=True).filter(number=number)
    case = found.select_related(*extensions.case_joins()).first()
    if case is None:
        raise Http404
    return case


def case_shows_personal_data(*, user: User, case: Case) -> bool:
    """PRV-1: the owner, the departments working on the case and the center head see the
    visitor's name and phone in full; everyone else sees them masked. Whether a department still
    works on the case is for the apps that give it work to say (``extensions.PersonalDataHolder``:
    a department that returned its referral or lost its assignment sees them masked again);
    without an opinion, every department ever involved sees them."""
    if permissions.acts_for_owner(user, case):
        return True
    if not user.department_id:
        return False
    held = extensions.holds_personal_data(user=user, case=case)
    if held is not None:
        return held
    return case.involved_departments.filter(pk=user.department_id).exists()


def case_timeline(*, case: Case) -> QuerySet:
    return case.events.select_related("actor").order_by("created_at", "id")


@dataclass
class Desk:
    counts: dict[str, int]
    overdue: list[Case]
    due_today: list[Case]
    due_soon: list[Case]
    waiting_on_others: list[Case]
    awaiting_visitor: list[Case]
    other_open: list[Case]
    # The center head also gets every overdue case of the center, longest overdue first.
    center_overdue: list[Case] = field(default_factory=list)
    center_overdue_count: int = 0


def desk_for_user(*, user: User, now: dt.datetime | None = None, limit: int = 20) -> Desk:
    """OWN-4: the user's open cases by urgency, counted in one query and listed in one more.
    Each list shows its ``limit`` most urgent cases (the page links to the rest in the case
    list): a busy desk rendered 150 rows, most of a request's time."""
    now = now or timezone.now()
    today = calendar.local_date(now)
    end_today = calendar.workday_end(today).replace(hour=23, minute=59, second=59)
    soon_day = calendar.add_working_days(today, 2)
    end_soon = calendar.workday_end(soon_day).replace(hour=23, minute=59, second=59)
    active = Q(status__in=ACTIVE_STATUSES)
    buckets = {
        "overdue": active & Q(deadline__lt=now),
        "due_today": active & Q(deadline__gte=now, deadline__lte=end_today),
        "due_soon": active & Q(deadline__gt=end_today, deadline__lte=end_soon),
        "waiting_on_others": Q(status__in=[Case.Status.REFERRED, Case.Status.COORDINATING])
        & Q(deadline__gt=end_soon),
        "awaiting_visitor": Q(status=Case.Status.AWAITING_CONFIRMATION),
        "other_open": Q(status=Case.Status.OPEN, deadline__gt=end_soon),
    }
    # Every bucket is an open status: counting only those keeps to the owner's open cases
    # (case_owner_open_idx) however many closed ones years of work have left.
    mine = Case.objects.filter(owner=user, status__in=OPEN_STATUSES)
    counts = mine.aggregate(**{name: Count("pk", filter=rule) for name, rule in buckets.items()})
    open_cases = list(
        listed_cases()
        .filter(owner=user, status__in=OPEN_STATUSES)
        .order_by("deadline")[: limit * 3]
    )
    lists: dict[str, list[Case]] = {name: [] for name in buckets}
    for case in open_cases:
        lists[_bucket_of(case, now=now, end_today=end_today, end_soon=end_soon)].append(case)
    top = {name: items[:limit] for name, items in lists.items()}
    desk = Desk(
        counts=counts,
        overdue=top["overdue"],
        due_today=top["due_today"],
        due_soon=top["due_soon"],
        waiting_on_others=top["waiting_on_others"],
        awaiting_visitor=top["awaiting_visitor"],
        other_open=top["other_open"],
    )
    if permissions.is_center_head(user):
        overdue = listed_cases().filter(status__in=ACTIVE_STATUSES, deadline__lt=now)
        overdue = overdue.order_by("deadline")
        desk.center_overdue = list(overdue[:limit])
        desk.center_overdue_count = (
            len(desk.center_overdue) if len(desk.center_overdue) < limit else overdue.count()
        )
    return desk


def _bucket_of(
    case: Case, *, now: dt.datetime, end_today: dt.datetime, end_soon: dt.datetime
) -> str:
    if case.status == Case.Status.AWAITING_CONFIRMATION:
        return "awaiting_visitor"
    if case.deadline and case.deadline < now:
        return "overdue"
    if case.deadline and case.deadline <= end_today:
        return "due_today"
    if case.deadline and case.deadline <= end_soon:
        return "due_soon"
    if case.status in (Case.Status.REFERRED, Case.Status.COORDINATING):
        return "waiting_on_others"
    return "other_open"


def case_for_status_lookup(*, number: str, query_code: str) -> Case | None:
    """PRV-2: the case only when number and code match; unknown and wrong look the same."""
    case = (
        Case.objects.select_related("owner", "owner_department")
        .filter(number=number.strip().upper())
        .first()
    )
    code = query_code.strip().upper()
    expected = case.query_code if case else "X" * 8
    if hmac.compare_digest(expected.encode(), code.encode()) and case is not None:
        return case
    return None


def case_for_status_token(*, token: str) -> Case | None:
    if not _TOKEN.fullmatch(token):
        return None
    return (
        Case.objects.select_related("owner", "owner_department").filter(status_token=token).first()
    )
