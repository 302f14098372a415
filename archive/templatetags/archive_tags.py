from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cases.models import Case
from closure.events import rating_label

from ..models import ArchiveRecord

register = template.Library()


@register.simple_tag
def archive_rows(records: Iterable[ArchiveRecord]) -> SafeString:
    """The rows of the archive table, written in Python: through the template language the
    page's 50 rows cost about 7 ms, half the render of the results."""
    case_url = Case.url_maker()
    pdf_prefix, pdf_suffix = reverse("archive:pdf", args=["NUMBER"]).split("NUMBER")
    rows = []
    for record in records:
        case = record.case
        department = case.owner_department
        # The archive date: the year and month filters and the archive number file by it.
        filed = timezone.localtime(record.archived_at).strftime("%Y-%m-%d")
        rows.append(
            (
                record.number,
                case_url(case.number),
                case.number,
                case.subject,
                case.owner.display_name,
                format_html(" · {}", department) if department else "",
                filed,
                rating_label(case.satisfaction),
                pdf_prefix + quote(record.number, safe="") + pdf_suffix,
            )
        )
    return format_html_join(
        "\n",
        '<tr><td class="archive-number">{}</td><td><a href="{}">{}</a></td><td>{}</td>'
        "<td>{}{}</td><td>{}</td><td>{}</td>"
        '<td><a class="btn btn-sm btn-outline-secondary pdf-link" href="{}">PDF</a></td></tr>',
        rows,
    )
