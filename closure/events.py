"""Timeline texts of the closure kinds (contract: result_recorded, visitor_confirmed,
rework_requested, confirmation_other, callback_logged; plus the approval decisions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.events import Describer, when

from .models import Callback, HowGiven, OtherMethod, Satisfaction


def _label(choices, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def rating_label(value: Any) -> str:
    return _label(Satisfaction, value) if value else _("no rating")


# Registered as extensions.EventKind in ClosureConfig.ready.
DESCRIBERS: dict[str, Describer] = {}


def _text(kind: str, describer: Describer) -> None:
    DESCRIBERS[kind] = describer


_text(
    "result_recorded",
    lambda d: (
        _("Result of round %(round)s given to the visitor (%(how)s)")
        % {"round": d.get("round"), "how": _label(HowGiven, d.get("how_given"))}
    ),
)
_text(
    "visitor_confirmed",
    lambda d: (
        _("Visitor signed round %(round)s: %(rating)s; case closed")
        % {"round": d.get("round"), "rating": rating_label(d.get("rating"))}
    ),
)
_text(
    "rework_requested",
    lambda d: (
        _("Visitor not satisfied with round %(round)s (%(rating)s): rework, new deadline %(at)s")
        % {
            "round": d.get("round"),
            "rating": _("not solved") if d.get("not_solved") else rating_label(d.get("rating")),
            "at": when(d.get("deadline")),
        }
    ),
)
_text(
    "confirmation_other",
    lambda d: (
        _("Round %(round)s confirmed without a signature: %(method)s")
        % {"round": d.get("round"), "method": _label(OtherMethod, d.get("method"))}
    ),
)
_text(
    "confirmation_approved",
    lambda d: (
        _("Center head approved the closure of round %(round)s; case closed")
        % {"round": d.get("round")}
    ),
)
_text(
    "confirmation_rejected",
    lambda d: (
        _("Center head did not accept the confirmation of round %(round)s")
        % {"round": d.get("round")}
    ),
)
_text(
    "callback_logged",
    lambda d: (
        _("Call-back (%(method)s): %(rating)s")
        % {
            "method": _label(Callback.Method, d.get("method")),
            "rating": rating_label(d.get("rating")),
        }
    ),
)
_text(
    "confirmed_on_the_spot",
    lambda d: (
        _("Visitor confirmed the answer on the spot (%(method)s): %(rating)s; case closed")
        % {"method": _label(OtherMethod, d.get("method")), "rating": rating_label(d.get("rating"))}
    ),
)
