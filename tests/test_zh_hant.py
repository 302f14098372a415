"""Traditional Chinese (issue 17 item 8): catalogues generated from zh_Hans with OpenCC s2twp
and the desk's overrides; the check fails on a missing or stale entry; pages render in zh-hant."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

from accounts.management.commands._zh_hant import hant_path, sync_problems, to_hant, write_hant
from accounts.management.commands.compilemessages_py import catalogues

# The words a Taiwan or Hong Kong service counter uses, as the generator must write them.
GLOSSARY = {
    "交办单": "交辦單",
    "个人信息": "個人資訊",
    "打印转介单": "列印轉介單",
    "上传文件": "上傳檔案",
    "档案导出": "檔案匯出",
    "请审核答复": "請審核答覆",  # not 稽核 (an audit)
    "奖惩类型": "獎懲類型",  # not 型別 (a programming type)
    "代码": "代碼",  # not 程式碼
    "对象类型": "對象類型",
    "人员账号": "人員帳號",
    "电子邮箱": "電子信箱",
    "个人信息访问记录": "個人資訊存取記錄",
    "当前时间": "目前時間",
    "按保存期限删除": "按保存期限刪除",
    "结果反馈": "結果回覆",
    "状态变更为“已办结”": "狀態變更為「已辦結」",
    "登录": "登入",
    "搜索": "搜尋",
    "首问责任制": "首問責任制",
}


@pytest.mark.parametrize(("simplified", "traditional"), GLOSSARY.items())
def test_glossary(simplified, traditional):
    assert to_hant(simplified) == traditional


def test_placeholders_survive_conversion():
    text = "事项 %(number)s 的处理时限为 {{ deadline }}，共 %(count)d 件"
    assert to_hant(text) == "事項 %(number)s 的處理時限為 {{ deadline }}，共 %(count)d 件"


def _hans_catalogues() -> list[Path]:
    return [p for p in catalogues() if "zh_Hans" in p.parts]


def test_every_app_has_a_traditional_catalogue_in_sync():
    hans = _hans_catalogues()
    assert len(hans) >= 9  # the project's and each app's
    assert [problem for path in hans for problem in sync_problems(path)] == []
    assert all(hant_path(path).with_suffix(".mo").exists() for path in hans)


@pytest.fixture
def copy(tmp_path):
    source = Path(settings.BASE_DIR) / "cases" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    hans = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    hans.parent.mkdir(parents=True)
    shutil.copy(source, hans)
    write_hant(hans)
    return hans


def test_a_generated_catalogue_is_in_sync(copy):
    assert sync_problems(copy) == []
    assert polib.pofile(str(hant_path(copy))).metadata["Language"] == "zh_Hant"


def test_an_entry_missing_in_zh_hant_fails(copy):
    hans = polib.pofile(str(copy))
    hans.append(polib.POEntry(msgid="A new page", msgstr="新页面"))
    hans.save()
    assert sync_problems(copy) == [f"{hant_path(copy)}: missing: 'A new page'"]
    write_hant(copy)
    assert sync_problems(copy) == []


def test_a_stale_entry_in_zh_hant_fails(copy):
    hans = polib.pofile(str(copy))
    entry = hans.find("Cases")
    entry.msgstr = "事项清单"
    hans.save()
    assert sync_problems(copy) == [f"{hant_path(copy)}: stale (differs from zh_Hans): 'Cases'"]


def test_a_hand_edit_of_zh_hant_fails(copy):
    hant = polib.pofile(str(hant_path(copy)))
    hant.find("Cases").msgstr = "案件"
    hant.save()
    assert len(sync_problems(copy)) == 1


def test_a_missing_zh_hant_catalogue_fails(copy):
    hant_path(copy).unlink()
    assert "missing" in sync_problems(copy)[0]


def test_traditional_chinese_is_offered():
    assert ("zh-hant", "繁體中文") in settings.LANGUAGES


@pytest.mark.django_db
def test_public_pages_render_in_traditional_chinese(client):
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/status/"})
    status = client.get("/status/").content.decode()
    assert 'lang="zh-hant"' in status
    assert "查詢" in status and "查询" not in status
    complaint = client.get("/supervision/complaint/").content.decode()
    assert "投訴與監督" in complaint


@pytest.mark.django_db
def test_staff_pages_render_in_traditional_chinese(client, front_desk, center_head):
    client.force_login(front_desk)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    intake = client.get("/cases/new/").content.decode()
    assert "來訪登記" in intake and "来访登记" not in intake
    desk = client.get("/").content.decode()
    assert "我的工作臺" in desk
    client.force_login(center_head)
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert "協調工作臺" in client.get("/handoffs/").content.decode()


@pytest.mark.django_db
def test_the_language_switch_is_in_the_navigation_bar_of_every_page(client, front_desk):
    for page in ("/status/", "/supervision/complaint/", "/accounts/login/"):
        body = client.get(page).content.decode()
        nav = body[body.index("<nav") : body.index("</nav>")]
        assert 'id="language-switch"' in nav, page
        assert all(f'value="{code}"' in nav for code, _name in settings.LANGUAGES)
        assert "繁體中文" in nav and "简体中文" in nav and "English" in nav
    client.force_login(front_desk)
    body = client.get("/").content.decode()
    assert 'id="language-switch"' in body[body.index("<nav") : body.index("</nav>")]
