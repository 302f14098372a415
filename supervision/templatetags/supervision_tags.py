from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString

from firstask.jinja2 import render_rows

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
    """The link of a staff row to their KPI page: the pattern is resolved once, not per row
    (the template escapes it)."""
    marker = 987654321
    prefix, suffix = reverse("supervision:kpi_staff", args=[marker]).split(str(marker))
    suffix = f"{suffix}?{period_query}"
    return lambda pk: f"{prefix}{pk}{suffix}"


@register.simple_tag(takes_context=True)
def kpi_rows(context, rows: list[kpis.KpiRow], *, show_department: bool) -> SafeString:
    """The body rows of a KPI table (supervision/_kpi_table.html), from the Jinja2 template
    supervision/jinja2/supervision/_kpi_rows.html: for the 8,000 cells of a large center
    Django's template language took over 100 ms. The figures are computed here, a function
    call from a template costing several times a call from Python (measured: the template
    calling display(compute()) per cell 220 ms for 400 rows, these pairs 30 ms)."""
    measures = [(m.key, m.display, m.compute) for m in kpis.MEASURES]
    table = [
        (row, [(key, display(compute(row.totals))) for key, display, compute in measures])
        for row in rows
    ]
    return render_rows(
        "supervision/_kpi_rows.html",
        {
            "table": table,
            "show_department": show_department,
            "staff_url": _staff_url_maker(context["period_query"]),
        },
    )
