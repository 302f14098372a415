"""Bulk import and export of reference data: departments, posts, staff (roles, department), case
categories and canned answers, from and to CSV or XLSX (tablib: one small library reads both
formats; the rules, the dry run and the row errors are ours, so django-import-export's admin
machinery would add little but another place for messages).

An import is planned first (`import_plan`, read-only): every row is checked and compared with
the database, giving what it would create or change and, for a bad row, why (in the reader's
language). `import_apply` plans again inside the transaction and refuses when the result differs
from the plan the person confirmed; otherwise it writes the good rows and one audit event.
Posts and canned answers have no code of their own: a row names its record by the columns of
``Kind.identity`` together (department and post name; category, department and question).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Post, User
from accounts.permissions import ADMIN, ROLES, has_role
from answers.models import CannedAnswer
from audit.services import audit_record
from cases.models import Category

from .services import user_roles_set

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FORMATS = ("csv", "xlsx")
TRUE = {"1", "true", "yes", "y", "是", "启用", "在职"}
FALSE = {"0", "false", "no", "n", "否", "停用", "离职"}
ROLE_SPLIT = re.compile(r"[,;，；、\s]+")
HOLDER_SPLIT = re.compile(r"[,;，；、]+")
KEY_JOIN = " / "  # between the parts of a composite key, as the dry run shows it


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who sent it."""


class PlanChanged(Exception):
    """The database changed since the dry run: the confirmed plan is not what would happen."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any
    model: Any  # Department, Post, User, Category or CannedAnswer
    identity: tuple[str, ...]  # the columns that together name one record
    columns: tuple[str, ...]
    required: tuple[str, ...]
    unique: tuple[str, ...] = ()  # besides the key: columns no two records share
    authored: bool = False  # new records record the importing person as their author

    @property
    def key(self) -> str:
        """The plain field the rows are first looked up by (the last part of the identity)."""
        return self.identity[-1]


KINDS = {
    "departments": Kind(
        "departments",
        gettext_lazy("Departments"),
        Department,
        ("code",),
        ("code", "name", "responsibilities", "contact_person", "phone", "email", "location",
         "head", "is_active"),
        ("code", "name"),
        ("name",),
    ),
    "staff": Kind(
        "staff",
        gettext_lazy("Staff"),
        User,
        ("username",),
        ("username", "name", "email", "employee_no", "work_phone", "department", "roles",
         "is_active"),
        ("username",),
    ),
    "categories": Kind(
        "categories",
        gettext_lazy("Case categories"),
        Category,
        ("code",),
        ("code", "name", "sort_order", "is_active"),
        ("code", "name"),
        ("name",),
    ),
    "posts": Kind(
        "posts",
        gettext_lazy("Posts"),
        Post,
        ("department", "name"),
        ("department", "name", "duties", "holders", "is_active"),
        ("department", "name"),
    ),
    "answers": Kind(
        "answers",
        gettext_lazy("Canned answers"),
        CannedAnswer,
        ("category", "department", "title"),
        ("category", "department", "title", "body", "is_active"),
        ("category", "department", "title", "body"),
        authored=True,
    ),
}  # fmt: skip
PATHS = {"department": "department__code", "category": "category__code"}  # a column's lookup


@dataclass
class Row:
    line: int
    key: str
    action: str = "unchanged"  # create | update | unchanged | error
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # cleaned, for the write


@dataclass
class Plan:
    kind: Kind
    rows: list[Row]

    @property
    def good(self) -> list[Row]:
        return [row for row in self.rows if row.action in ("create", "update")]

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def fingerprint(self) -> str:
        """What the good rows would do; the confirm step must find the same."""
        facts = [(r.line, r.key, r.action, sorted(r.changes.items())) for r in self.good]
        return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


# --- reading files ---


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def dataset_read(*, content: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, or GB18030 as Excel writes it in China) or XLSX file."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise ImportFileError(_("Only .csv and .xlsx files can be imported."))
    try:
        if suffix == "xlsx":
            data = tablib.Dataset().load(content, format="xlsx")
        else:
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = content.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))
            data = tablib.Dataset().load(text, format="csv")
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure is a file the person must fix
        raise ImportFileError(_("The file cannot be read: %(error)s") % {"error": error}) from error
    headers = [_cell(h).lower() for h in (data.headers or [])]
    if not headers:
        raise ImportFileError(_("The file has no header row."))
    if len(data) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    return [dict(zip(headers, (_cell(v) for v in row), strict=False)) for row in data]


# --- planning ---


def _max_length(model: type[models.Model], name: str) -> int | None:
    try:
        return getattr(model._meta.get_field(name), "max_length", None)
    except FieldDoesNotExist:  # roles: not a field
        return None


def _bool(value: str, errors: list[str], column: str) -> bool | None:
    folded = value.lower()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    errors.append(
        _("Column %(column)s: %(value)s is not yes/no (1/0, 是/否).")
        % {"column": column, "value": value}
    )
    return None


def _clean(kind: Kind, raw: dict[str, str], errors: list[str]) -> dict[str, Any]:
    """The row's values, as the model stores them; only the columns the file has."""
    values: dict[str, Any] = {}
    for column in kind.columns:
        if column not in raw:
            continue
        value = raw[column]
        if column in kind.required and not value:
            errors.append(_("Column %(column)s is required.") % {"column": column})
            continue
        limit = _max_length(kind.model, column)
        if limit and len(value) > limit:
            errors.append(
                _("Column %(column)s is longer than %(limit)d characters.")
                % {"column": column, "limit": limit}
            )
            continue
        if column == "is_active":
            if value:
                values[column] = _bool(value, errors, column)
        elif column == "email" and value:
            try:
                validate_email(value)
                values[column] = value
            except ValidationError:
                errors.append(_("%(value)s is not an e-mail address.") % {"value": value})
        elif column == "sort_order":
            if value and not value.isdigit():
                errors.append(_("Column sort_order must be a whole number ≥ 0."))
            else:
                values[column] = int(value or 0)
        elif column == "username":
            try:
                UnicodeUsernameValidator()(value)
                values[column] = value
            except ValidationError:
                errors.append(
                    _("Username %(value)s may contain only letters, digits and @ . + - _.")
                    % {"value": value}
                )
        else:
            values[column] = value
    return values


@dataclass
class _Lookups:
    """What the rows refer to, read in a few queries for the whole file (500 staff: 5 queries,
    not 2,500)."""

    existing: dict[str, Any]
    departments: dict[str, Department]
    categories: dict[str, Category]
    users: dict[str, User]  # department heads and post holders named in the file
    taken: dict[tuple[str, str], str]  # (unique column, value) -> key of the record holding it

    @classmethod
    def read(cls, spec: Kind, rows: list[dict[str, str]]) -> _Lookups:
        def column(name: str) -> set[str]:
            return {row.get(name, "") for row in rows} - {""}

        holders = {n for v in column("holders") for n in HOLDER_SPLIT.split(v)}
        query = _queryset(spec).filter(**{f"{spec.key}__in": column(spec.key)})
        taken: dict[tuple[str, str], str] = {}
        for name in spec.unique:
            holding = spec.model.objects.filter(**{f"{name}__in": column(name)})
            taken |= {(name, v): k for v, k in holding.values_list(name, spec.key)}
        usernames = (column("head") | {n.strip() for n in holders}) - {""}
        return cls(
            existing=_first_by_key(spec, query),
            departments={
                d.code: d for d in Department.objects.filter(code__in=column("department"))
            },
            categories={c.code: c for c in Category.objects.filter(code__in=column("category"))},
            users={u.username: u for u in User.objects.filter(username__in=usernames)},
            taken=taken,
        )


def _queryset(spec: Kind) -> models.QuerySet:
    query = spec.model.objects.all()
    if spec.model is User:
        return query.select_related("department").prefetch_related("groups")
    if spec.model is Department:
        return query.select_related("head")
    if spec.model is Post:
        return query.select_related("department").prefetch_related("holders")
    if spec.model is CannedAnswer:
        return query.select_related("category", "department")
    return query


def _first_by_key(spec: Kind, query: models.QuerySet) -> dict[str, Any]:
    # Canned answers may repeat a question: the row updates the first, as _write finds it.
    existing: dict[str, Any] = {}
    for obj in query:
        existing.setdefault(_key_of(spec, obj), obj)
    return existing


def _key_of(spec: Kind, obj: Any) -> str:
    return KEY_JOIN.join(str(_shown(getattr(obj, name))) for name in spec.identity)


def _key_in(spec: Kind, raw: dict[str, str]) -> str:
    return KEY_JOIN.join(raw.get(name, "") for name in spec.identity)


def _resolve(values: dict[str, Any], errors: list[str], found: _Lookups) -> dict[str, Any]:
    """Foreign keys and roles named in the row, looked up."""
    if "head" in values:
        name = values.pop("head")
        values["head"] = found.users.get(name) if name else None
        if name and values["head"] is None:
            errors.append(_("Head %(value)s is not a staff member.") % {"value": name})
    if "department" in values:
        code = values.pop("department")
        values["department"] = found.departments.get(code) if code else None
        if code and values["department"] is None:
            errors.append(_("Department code %(value)s does not exist.") % {"value": code})
    if "category" in values:
        code = values.pop("category")
        values["category"] = found.categories.get(code)
        if code and values["category"] is None:
            errors.append(_("Category code %(value)s does not exist.") % {"value": code})
    if "holders" in values:
        names = sorted({n.strip() for n in HOLDER_SPLIT.split(values["holders"])} - {""})
        if unknown := [n for n in names if n not in found.users]:
            errors.append(
                _("Holder %(value)s is not a staff member.") % {"value": "、".join(unknown)}
            )
        values["holders"] = names
    if "roles" in values:
        names = [n for n in ROLE_SPLIT.split(values["roles"]) if n]
        if unknown := [n for n in names if n not in ROLES]:
            errors.append(
                _("Unknown role %(value)s; roles are %(roles)s.")
                % {"value": "、".join(unknown), "roles": "、".join(ROLES)}
            )
        values["roles"] = sorted(set(names) & set(ROLES))
    return values


def _current(kind: Kind, obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if name == "roles":  # groups are prefetched
        return sorted(group.name for group in obj.groups.all() if group.name in ROLES)
    if name == "holders":  # prefetched
        return sorted(user.username for user in obj.holders.all())
    return getattr(obj, name)


def _shown(value: Any) -> Any:
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or getattr(value, "username", str(value))
    if isinstance(value, list):
        return "、".join(value)
    return value


def _roles_allowed(actor: Any, row: Row, values: dict[str, Any], obj: Any) -> None:
    """Role changes an import may not make: the admin role is granted or taken away only by an
    administrator, and nobody changes their own roles (actor None: the command line)."""
    if actor is None or "roles" not in values:
        return
    before = set(_current(KINDS["staff"], obj, "roles") or [])
    after = set(values["roles"])
    if before == after:
        return
    if obj is not None and obj.pk == actor.pk:
        row.errors.append(_("You cannot change your own roles by an import."))
    elif ADMIN in before ^ after and not has_role(actor, ADMIN):
        row.errors.append(_("Only an administrator may grant or take away the admin role."))


def import_plan(*, kind: str, rows: list[dict[str, str]], actor: Any = None) -> Plan:
    """What the rows would do, without writing anything."""
    spec = KINDS[kind]
    missing = [c for c in spec.required if rows and c not in rows[0]]
    if spec.authored and actor is None:
        raise ImportFileError(
            _("Name the person importing (--actor): they are recorded as the author.")
        )
    if not rows:
        raise ImportFileError(_("The file has no data rows."))
    if missing:
        raise ImportFileError(
            _("Missing column(s): %(columns)s. The columns are: %(all)s.")
            % {"columns": ", ".join(missing), "all": ", ".join(spec.columns)}
        )
    identity = "+".join(spec.identity)
    seen: dict[str, dict[str, int]] = {c: {} for c in (identity, *spec.unique)}
    found = _Lookups.read(spec, rows)
    plan = Plan(spec, [])
    for line, raw in enumerate(rows, start=2):  # line 1 holds the headers
        row = Row(line=line, key=_key_in(spec, raw))
        if not any(raw.values()):
            continue  # blank line
        values = _resolve(_clean(spec, raw, row.errors), row.errors, found)
        for column in seen:
            value = row.key if column == identity else raw.get(column, "")
            named = all(raw.get(c) for c in spec.identity) if column == identity else value
            if named and value in seen[column]:
                row.errors.append(
                    _("%(column)s %(value)s repeats line %(line)d.")
                    % {"column": column, "value": value, "line": seen[column][value]}
                )
            seen[column].setdefault(value, line)
        obj = found.existing.get(row.key)
        for column in spec.unique:
            holder = found.taken.get((column, values.get(column, "")))
            if holder is not None and holder != row.key:
                row.errors.append(
                    _("Name %(value)s belongs to another record already.")
                    % {"value": values[column]}
                )
        if spec.model is User:
            _roles_allowed(actor, row, values, obj)
        if row.errors:
            row.action = "error"
        else:
            for name, value in values.items():
                if name in spec.identity:
                    continue
                before = _current(spec, obj, name)
                if obj is None or before != value:
                    row.changes[name] = (_shown(before), _shown(value))
            row.action = "create" if obj is None else ("update" if row.changes else "unchanged")
        row.values = values
        plan.rows.append(row)
    return plan


# --- applying ---


def _write(spec: Kind, row: Row, actor: Any) -> None:
    values = dict(row.values)
    roles = values.pop("roles", None)
    holders = values.pop("holders", None)
    named = {name: values[name] for name in spec.identity}
    obj = spec.model.objects.filter(**named).first()
    if obj is None:
        obj = spec.model(**named)
        if isinstance(obj, User):
            obj.set_unusable_password()  # signs in through SSO, or an admin sets a password
        if spec.authored:
            obj.created_by = actor
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    if roles is not None:
        user_roles_set(user=obj, roles=roles)
    if holders is not None:
        obj.holders.set(User.objects.filter(username__in=holders))


@transaction.atomic
def import_apply(
    *, actor: Any, kind: str, rows: list[dict[str, str]], fingerprint: str, filename: str
) -> Plan:
    """Write the good rows of a confirmed dry run, after planning again: a plan that no longer
    matches (someone changed the data meanwhile) raises PlanChanged and writes nothing."""
    # One import at a time: two confirms of overlapping files would each pass their re-check.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('firstask.directory.import'))")
    spec = KINDS[kind]
    plan = import_plan(kind=kind, rows=rows, actor=actor)
    if plan.fingerprint() != fingerprint:
        raise PlanChanged
    for row in plan.good:
        _write(spec, row, actor)
    audit_record(
        actor=actor,
        action="directory.import",
        object_type=kind,
        object_id=filename[:64],
        after={
            "created": [r.key for r in plan.rows if r.action == "create"],
            "updated": {r.key: sorted(r.changes) for r in plan.rows if r.action == "update"},
            "rows_with_errors": [r.line for r in plan.bad],
        },
    )
    return plan


# --- export ---


def _exported(spec: Kind, obj: Any, column: str) -> Any:
    if column == "roles":
        return ",".join(sorted(g.name for g in obj.groups.all() if g.name in ROLES))
    if column == "holders":
        return "、".join(sorted(user.username for user in obj.holders.all()))
    if column == "is_active":
        return 1 if obj.is_active else 0
    value = getattr(obj, column)
    if isinstance(value, models.Model):
        return _shown(value)
    return "" if value is None else value


def export_dataset(*, kind: str) -> tablib.Dataset:
    """Every record of the kind, in the columns the import reads (a round trip changes nothing)."""
    spec = KINDS[kind]
    query = _queryset(spec).order_by(*(PATHS.get(name, name) for name in spec.identity), "pk")
    data = tablib.Dataset(headers=list(spec.columns))
    for obj in query:
        data.append([_exported(spec, obj, column) for column in spec.columns])
    return data


def export_bytes(*, kind: str, fmt: str) -> bytes:
    data = export_dataset(kind=kind)
    if fmt == "xlsx":
        return data.export("xlsx")
    # A byte-order mark: Excel opens UTF-8 CSV with Chinese text correctly only with one.
    return ("\ufeff" + data.export("csv")).encode("utf-8")
