"""Failed sign-ins are counted in axes' table per username+IP and per IP, each rule with its own
limit; the audit chain gets one event per lock-out; what is typed as an unknown username is never
kept in clear."""

import logging

import pytest
from axes.models import AccessAttempt

from accounts.throttle import UNKNOWN_PREFIX, username_mask
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TYPED_PASSWORD = "Tr0ub4dor&3-typed-in-the-wrong-field"


def _login(client, username, password="pw-for-tests-1", ip="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _spray(client, count, ip="127.0.0.1"):
    return [_login(client, f"guess{i}", "wrong-password", ip=ip).status_code for i in range(count)]


def test_a_failed_sign_in_is_counted_outside_the_audit_chain(client, front_desk):
    _login(client, front_desk.username, password="wrong-password")
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == (front_desk.username, "127.0.0.1")
    assert attempt.failures_since_start == 1


def test_many_usernames_from_one_ip_are_throttled(client, front_desk, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 6
    assert _spray(client, 6) == [200] * 5 + [429]
    # Even the right password of a real account from that address waits out the cool-off.
    assert _login(client, front_desk.username).status_code == 429


def test_the_ip_limit_has_its_own_setting(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 9
    assert _spray(client, 9) == [200] * 8 + [429]


def test_another_address_still_signs_in_during_a_spray(client, front_desk, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 6
    _spray(client, 6, ip="203.0.113.7")
    response = _login(client, front_desk.username, ip="198.51.100.20")
    assert response.status_code == 302


def test_a_real_sign_in_does_not_reset_the_count_of_a_spray(client, front_desk, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 6
    _spray(client, 5)
    assert _login(client, front_desk.username).status_code == 302
    client.logout()
    assert _login(client, "guess-after", "wrong-password").status_code == 429


def test_one_audit_event_per_lock_out_of_a_username(client, front_desk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _login(client, front_desk.username, password="wrong-password")
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.object_id == front_desk.username
    assert event.after == {
        "ip": "127.0.0.1",
        "rules": {"username+ip_address": settings.AXES_FAILURE_LIMIT},
    }
    assert AuditEvent.objects.count() == 1


def test_one_audit_event_per_lock_out_of_an_address(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 6
    _spray(client, 10)
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.after == {"ip": "127.0.0.1", "rules": {"ip_address": 6}}


def test_an_unknown_username_is_never_kept_in_clear(client, settings, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(client, TYPED_PASSWORD, password="wrong-password")

    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.object_id == username_mask(TYPED_PASSWORD)
    assert event.object_id.startswith(UNKNOWN_PREFIX)
    kept = [str(value) for row in AccessAttempt.objects.values() for value in row.values()]
    kept += [str(v) for v in AuditEvent.objects.values_list("object_id", "before", "after")]
    kept += [record.getMessage() for record in caplog.records]
    assert all(TYPED_PASSWORD not in text for text in kept)
    assert any(username_mask(TYPED_PASSWORD) in text for text in kept)


def test_the_same_unknown_username_is_counted_as_one_name(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 100
    statuses = [
        _login(client, TYPED_PASSWORD, "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_the_password_field_is_masked_in_the_kept_post_data(client, front_desk):
    _login(client, front_desk.username, password="wrong-password")
    assert "wrong-password" not in AccessAttempt.objects.get().post_data
