"""KPI exports: CSV, XLSX and the monthly PDF report, all from one ``KpiReport`` so that they
carry exactly the numbers the page shows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .kpis import MEASURES, KpiReport, KpiRow


def _level(row: KpiRow) -> str:
    return {"staff": _("Staff member"), "department": _("Department"), "center": _("Center")}[
        row.level
    ]


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def table(report: KpiReport) -> tuple[list[str], list[list]]:
    """Header and rows: level, name, department, then every measure as a plain number."""
    header = [_("Level"), _("Name"), _("Department"), *[str(m.label) for m in MEASURES]]
    rows = [
        [_level(row), row.name, row.department, *[_number(m.value(row.totals)) for m in MEASURES]]
        for row in report.rows
    ]
    return header, rows


def to_csv(report: KpiReport) -> bytes:
    header, rows = table(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Period"), report.start.isoformat(), report.end.isoformat()])
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the Chinese


def to_xlsx(report: KpiReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = table(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet.append([_("Period"), report.start.isoformat(), report.end.isoformat()])
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "D3"
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(report: KpiReport, *, context: dict) -> bytes:
    """The monthly report, rendered with the archive's locked URL fetcher: the document loads
    our own stylesheet and nothing else (no file://, no http://, whatever a name contains)."""
    from archive.pdf import html_to_pdf

    html = render_to_string(
        "supervision/kpi_report_pdf.html",
        {
            "report": report,
            "measures": MEASURES,
            "center_rows": [report.center] if report.center else [],
            **context,
        },
    )
    return html_to_pdf(html, stylesheets=("css/supervision-pdf.css",))
