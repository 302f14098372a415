from collections.abc import Callable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .. import kpis, selectors

register = template.Library()


@register.inclusion_tag("supervision/_desk_measures.html", takes_context=True)
def desk_measures(context) -> dict:
    """On the desk: the work-meeting measures the user owns that are not done yet."""
    user = context["request"].user
    return {"measures": list(selectors.open_measures_of(user)[:10])}


def _staff_url_maker(period_query: str) -> Callable[[int], str]:
    """The link of a staff row to their KPI page: the pattern is resolved once, not per row."""
    marker = 987654321
    prefix, suffix = reverse("supervision:kpi_staff", args=[marker]).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}?{period_query}"


def _name_cell(row: kpis.KpiRow, staff_url: Callable[[int], str]) -> SafeString:
    if row.level == "staff":
        return format_html('<td><a href="{}">{}</a></td>', staff_url(row.pk), row.name)
    return format_html("<td>{}</td>", row.name)


def _measure_cells(totals: kpis.Totals) -> SafeString:
    return mark_safe(  # noqa: S308 - Measure.display writes only digits, ".", "%" and "—"
        "".join(
            f'<td class="num" data-key="{m.key}">{m.display(m.compute(totals))}</td>'
            for m in kpis.MEASURES
        )
    )


@register.simple_tag(takes_context=True)
def kpi_rows(context, rows: list[kpis.KpiRow], *, show_department: bool) -> SafeString:
    """The body rows of a KPI table (supervision/_kpi_table.html), written in Python: through
    the template language the 8,000 cells of a large center cost over 100 ms."""
    staff_url = _staff_url_maker(context["period_query"])
    department = "<td>{}</td>" if show_department else "{}"
    return format_html_join(
        "",
        "\n    <tr>{}\n      " + department + "\n      {}</tr>\n  ",
        (
            (
                _name_cell(row, staff_url),
                (row.department or "—") if show_department else "",
                _measure_cells(row.totals),
            )
            for row in rows
        ),
    )
