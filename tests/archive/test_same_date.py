"""The archive files by one date (issue 17 item 7): the table shows the archive date that its
year and month filters use; an export's filters read as labels, not "year=2026, month=12"."""

import pytest
import time_machine

from archive import services
from archive.models import ExportJob
from tests.closure.factories import close_case
from tests.factories import aware

pytestmark = pytest.mark.django_db


def test_the_table_shows_the_archive_date_the_filters_use(client, auditor, make_case):
    # The case closed on 30 November and was archived on 1 December.
    with time_machine.travel(aware(2026, 11, 30, 16), tick=False):
        case = make_case()
        close_case(case)
    case.refresh_from_db()
    with time_machine.travel(aware(2026, 12, 1, 9), tick=False):
        record = services.case_archive(case.owner, case=case)
    client.force_login(auditor)
    body = client.get("/archive/", {"year": "2026", "month": "12"}).content.decode()
    assert record.number in body
    row = body[body.index(record.number) : body.index("</tr>", body.index(record.number))]
    assert "<td>2026-12-01</td>" in row and "2026-11-30" not in row
    assert "归档时间" in body and "归档月份" in body


def test_an_export_lists_its_filters_by_label(client, auditor, category):
    job = ExportJob.objects.create(
        requested_by=auditor, filters={"year": "2026", "month": "12", "category": str(category.pk)}
    )
    client.force_login(auditor)
    body = client.get(f"/archive/export/{job.pk}/").content.decode()
    shown = body[body.index('id="export-filters"') :]
    shown = shown[: shown.index("</p>")]
    assert "year=" not in shown and "month=" not in shown
    assert "归档年份：2026" in shown and "归档月份：12" in shown
    assert f"类别：{category.name}" in shown
