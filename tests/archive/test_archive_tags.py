"""The archive table rows (archive_tags.archive_rows, archive/jinja2/archive/_archive_rows.html)."""

import pytest
from django.urls import reverse

from archive.templatetags.archive_tags import archive_rows
from tests.archive.factories import archived_case

pytestmark = pytest.mark.django_db


def test_archive_rows_link_the_case_and_its_pdf_and_escape_the_subject(make_case, work_calendar):
    case, record = archived_case(make_case, subject="<script>alert(1)</script>退费")

    html = str(archive_rows([record]))

    assert html.startswith(f'<tr><td class="archive-number">{record.number}</td>')
    assert f'<a href="{case.get_absolute_url()}">{case.number}</a>' in html
    assert f'pdf-link" href="{reverse("archive:pdf", args=[record.number])}">PDF</a>' in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;退费</td>" in html
    assert "<script>" not in html
    assert str(archive_rows([])) == ""
