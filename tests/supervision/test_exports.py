"""CSV and XLSX contents, and the same numbers on the page, in the exports and in the PDF."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from supervision import exports, kpis
from tests.factories import aware
from tests.supervision.factories import case_at

pytestmark = pytest.mark.django_db

KEYS = [m.key for m in kpis.MEASURES]


def gettext_zh(message):
    with translation.override("zh-hans"):
        return gettext(message)


PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def data(make_case, front_desk, colleague):
    case_at(make_case, at=aware(2026, 11, 2), outcome="on_the_spot", rating=5)
    case_at(
        make_case,
        at=aware(2026, 11, 3),
        deadline=aware(2026, 11, 5, 17, 30),
        closed_at=aware(2026, 11, 6),
        satisfaction=3,
        extension_count=1,
    )
    case_at(make_case, owner=colleague, at=aware(2026, 11, 4), rework_count=2)


def same(xlsx_value, csv_text: str) -> bool:
    if isinstance(xlsx_value, (int, float)):
        return float(csv_text) == pytest.approx(float(xlsx_value))
    return str(xlsx_value) == csv_text


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_period_header_and_one_row_per_staff_department_and_center(
    client, center_head, data, front_desk
):
    client.force_login(center_head)
    response = client.get(reverse("supervision:kpi_export_csv"), PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "kpi-20261101-20261130.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    with translation.override("zh-hans"):
        labels = [str(m.label) for m in kpis.MEASURES]
        head = [gettext("Period"), gettext("Level"), gettext("Name"), gettext("Center")]
    assert rows[0] == [head[0], "2026-11-01", "2026-11-30"]
    assert rows[1] == [head[1], head[2], gettext_zh("Department"), *labels]
    assert "受理事项" in rows[1]  # the Chinese catalogue is used
    mine = next(r for r in rows[2:] if r[1] == front_desk.name)
    by_key = dict(zip(["level", "name", "department", *KEYS], mine, strict=True))
    assert by_key["received"] == "2"
    assert by_key["on_the_spot"] == "1"
    assert by_key["overdue"] == "1"
    assert by_key["on_time_rate"] == "50.0"  # the on-the-spot case is on time
    assert by_key["average_rating"] == "4.0"
    assert by_key["inspection_score"] == ""
    center = rows[-1]
    assert center[0] == head[3] and center[3] == "3"


def test_xlsx_holds_the_same_numbers_as_the_csv(client, center_head, data):
    client.force_login(center_head)
    csv_table = csv_rows(client.get(reverse("supervision:kpi_export_csv"), PERIOD))
    response = client.get(reverse("supervision:kpi_export_xlsx"), PERIOD)
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    xlsx_table = [
        [cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
    ]
    csv_table = [[cell for cell in row if cell != ""] for row in csv_table]
    assert len(xlsx_table) == len(csv_table)
    for xlsx_row, csv_row in zip(xlsx_table, csv_table, strict=True):
        assert [same(x, c) for x, c in zip(xlsx_row, csv_row, strict=True)] == [True] * len(csv_row)
    assert isinstance(xlsx_table[2][3], int)  # numbers are numbers in the workbook


def test_page_shows_the_numbers_of_the_export(client, center_head, data, front_desk):
    client.force_login(center_head)
    page = client.get(reverse("supervision:kpi_overview"), PERIOD)
    row = next(r for r in page.context["report"].staff if r.pk == front_desk.pk)
    shown = {measure.key: text for measure, _value, text in row.cells}
    body = page.content.decode()
    assert (shown["received"], shown["on_time_rate"], shown["average_rating"]) == (
        "2",
        "50.0%",
        "4.00",
    )
    csv_row = next(
        r
        for r in csv_rows(client.get(reverse("supervision:kpi_export_csv"), PERIOD))
        if r[1] == front_desk.name
    )
    for index, measure in enumerate(kpis.MEASURES):
        value = row.value(measure.key)
        assert csv_row[3 + index] == ("" if value is None else str(exports._number(value)))
        assert f'data-key="{measure.key}">{measure.display(value)}</td>' in body


def test_staff_export_holds_only_their_row(client, front_desk, data):
    client.force_login(front_desk)
    rows = csv_rows(client.get(reverse("supervision:kpi_export_csv"), PERIOD))
    assert [r[1] for r in rows[2:]] == [front_desk.name]


def test_monthly_pdf_is_rendered_from_the_same_report(client, center_head, data, front_desk):
    from django.template.loader import render_to_string

    report = kpis.kpi_report(
        start=aware(2026, 11, 1).date(), end=aware(2026, 11, 30).date(), scope=kpis.KpiScope()
    )
    html = render_to_string(
        "supervision/kpi_report_pdf.html",
        {
            "report": report,
            "measures": kpis.MEASURES,
            "center_rows": [report.center],
            "month": aware(2026, 11, 1).date(),
            "complaints_received": 0,
            "generated": report.as_of,
        },
    )
    row = next(r for r in report.staff if r.pk == front_desk.pk)
    assert all(text in html for _m, _v, text in row.cells)
    client.force_login(center_head)
    response = client.get(reverse("supervision:kpi_report_pdf"), {"month": "2026-11"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "kpi-report-2026-11.pdf" in response["Content-Disposition"]


def test_monthly_pdf_refuses_a_bad_month(client, center_head):
    client.force_login(center_head)
    assert (
        client.get(reverse("supervision:kpi_report_pdf"), {"month": "2026-13"}).status_code == 400
    )
