from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import kpis

register = template.Library()


def supervision_channel() -> dict:
    """Where a visitor complains (§4.2.2, SUP-4): the hotline, the mailbox and the public
    complaint page's address as printed (SUPERVISION_COMPLAINT_URL, else this site's page)."""
    page = reverse("supervision:complaint_public")
    return {
        "hotline": settings.SUPERVISION_HOTLINE,
        "mailbox": settings.SUPERVISION_MAILBOX,
        "complaint_url": settings.SUPERVISION_COMPLAINT_URL or settings.SITE_URL + page,
    }


@register.inclusion_tag("supervision/_status_complaint_card.html")
def status_complaint_channel() -> dict:
    """On the public status page (extensions.StatusPageSection): where to complain."""
    return supervision_channel()


@register.inclusion_tag("supervision/_receipt_channel.html")
def receipt_complaint_channel() -> dict:
    """On the printed receipt (extensions.ReceiptSection)."""
    return supervision_channel()


def _staff_url_maker(period_query: str) -> Callable[[int | None], str]:
    """The escaped link of a staff row to their KPI page: the pattern is resolved and the query
    escaped once, not per row."""
    marker = 987654321
    prefix, suffix = reverse("supervision:kpi_staff", args=[marker]).split(str(marker))
    prefix, suffix = escape(prefix), f"{escape(suffix)}?{escape(period_query)}"
    return lambda pk: f"{prefix}{pk}{suffix}"


def _row_writer(period_query: str, show_department: bool) -> Callable[[kpis.KpiRow], str]:
    staff_url = _staff_url_maker(period_query)
    # Measure.display writes only digits, ".", "%" and "—": the cells need no escaping.
    cells = [(f'<td class="num" data-key="{m.key}">', m.display, m.compute) for m in kpis.MEASURES]

    def write(row: kpis.KpiRow) -> str:
        name: str = escape(row.name)
        if row.level == "staff":
            name = f'<a href="{staff_url(row.pk)}">{name}</a>'
        department = f"<td>{escape(row.department or '—')}</td>" if show_department else ""
        totals = row.totals
        shown = "".join([f"{td}{display(compute(totals))}</td>" for td, display, compute in cells])
        return f"\n    <tr><td>{name}</td>\n      {department}\n      {shown}</tr>\n  "

    return write


@register.simple_tag(takes_context=True)
def kpi_rows(context, rows: list[kpis.KpiRow], *, show_department: bool) -> SafeString:
    """The body rows of a KPI table (supervision/_kpi_table.html), written in Python: for the
    8,000 cells of a large center the template language took over 100 ms, format_html per row
    13 ms (escaping and checking each argument for lazy text), f-strings that escape the name
    and department 7 ms."""
    write = _row_writer(context["period_query"], show_department)
    return mark_safe("".join([write(row) for row in rows]))  # noqa: S308 - escaped in write
