"""Out-of-range periods on the KPI pages and exports get a message or a 400, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

FAR = {"start": "0001-01-01", "end": "9999-12-31"}


def test_the_kpi_page_explains_an_out_of_range_period(client, center_head):
    client.force_login(center_head)
    response = client.get("/supervision/kpis/", FAR)
    assert response.status_code == 200
    assert "1970-01-01" in response.content.decode()
    assert "report" not in response.context


@pytest.mark.parametrize("export", ["export.csv", "export.xlsx"])
def test_the_exports_refuse_an_out_of_range_period(client, center_head, export):
    client.force_login(center_head)
    response = client.get(f"/supervision/kpis/{export}", FAR)
    assert response.status_code == 400
    assert "2099-12-31" in response.content.decode()


def test_the_staff_page_explains_an_out_of_range_period(client, front_desk):
    client.force_login(front_desk)
    response = client.get(f"/supervision/kpis/staff/{front_desk.pk}/", FAR)
    assert response.status_code == 200
    assert "row" not in response.context


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_the_monthly_pdf_refuses_a_month_out_of_range(client, center_head, month):
    client.force_login(center_head)
    assert client.get("/supervision/kpis/report.pdf", {"month": month}).status_code == 400


def test_a_period_inside_the_range_still_works(client, center_head):
    client.force_login(center_head)
    response = client.get(
        "/supervision/kpis/export.csv", {"start": "1970-01-01", "end": "2099-12-31"}
    )
    assert response.status_code == 200


def test_the_case_list_explains_a_date_out_of_range(client, center_head):
    client.force_login(center_head)
    response = client.get("/cases/", {"created_from": "9999-12-31", "created_to": "9999-12-31"})
    assert response.status_code == 200
    assert "2099-12-31" in response.content.decode()
