import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client):
    body = client.get("/status/").content.decode()
    assert 'lang="zh-hans"' in body
    assert "查询" in body


def test_english_is_available(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/status/"})
    body = client.get("/status/").content.decode()
    assert 'lang="en"' in body
    assert "Check your case" in body


def test_signed_in_pages_render_in_both_languages(client, front_desk):
    client.force_login(front_desk)
    zh = client.get("/cases/new/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/cases/new/").content.decode()
    assert "登记" in zh
    assert "Register the visit" in en
