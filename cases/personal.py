"""Visitor personal data: normalising phone numbers and masking (INT-2, PRV-1)."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2 or 3 digits (010, 021, 0755 …), then a 7- or 8-digit subscriber number.
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$")


def normalize_phone(raw: str) -> str:
    """Return the canonical form (``13812341234`` or ``010-12345678``) or raise ValidationError."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if _MOBILE.match(digits):
        return digits
    landline = _LANDLINE.match(digits)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValidationError(
        _(
            "Enter a mainland mobile number (11 digits) "
            "or a landline with area code, e.g. 010-12345678."
        ),
        code="invalid_phone",
    )


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if "-" in phone:
        area, number = phone.split("-", 1)
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def phone_key(phone: str) -> str:
    """Keyed hash of a normalised phone number: equal numbers give equal keys, and without
    PII_HASH_KEY nobody can test a guessed number against it."""
    key = str(settings.PII_HASH_KEY).encode()
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()


def phone_last4(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:]


def visitor_snapshot(*, name: str, phone: str) -> dict[str, str]:
    """The Case columns that keep what the visitor gave at a visit (VIS-1)."""
    return {
        "visitor_name": name,
        "visitor_phone": phone,
        "visitor_phone_hash": phone_key(phone) if phone else "",
        "visitor_phone_last4": phone_last4(phone),
    }


def looks_like_phone(term: str) -> bool:
    """A search term that is a full phone number: it stays out of URLs and logs
    (cases.views.case_list). A piece of a case number (20261206) is not one."""
    try:
        normalize_phone(term or "")
    except ValidationError:
        return False
    return True
