"""Sign-in throttling, session lifetime, redirects and security headers."""

import json
import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.views import defaults

from accounts.security import SESSION_STARTED_KEY
from audit.logredact import RedactPersonalData, redact
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def _login(client, username, password="pw-for-tests-1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_sign_in_works(client, front_desk):
    response = _login(client, front_desk.username)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_repeated_failures_lock_the_account_out(client, front_desk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, front_desk.username, password="wrong-password")
    response = _login(client, front_desk.username)  # even the right password now
    assert response.status_code == 429
    assert b"locked-out" in response.content
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_ip(client, front_desk, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, front_desk.username, password="wrong-password")
    assert _login(client, colleague.username).status_code == 302


def test_password_validators_refuse_weak_passwords(front_desk):
    for weak in ("short1", "12345678901", "password123", front_desk.username + "1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=front_desk)
    validate_password("Lantern-Quay-2026", user=front_desk)


def test_session_ends_after_the_idle_timeout(client, front_desk, settings):
    import time_machine

    _login(client, front_desk.username)
    assert client.get("/").status_code == 200
    with time_machine.travel(time.time() + settings.SESSION_COOKIE_AGE + 60):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_without_writing_it_on_every_request(
    client, front_desk, settings
):
    import time_machine

    _login(client, front_desk.username)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    start = time.time()
    # Every 20 minutes for an hour: each request restarts the 30-minute idle clock.
    for minutes in (20, 40, 60):
        with time_machine.travel(start + minutes * 60, tick=False):
            assert client.get("/").status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date.timestamp()
    assert expiry == pytest.approx(start + 60 * 60 + settings.SESSION_COOKIE_AGE, abs=5)
    # Within SESSION_RENEW_SECONDS of the last save the session row is left alone.
    with (
        time_machine.travel(start + 60 * 60 + 10, tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        assert client.get("/").status_code == 200
    assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in queries)


def test_session_ends_after_the_absolute_lifetime_even_when_active(client, front_desk, settings):
    _login(client, front_desk.username)
    session = client.session
    assert session[SESSION_STARTED_KEY] <= time.time()
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_HOURS * 3600 - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_deactivating_a_user_ends_their_sessions(client, front_desk):
    _login(client, front_desk.username)
    assert client.get("/").status_code == 200
    front_desk.is_active = False
    front_desk.save()
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(front_desk.pk)
    ]
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:/\\evil.example"],
)
def test_next_never_leaves_our_host(client, front_desk, target):
    response = _login(client, front_desk.username, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_within_our_host_is_followed(client, front_desk):
    response = _login(client, front_desk.username, next="/cases/")
    assert response["Location"] == "/cases/"


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert "evil.example" not in response.get("Location", "")


def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_secure_outside_debug(client, front_desk):
    response = _login(client, front_desk.username)
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert django_settings.CSRF_COOKIE_SECURE


def _check_deploy(**extra_env):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "HTTPS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "CSRF_TRUSTED_ORIGINS",
            "SECURE_COOKIES",
            "BEHIND_PROXY",
        }
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="firstask.example", **extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_only_the_key_and_the_hosts():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_turned_off():
    result = _check_deploy(HTTPS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_the_demo_with_debug_stays_on_plain_http():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.HTTPS)"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "HTTPS"},
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "firstask.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_server_error_page_is_translated_and_generic():
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = defaults.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "出错" in body
    assert "Traceback" not in body


def test_not_found_page_is_translated(client, front_desk):
    client.force_login(front_desk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "没有这个页面" in response.content.decode()


def test_csp_reports_are_accepted_and_logged(client, caplog):
    report = {
        "csp-report": {
            "violated-directive": "script-src",
            "blocked-uri": "inline",
            "document-uri": "http://testserver/",
        }
    }
    with caplog.at_level(logging.WARNING, logger="firstask.csp"):
        response = client.post(
            "/accounts/csp-report/", json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    assert "script-src" in caplog.text


def test_csp_report_with_garbage_is_a_400(client):
    response = client.post("/accounts/csp-report/", b"\xff{", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("visitor 13812345678 called", "visitor 138****5678 called"),
        ("tel +86 138-1234-5678.", "tel 138****5678."),
        ("landline 010-62751234", "landline 010****1234"),
        ("case SW-20261127-0007 id 12345", "case SW-20261127-0007 id 12345"),
    ],
)
def test_phone_numbers_are_redacted_from_logs(text, expected):
    assert redact(text) == expected


def test_the_log_filter_is_installed_and_rewrites_records():
    handlers = django_settings.LOGGING["handlers"]
    assert isinstance(handlers, dict) and "redact_pii" in handlers["console"]["filters"]
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "phone %s", ("13812345678",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "phone 138****5678"


def test_with_https_plain_http_is_redirected_but_health_probes_are_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/status/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code != 301
    # The compose health check speaks as the TLS proxy does.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/status/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_a_next_naming_the_sign_in_page_is_ignored_for_a_signed_in_user(client, front_desk):
    """The fuzz found it: Django refuses such a redirect loop with an error (500)."""
    client.force_login(front_desk)
    response = client.get("/accounts/login/", {"next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] != "/accounts/login/"
