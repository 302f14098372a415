"""Bulk import and export of reference data: departments, staff (roles, department) and case
categories, from and to CSV or XLSX (tablib: one small library reads both formats; the rules,
the dry run and the row errors are ours, so django-import-export's admin machinery would add
little but another place for messages).

An import is planned first (`import_plan`, read-only): every row is checked and compared with
the database, giving what it would create or change and, for a bad row, why (in the reader's
language). `import_apply` plans again inside the transaction and refuses when the result differs
from the plan the person confirmed; otherwise it writes the good rows and one audit event.
The file's posts and canned answers are not handled: firstask has no such tables yet.
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

from accounts.models import Department, User
from accounts.permissions import ADMIN, ROLES, has_role
from audit.services import audit_record
from cases.models import Category

from .services import user_roles_set

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FORMATS = ("csv", "xlsx")
TRUE = {"1", "true", "yes", "y", "是", "启用", "在职"}
FALSE = {"0", "false", "no", "n", "否", "停用", "离职"}
ROLE_SPLIT = re.compile(r"[,;，；、\s]+")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who sent it."""


class PlanChanged(Exception):
    """The database changed since the dry run: the confirmed plan is not what would happen."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any
    model: Any  # Department, User or Category
    key: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    unique: tuple[str, ...] = ()  # besides the key: columns no two records share


KINDS = {
    "departments": Kind(
        "departments",
        gettext_lazy("Departments"),
        Department,
        "code",
        ("code", "name", "responsibilities", "contact_person", "phone", "email", "location",
         "head", "is_active"),
        ("code", "name"),
        ("name",),
    ),
    "staff": Kind(
        "staff",
        gettext_lazy("Staff"),
        User,
        "username",
        ("username", "name", "email", "employee_no", "work_phone", "department", "roles",
         "is_active"),
        ("username",),
    ),
    "categories": Kind(
        "categories",
        gettext_lazy("Case categories"),
        Category,
        "code",
        ("code", "name", "sort_order", "is_active"),
        ("code", "name"),
        ("name",),
    ),
}  # fmt: skip


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
    except Exception as error:  # noqa: BLE001 - any parser failure is a file the person must fix
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
    heads: dict[str, User]
    taken: dict[tuple[str, str], str]  # (unique column, value) -> key of the record holding it

    @classmethod
    def read(cls, spec: Kind, rows: list[dict[str, str]]) -> _Lookups:
        def column(name: str) -> set[str]:
            return {row.get(name, "") for row in rows} - {""}

        query = spec.model.objects.filter(**{f"{spec.key}__in": column(spec.key)})
        if spec.model is User:
            query = query.select_related("department").prefetch_related("groups")
        elif spec.model is Department:
            query = query.select_related("head")
        taken: dict[tuple[str, str], str] = {}
        for name in spec.unique:
            holders = spec.model.objects.filter(**{f"{name}__in": column(name)})
            taken |= {(name, v): k for v, k in holders.values_list(name, spec.key)}
        return cls(
            existing={getattr(obj, spec.key): obj for obj in query},
            departments={
                d.code: d for d in Department.objects.filter(code__in=column("department"))
            },
            heads={u.username: u for u in User.objects.filter(username__in=column("head"))},
            taken=taken,
        )


def _resolve(values: dict[str, Any], errors: list[str], found: _Lookups) -> dict[str, Any]:
    """Foreign keys and roles named in the row, looked up."""
    if "head" in values:
        name = values.pop("head")
        values["head"] = found.heads.get(name) if name else None
        if name and values["head"] is None:
            errors.append(_("Head %(value)s is not a staff member.") % {"value": name})
    if "department" in values:
        code = values.pop("department")
        values["department"] = found.departments.get(code) if code else None
        if code and values["department"] is None:
            errors.append(_("Department code %(value)s does not exist.") % {"value": code})
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
    if not rows:
        raise ImportFileError(_("The file has no data rows."))
    if missing:
        raise ImportFileError(
            _("Missing column(s): %(columns)s. The columns are: %(all)s.")
            % {"columns": ", ".join(missing), "all": ", ".join(spec.columns)}
        )
    seen: dict[str, dict[str, int]] = {c: {} for c in (spec.key, *spec.unique)}
    found = _Lookups.read(spec, rows)
    plan = Plan(spec, [])
    for line, raw in enumerate(rows, start=2):  # line 1 holds the headers
        row = Row(line=line, key=raw.get(spec.key, ""))
        if not any(raw.values()):
            continue  # blank line
        values = _resolve(_clean(spec, raw, row.errors), row.errors, found)
        for column in seen:
            value = raw.get(column, "")
            if value and value in seen[column]:
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
                if name == spec.key:
                    continue
                before = _current(spec, obj, name)
                if obj is None or before != value:
                    row.changes[name] = (_shown(before), _shown(value))
            row.action = "create" if obj is None else ("update" if row.changes else "unchanged")
        row.values = values
        plan.rows.append(row)
    return plan


# --- applying ---


def _write(spec: Kind, row: Row) -> None:
    values = dict(row.values)
    roles = values.pop("roles", None)
    obj = spec.model.objects.filter(**{spec.key: row.key}).first()
    if obj is None:
        obj = spec.model(**{spec.key: row.key})
        if isinstance(obj, User):
            obj.set_unusable_password()  # signs in through SSO, or an admin sets a password
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    if roles is not None:
        user_roles_set(user=obj, roles=roles)


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
        _write(spec, row)
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
    if column == "is_active":
        return 1 if obj.is_active else 0
    value = getattr(obj, column)
    if isinstance(value, models.Model):
        return _shown(value)
    return "" if value is None else value


def export_dataset(*, kind: str) -> tablib.Dataset:
    """Every record of the kind, in the columns the import reads (a round trip changes nothing)."""
    spec = KINDS[kind]
    query = spec.model.objects.order_by(spec.key)
    if spec.model is User:
        query = query.select_related("department").prefetch_related("groups")
    elif spec.model is Department:
        query = query.select_related("head")
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
