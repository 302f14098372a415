"""Rendering an archived record to PDF with WeasyPrint (CLO-5).

Everything the document loads goes through ``LockedFetcher``: our own static files and the
signature images handed to it, nothing else. Text typed by users is escaped by the template, and
even if markup got through, no file:// or http:// address would ever be fetched.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from audit.selectors import checkpoint_for_day
from cases import events
from cases.models import Channel, Outcome, VisitorType
from closure.events import rating_label
from closure.models import HowGiven, OtherMethod, ResultRound
from handoffs.models import Answer, Assignment, Dispute, HandoffForm, Referral, Urgency

from .models import ArchiveRecord
from .record import data_checksum, record_data

STATIC_SCHEME = "firstask-static:"
SIGNATURE_SCHEME = "firstask-signature:"
_SAFE_STATIC = re.compile(r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*\.(css|png|svg)$")


class LockedFetcher(URLFetcher):
    """A URL fetcher that serves only our static files and the resources given to it."""

    def __init__(self, resources: dict[str, tuple[bytes, str]] | None = None) -> None:
        super().__init__(allowed_protocols=set(), allow_redirects=False)
        self.resources = resources or {}
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url in self.resources:
            body, mime = self.resources[url]
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if url.startswith(STATIC_SCHEME):
            static = _static_bytes(url.removeprefix(STATIC_SCHEME))
            if static is not None:
                mime = mimetypes.guess_type(url)[0] or "application/octet-stream"
                return URLFetcherResponse(url, static, {"Content-Type": mime})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:80]}")


def _static_bytes(path: str) -> bytes | None:
    if not _SAFE_STATIC.match(path):
        return None
    found = finders.find(path)
    if not found:
        return None
    return Path(found).read_bytes()


def html_to_pdf(
    html: str,
    *,
    resources: dict[str, tuple[bytes, str]] | None = None,
    fetcher: LockedFetcher | None = None,
    stylesheets: tuple[str, ...] = (),
) -> bytes:
    """Every PDF the application renders goes through here (archive records, the KPI report):
    ``stylesheets`` are static paths, loaded through the same locked fetcher."""
    fetcher = fetcher or LockedFetcher(resources)
    styles = [CSS(url=f"{STATIC_SCHEME}{path}", url_fetcher=fetcher) for path in stylesheets]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=styles, font_config=_font_config()
    )


_local = threading.local()


def _font_config() -> FontConfiguration:
    """Building a font configuration (fontconfig, Pango font map) costs a good part of a
    render: keep one per thread, as WeasyPrint's objects are not shared between threads."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label) if value not in (None, "") else ""
    except ValueError:
        return str(value)


def _signatures(record: ArchiveRecord, data: dict[str, Any]) -> dict[str, tuple[bytes, str]]:
    """The rounds' signature images still stored: the retention policy deletes them after
    three years, and such a round is printed with a note instead (``signature_removed``). Once
    the case is erased none is printed, even while the files await their deletion at commit."""
    found: dict[str, tuple[bytes, str]] = {}
    if data.get("erasure"):
        return found
    for round_ in ResultRound.objects.filter(case_id=record.case_id).exclude(signature=""):
        try:
            handle = default_storage.open(round_.signature.name or "", "rb")
        except FileNotFoundError:
            continue
        with handle:
            found[f"{SIGNATURE_SCHEME}{round_.number}"] = (handle.read(), "image/png")
    return found


def _display(data: dict[str, Any], signatures: dict[str, Any]) -> dict[str, Any]:
    case = data["case"]
    return {
        "case_channel": _label(Channel, case["channel"]),
        "case_visitor_type": _label(VisitorType, case["visitor_type"]),
        "case_outcome": _label(Outcome, case["outcome"]),
        "events": [
            {**e, "when": _when(e["at"]), "description": events.describe(e["kind"], e["data"])}
            for e in data["events"]
        ],
        "rounds": [
            {
                **r,
                "how": _label(HowGiven, r["how_given"]),
                "rating_label": rating_label(r["rating"]),
                "state_label": _label(ResultRound.State, r["state"]),
                "confirmation_label": _label(ResultRound.Kind, r["confirmation"]),
                "other_method_label": _label(OtherMethod, r["other_method"]),
                "signature_url": f"{SIGNATURE_SCHEME}{r['number']}"
                if f"{SIGNATURE_SCHEME}{r['number']}" in signatures
                else "",
            }
            for r in data["rounds"]
        ],
        "referrals": [
            {
                **r,
                "status_label": _label(Referral.Status, r["status"]),
                "answers": _answer_rows(r["answers"]),
            }
            for r in data.get("referrals", [])
        ],
        "handoffs": [_handoff_display(h) for h in data.get("handoffs", [])],
    }


def _answer_rows(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**a, "when": _when(a["at"]), "verdict_label": _label(Answer.Verdict, a["verdict"])}
        for a in answers
    ]


def _handoff_display(form: dict[str, Any]) -> dict[str, Any]:
    meeting = form["meeting"]
    return {
        **form,
        "urgency_label": _label(Urgency, form["urgency"]),
        "status_label": _label(HandoffForm.Status, form["status"]),
        "submitted_when": _when(form["submitted_at"]),
        "meeting": {**meeting, "when": _when(meeting["held_at"])} if meeting else None,
        "assignments": [
            {
                **a,
                "role_label": _label(Assignment.Role, a["role"]),
                "status_label": _label(Assignment.Status, a["status"]),
                "deadline_when": _when(a["deadline"]),
                "answers": _answer_rows(a["answers"]),
            }
            for a in form["assignments"]
        ],
        "disputes": [
            {
                **d,
                "status_label": _label(Dispute.Status, d["status"]),
                "raised_when": _when(d["raised_at"]),
                "ruled_when": _when(d["ruled_at"]),
            }
            for d in form["disputes"]
        ],
    }


def render_record_pdf(record: ArchiveRecord) -> tuple[bytes, str]:
    """The PDF of the record and the SHA-256 of its data (printed in the PDF)."""
    data = record_data(record)
    checksum = data_checksum(data)
    signatures = _signatures(record, data)
    # The filed copy is rendered once, stored and hashed: always in the default language
    # (LANGUAGE_CODE, Simplified Chinese), whoever reads it. The other PDFs (the KPI report) and
    # the printed handoff form are made per request, in the reader's language.
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "archive/record_pdf.html",
            {
                "data": data,
                "show": _display(data, signatures),
                "checksum": checksum,
                "when": {k: _when(v) for k, v in _times(data).items()},
                "satisfaction": rating_label(data["case"]["satisfaction"]),
                "static_css": f"{STATIC_SCHEME}css/archive-pdf.css",
                "erased_when": _when(data["erasure"]["erased_at"]) if "erasure" in data else "",
                # The audit chain's signed head as of today, kept outside the database's reach
                # in every PDF rendered today (audit_verify --checkpoint reads it back).
                "audit_checkpoint": checkpoint_for_day(timezone.localdate()),
            },
        )
    return html_to_pdf(html, resources=signatures), checksum


def _times(data: dict[str, Any]) -> dict[str, str | None]:
    case = data["case"]
    return {
        "visit_time": case["visit_time"],
        "registered_at": case["registered_at"],
        "deadline": case["deadline"],
        "closed_at": case["closed_at"],
        "archived_at": data["archive"]["archived_at"],
    }
