"""The KPI table rows (supervision_tags.kpi_rows, supervision/jinja2/supervision/_kpi_rows.html)."""

from supervision.kpis import MEASURES, KpiRow, Totals
from supervision.templatetags.supervision_tags import kpi_rows

PERIOD = {"period_query": "start=2026-11-01&end=2026-11-30"}


def test_kpi_rows_escape_the_name_department_and_link_query():
    row = KpiRow("staff", 7, "<b>王</b>", "R&D", Totals(received=3))
    html = str(kpi_rows(PERIOD, [row], show_department=True))
    assert '<a href="/supervision/kpis/staff/7/?start=2026-11-01&amp;end=2026-11-30">' in html
    assert "&lt;b&gt;王&lt;/b&gt;</a></td>" in html and "<b>" not in html
    assert "<td>R&amp;D</td>" in html


def test_kpi_rows_link_only_staff_rows():
    row = KpiRow("department", 3, "教务处", "教务处", Totals())
    html = str(kpi_rows(PERIOD, [row], show_department=False))
    assert html.startswith("\n    <tr><td>教务处</td>\n      \n      ")
    assert "<a " not in html


def test_kpi_rows_write_every_measure_in_its_format():
    totals = Totals(received=4, closed_on_time=1, overdue=2, rated=2, satisfied=1, rating_sum=9)
    html = str(
        kpi_rows(PERIOD, [KpiRow("center", None, "全中心", "", totals)], show_department=False)
    )
    assert '<td class="num" data-key="received">4</td>' in html
    assert '<td class="num" data-key="on_time_rate">33.3%</td>' in html
    assert '<td class="num" data-key="average_rating">4.50</td>' in html
    assert '<td class="num" data-key="inspection_score">—</td>' in html
    assert html.count('<td class="num"') == len(MEASURES)


def test_kpi_rows_of_no_rows_are_empty():
    assert str(kpi_rows(PERIOD, [], show_department=True)) == ""


def test_kpi_rows_escape_a_hostile_name_and_department():
    hostile = "<script>alert(1)</script>"
    row = KpiRow("staff", 7, hostile, hostile, Totals())
    html = str(kpi_rows(PERIOD, [row], show_department=True))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
