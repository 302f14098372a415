"""Helpers that build referrals and handoffs through the real services."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import calendar
from handoffs import services
from handoffs.models import Assignment

DOCX_MARKER = "word/document.xml"
XLSX_MARKER = "xl/workbook.xml"


def _image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Real files, small: the attachment checks parse them (handoffs.attachments).
PNG_BYTES = _image("PNG")
JPEG_BYTES = _image("JPEG")
PDF_BYTES = _pdf()


def office_bytes(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<x/>")
    return buffer.getvalue()


def upload(
    name: str = "答复.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"
):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit_handoff(case, actor, departments, **overrides):
    data = {
        "summary": "退费涉及教务与财务",
        "departments": departments,
        "urgency": "urgent",
        "done_so_far": "已向学员说明流程",
    }
    data.update(overrides)
    return services.handoff_submit(actor, case=case, **data)


def plan(department, role="assisting", task="核实并答复", deadline=None):
    return services.AssignmentPlan(
        department=department,
        role=role,
        task=task,
        deadline=deadline or calendar.deadline_in_working_days(2),
    )


def record_meeting(handoff, center_head, lead, assisting=(), attendees=None, **overrides):
    plans = [plan(lead, role=Assignment.Role.LEAD)] + [plan(d) for d in assisting]
    data: dict[str, Any] = {
        "held_at": timezone.now(),
        "place": "第一会议室",
        "attendees": attendees or [center_head],
        "minutes": "各部门说明情况",
        "decision": "教务处牵头，后勤协办",
        "plans": plans,
    }
    data.update(overrides)
    return services.meeting_record(center_head, handoff=handoff, **data)
