"""Helpers that build referrals and handoffs through the real services."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import calendar
from handoffs import services
from handoffs.models import Assignment

DOCX_MARKER = "word/document.xml"
XLSX_MARKER = "xl/workbook.xml"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


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
    data = {
        "held_at": timezone.now(),
        "place": "第一会议室",
        "attendees": attendees or [center_head],
        "minutes": "各部门说明情况",
        "decision": "教务处牵头，后勤协办",
        "plans": plans,
    }
    data.update(overrides)
    return services.meeting_record(center_head, handoff=handoff, **data)
