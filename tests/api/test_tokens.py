from __future__ import annotations

import hashlib
import re

import pytest
from django.core.management import call_command

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from audit.models import AuditEvent
from cases.errors import NotAllowed, WrongState

pytestmark = pytest.mark.django_db

URL = "/api/v1/departments/"


def test_a_token_is_stored_as_its_sha256_only(front_desk):
    row, token = api_token_create(None, user=front_desk, name="hotline", scopes=["cases:read"])
    secret = token.split(".", 1)[1]
    row.refresh_from_db()
    assert token.startswith(f"fa_{row.prefix}.")
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=row.pk).values().get())


def test_making_a_token_is_audited(front_desk):
    row, _token = api_token_create(None, user=front_desk, name="hotline", scopes=["cases:read"])
    event = AuditEvent.objects.get(action="api.token_create")
    assert event.object_id == row.prefix
    assert event.after is not None
    assert event.after["scopes"] == ["cases:read"]


def test_an_unknown_scope_is_refused(front_desk):
    with pytest.raises(WrongState):
        api_token_create(None, user=front_desk, name="x", scopes=["cases:delete"])


def test_only_an_admin_makes_tokens(front_desk):
    with pytest.raises(NotAllowed):
        api_token_create(front_desk, user=front_desk, name="x", scopes=["cases:read"])


def test_no_token_is_401(api, conforms):
    response = api().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    conforms(response, URL)


def test_a_wrong_token_is_401(api, front_desk, token_for, conforms):
    token = token_for(front_desk)
    response = api(token=token[:-2] + "xx").get(URL)
    assert response.status_code == 401
    conforms(response, URL)


def test_a_malformed_authorization_header_is_401(front_desk):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")
    assert client.get(URL).status_code == 401


def test_a_revoked_token_is_401(api, front_desk, token_for):
    token = token_for(front_desk)
    assert api(token=token).get(URL).status_code == 200
    api_token_revoke(None, token=ApiToken.objects.get(user=front_desk))
    assert api(token=token).get(URL).status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_the_token_of_a_deactivated_user_is_401(api, front_desk, token_for):
    token = token_for(front_desk)
    front_desk.is_active = False
    front_desk.save()
    assert api(token=token).get(URL).status_code == 401


def test_a_token_without_the_scope_is_403(api, front_desk, conforms):
    response = api(front_desk, scopes=["cases:read"]).get(URL)
    assert response.status_code == 403
    conforms(response, URL)


def test_a_session_is_not_enough_for_the_api(client, front_desk):
    client.force_login(front_desk)
    assert client.get(URL).status_code == 401


def test_calls_are_throttled_per_token(api, front_desk, token_for, monkeypatch):
    from api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/min"})
    first, second = api(token=token_for(front_desk)), api(token=token_for(front_desk))
    assert [first.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get(URL).status_code == 200  # another token has its own count


def test_last_use_is_recorded(api, front_desk, token_for):
    token = token_for(front_desk)
    api(token=token).get("/api/v1/departments/")
    assert ApiToken.objects.get(user=front_desk).last_used_at is not None


def test_the_command_makes_lists_and_revokes(front_desk, capsys):
    call_command(
        "api_token",
        "create",
        "--user",
        front_desk.username,
        "--scopes",
        "cases:read,reference:read",
    )
    token = capsys.readouterr().out.strip()
    row = ApiToken.objects.get(user=front_desk)
    assert token.startswith(f"fa_{row.prefix}.")
    assert row.scopes == ["cases:read", "reference:read"]
    call_command("api_token", "list")
    assert row.prefix in capsys.readouterr().out
    call_command("api_token", "revoke", row.prefix)
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_the_admin_shows_a_new_token_once(client, front_desk, django_user_model, api):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-1-root-pw")
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": front_desk.pk, "name": "website", "scopes": ["reference:read"]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    (token,) = re.findall(r"fa_[0-9a-f]+\.[\w-]+", " ".join(shown))
    assert api(token=token).get(URL).status_code == 200
    row = ApiToken.objects.get(name="website")
    page = client.get(f"/admin/api/apitoken/{row.pk}/change/").content.decode()
    assert token.split(".", 1)[1] not in page


def test_the_admin_revokes(client, front_desk, django_user_model, api, token_for):
    token = token_for(front_desk)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-1-root-pw")
    client.force_login(admin)
    row = ApiToken.objects.get(user=front_desk)
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    assert api(token=token).get(URL).status_code == 401
