"""Bounds on what a form or a query string may ask for, shared by every app's forms.

A date the calendar cannot step past (9999-12-31 plus one day) or a year before the center
existed is refused with a message instead of reaching date arithmetic or the database."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_range",
        )
