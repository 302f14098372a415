"""The one way the apps above extend the cases app without it importing them (layer order).

Each extension is a small frozen dataclass with a ``name``; an app registers its own in its
``AppConfig.ready`` and nowhere else::

    extensions.register(
        extensions.CaseSections(name="closure", build=panels.case_sections, order=20),
        extensions.ResultBlocker(name="handoffs.open_work", ask=selectors.open_work_blocking),
    )

Registering a name again replaces the entry (``ready`` may run more than once; webhooks wrap the
case table's overdue callback this way). ``registered(Kind)`` lists a kind's entries by ``order``.

The kinds, and who asks them:

- ``CaseSections``: an app's part of the case page, built once per request from the ``CasePage``
  (``cases.page``) into sections of its ``main`` column and its ``actions`` column.
- ``DeskBlock``: a block of the desk above the case tables, built from the request (or None).
- ``NavItem``: a template of ``<li>`` entries in the top navigation (``cases.context_processors``).
- ``StatusPageSection``: a template added to the public status page (the complaint channel).
- ``ReceiptSection``: a template added to the printed receipt (the complaint channel).
- ``IntakeSection``: a template added to the intake form's on-the-spot panel (canned answers).
- ``IntakeStep``: run by ``case_register`` inside its transaction, in order, once the case, its
  first events and its status are written (a referral's row, its notice, webhooks, archiving).
- ``ResultBlocker``: why the owner may not give the visitor a result yet, or None.
- ``PersonalDataHolder``: whether the user's department still holds work on the case (PRV-1).
- ``HandlingDepartments``: the names of the departments now working on a case (status page).
- ``CaseJoin``: a one-to-one relation the case page's query joins (the archive record).
- ``SearchCondition``: a search-box term read another way (an archive number).
- ``EventKind``: how a timeline event of one kind reads.
- ``DeadlineTable`` (``cases.overdue``): a table the overdue scan flags and reminds.
- ``ErasureStep``: run for each archived case the retention erases (``cases.retention``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

if TYPE_CHECKING:
    from django.db.models import Q

    from accounts.models import Department, User
    from firstask.typing import AuthedRequest

    from .models import Case
    from .overdue import DeadlineTable
    from .page import CasePage


@dataclass(frozen=True)
class Section:
    """One piece of a page built for one request: a template and the names it reads on top of
    the page's own context (``{% case_section %}`` renders it)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class CaseParts:
    main: list[Section] = field(default_factory=list)
    actions: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class CaseSections:
    name: str
    build: Callable[[CasePage], CaseParts]
    order: int = 100


@dataclass(frozen=True)
class DeskBlock:
    name: str
    build: Callable[[AuthedRequest], Section | None]
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    name: str
    template: str
    order: int = 100


@dataclass(frozen=True)
class StatusPageSection:
    name: str
    template: str
    order: int = 100


@dataclass(frozen=True)
class ReceiptSection:
    """A template added to the printed receipt (the supervision channel, §4.2.2)."""

    name: str
    template: str
    order: int = 100


@dataclass(frozen=True)
class IntakeSection:
    """A template shown on the intake form above the on-the-spot answer (canned answers)."""

    name: str
    template: str
    order: int = 100


@dataclass(frozen=True)
class Intake:
    """What an intake step is told: the case just registered (status and first events written),
    who registered it, and the department chosen for a referral."""

    actor: User
    case: Case
    department: Department | None
    # For an answer given on the spot: how the visitor confirmed it ({"method", "rating",
    # "note"}; closure records the answer as the first result round and may close the case).
    confirmation: dict[str, Any] | None = None


@dataclass(frozen=True)
class IntakeStep:
    name: str
    run: Callable[[Intake], None]
    order: int = 100


@dataclass(frozen=True)
class ResultBlocker:
    name: str
    ask: Callable[[Case], str | None]
    order: int = 100


@dataclass(frozen=True)
class PersonalDataHolder:
    """``ask(user=, case=)``: True (the department holds work: show in full), False (it no
    longer does: mask), None (no opinion)."""

    name: str
    ask: Callable[..., bool | None]
    order: int = 100


@dataclass(frozen=True)
class HandlingDepartments:
    name: str
    ask: Callable[[Case], list[str]]
    order: int = 100


@dataclass(frozen=True)
class CaseJoin:
    """``name`` is the related name of a one-to-one relation of Case."""

    name: str
    order: int = 100


@dataclass(frozen=True)
class SearchCondition:
    name: str
    condition: Callable[[str], Q | None]
    order: int = 100


@dataclass(frozen=True)
class EventKind:
    """``name`` is the event's kind; ``describe(data)`` its text."""

    name: str
    describe: Callable[[dict[str, Any]], str]
    order: int = 100


@dataclass(frozen=True)
class ErasureStep:
    """``run(case)`` runs inside the erasing transaction, must be idempotent and should delete
    files with ``transaction.on_commit`` so that a rolled-back erasure keeps them."""

    name: str
    run: Callable[[Case], None]
    order: int = 100


if TYPE_CHECKING:
    Extension: TypeAlias = (
        CaseSections
        | DeskBlock
        | NavItem
        | StatusPageSection
        | ReceiptSection
        | IntakeSection
        | IntakeStep
        | ResultBlocker
        | PersonalDataHolder
        | HandlingDepartments
        | CaseJoin
        | SearchCondition
        | EventKind
        | ErasureStep
        | DeadlineTable
    )
E = TypeVar("E")

# {kind: {name: extension}}; dicts keep the order names were first registered in.
_REGISTRY: dict[type, dict[str, Any]] = {}
_SORTED: dict[type, tuple[Any, ...]] = {}


def register(*items: Extension) -> None:
    """File each extension under its kind by name (AppConfig.ready only)."""
    for item in items:
        _REGISTRY.setdefault(type(item), {})[item.name] = item
        _SORTED.pop(type(item), None)


def registered(kind: type[E]) -> tuple[E, ...]:
    """The entries of one kind, by ``order`` (ties: first registered first)."""
    entries = _SORTED.get(kind)
    if entries is None:
        found = _REGISTRY.get(kind, {}).values()
        entries = _SORTED[kind] = tuple(sorted(found, key=lambda e: getattr(e, "order", 100)))
    return entries


def unregister(kind: type, name: str) -> None:
    """Remove one entry (tests that register a temporary extension)."""
    _REGISTRY.get(kind, {}).pop(name, None)
    _SORTED.pop(kind, None)


@contextmanager
def overridden(kind: type, *items: Any) -> Iterator[None]:
    """Only ``items`` are registered of this kind while the block runs (tests)."""
    saved = _REGISTRY.get(kind, {})
    _REGISTRY[kind] = {item.name: item for item in items}
    _SORTED.pop(kind, None)
    try:
        yield
    finally:
        _REGISTRY[kind] = saved
        _SORTED.pop(kind, None)


def get(kind: type[E], name: str) -> E | None:
    return _REGISTRY.get(kind, {}).get(name)


# The questions asked of the registered entries.


def result_blocker(case: Case) -> str | None:
    """The first reason any app gives against recording a result now, or None."""
    for blocker in registered(ResultBlocker):
        reason = blocker.ask(case)
        if reason:
            return reason
    return None


def holds_personal_data(*, user: User, case: Case) -> bool | None:
    """The first opinion any app gives on whether the user's department may see the visitor's
    personal data in full, or None when no app has one."""
    for holder in registered(PersonalDataHolder):
        answer = holder.ask(user=user, case=case)
        if answer is not None:
            return answer
    return None


def departments_handling(case: Case) -> list[str]:
    """The names of the departments every app says are working on the case now, in order."""
    names: list[str] = []
    for handling in registered(HandlingDepartments):
        names += [name for name in handling.ask(case) if name not in names]
    return names


def case_joins() -> list[str]:
    return [join.name for join in registered(CaseJoin)]


def run_intake_steps(
    *,
    actor: User,
    case: Case,
    department: Department | None,
    confirmation: dict[str, Any] | None = None,
) -> None:
    intake = Intake(actor=actor, case=case, department=department, confirmation=confirmation)
    for step in registered(IntakeStep):
        step.run(intake)
