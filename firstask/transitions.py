"""The one helper that moves a stateful model along its transition table.

Every stateful model declares its table next to its ``Status`` (``Case``'s ``ALLOWED_TRANSITIONS``
in cases/models.py is the first): ``{from: frozenset(to, ...)}``. Services keep their own,
more precise guards (an action may allow only some of the moves the table allows, with its own
message); the table is the outer fence that no service can step over, and the hypothesis state
machines check that every state they reach was entered through it. ``tests/test_transitions.py``
fails when a status is assigned anywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from cases.errors import WrongState

Table = Mapping[Any, Set[str]]  # keyed by status; None for a row not saved yet


def transition(
    obj: Any, to: str, *, table: Table, field: str = "status", message: object = None
) -> str | None:
    """Set ``obj.<field>`` to ``to`` when ``table`` allows the move from its current value, and
    return the value it had; raise WrongState (with ``message`` when given) otherwise. A row not
    saved yet starts from ``None`` (its field may hold a database default). Does not save: the
    caller saves with its other changes, in its transaction."""
    state = getattr(obj, "_state", None)
    current = None if state is not None and state.adding else getattr(obj, field)
    if to not in table.get(current, frozenset()):
        raise WrongState(message)
    setattr(obj, field, to)
    return current


def reachable(table: Table, start: str) -> set[str]:
    """Every state reachable from ``start`` (itself included): used by the tests of the tables."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in table.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
