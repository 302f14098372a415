"""Directory import journey: the center head opens 目录 from the menu, uploads a staff CSV with
one bad row, reads the dry run (the bad row's error in Chinese, nothing written yet), confirms,
and the good row is imported while the bad one is not."""

import pytest

from accounts.models import User
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STAFF_CSV = "username,name,department,roles\nxinren,新人,JW,staff\ncuowu,错误,XX,staff\n"


def test_center_head_imports_staff_after_a_dry_run(page, live_server, center_head, department,
                                                   tmp_path):  # fmt: skip
    base = live_server.url
    upload = tmp_path / "staff.csv"
    upload.write_text(STAFF_CSV, encoding="utf-8")

    login(page, base, center_head.username)
    page.click("#nav-directory")
    page.wait_for_url(f"{base}/directory/import/")
    page.select_option("select[name=kind]", "staff")
    page.set_input_files("input[name=file]", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#dry-run-rows")
    assert "部门代码 XX 不存在" in page.locator("#dry-run-rows").inner_text()
    assert "将写入 1 行" in page.locator("#dry-run-summary").inner_text()
    assert not User.objects.filter(username="xinren").exists()

    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "新建 1 条" in page.locator(".alert-success").inner_text()
    assert User.objects.get(username="xinren").department == department
    assert not User.objects.filter(username="cuowu").exists()
