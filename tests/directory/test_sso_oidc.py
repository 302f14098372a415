"""OpenID Connect sign-in (directory/sso.py) against a loopback provider: a small HTTP server in
a thread serving discovery, authorize (redirect with a code), token (an RS256 id_token signed
with a key made here), userinfo and jwks — the whole code flow over real HTTP."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from accounts.models import User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CLIENT_ID = "firstask-test"
CLIENT_SECRET = "oidc-test-secret"


class Provider:
    """The stand-in identity provider. ``claims`` is who signs in next; ``audience`` lets a test
    hand out a token meant for another client."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.audience = CLIENT_ID
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), **provider.claims}
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.codes.get(token.removeprefix("at-"))
                    if claims is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json({k: v for k, v in claims.items() if k != "nonce"})
                if url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": "test-key", "alg": "RS256"}]})
                return self._json({"error": "not found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json({"error": "not found"}, 404)
                if form.get("client_secret") != CLIENT_SECRET or form["code"] not in provider.codes:
                    return self._json({"error": "invalid_grant"}, 400)
                claims = provider.codes[form["code"]]
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        **claims,
                        "iss": provider.url,
                        "aud": provider.audience,
                        "iat": now,
                        "exp": now + 300,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "test-key"},
                )
                return self._json(
                    {"access_token": f"at-{form['code']}", "token_type": "Bearer",
                     "id_token": id_token, "expires_in": 300}
                )  # fmt: skip

        return Handler

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    running = Provider()
    yield running
    if running.thread.is_alive():
        running.close()


@pytest.fixture
def oidc_on(provider, settings, department, other_department):
    """Configured the way an operator would: from the provider's discovery document."""
    found = requests.get(f"{provider.url}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "统一身份认证"
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_ROLE_MAP = {"firstask-staff": "staff", "firstask-heads": ["department_head"]}
    return provider


def sign_in_through(client, provider, claims: dict):
    """Browser steps: our start URL -> provider's authorize -> back to our callback."""
    provider.claims = claims
    start = client.get("/directory/oidc/start/")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.url}/authorize")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/directory/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def claims(username: str = "zhaoliu", **extra) -> dict:
    return {
        "sub": f"sub-{username}",
        "preferred_username": username,
        "name": "赵六",
        "email": f"{username}@example.org",
        "groups": ["firstask-staff", "firstask-heads"],
        "department": "JW",
        **extra,
    }


def test_the_login_page_offers_the_provider(oidc_on, client):
    page = client.get("/accounts/login/").content.decode()
    assert "/directory/oidc/start/" in page and "统一身份认证" in page


def test_the_login_page_has_no_button_while_oidc_is_off(client):
    assert "/directory/oidc/start/" not in client.get("/accounts/login/").content.decode()


def test_a_provider_user_signs_in_with_mapped_roles_and_department(oidc_on, client):
    done = sign_in_through(client, oidc_on, claims())
    assert done.status_code == 302 and done["Location"] == "/"
    user = User.objects.get(username="zhaoliu")
    assert set(user.groups.values_list("name", flat=True)) == {"staff", "department_head"}
    assert user.department is not None
    assert (user.name, user.department.code) == ("赵六", "JW")
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="user.sso_create", object_id="zhaoliu")
    assert event.after is not None and event.after["source"] == "oidc"

    assert client.get("/").status_code == 200


def test_claims_change_the_account_at_the_next_sign_in(oidc_on, client):
    sign_in_through(client, oidc_on, claims())
    client.post("/accounts/logout/")
    sign_in_through(client, oidc_on, claims(groups=["firstask-staff"], department="CW"))
    user = User.objects.get(username="zhaoliu")
    assert set(user.groups.values_list("name", flat=True)) == {"staff"}
    assert user.department and user.department.code == "CW"


def test_a_user_with_no_mapped_group_is_sent_back_to_the_login_page(oidc_on, client):
    done = sign_in_through(client, oidc_on, claims(groups=["students"]))
    assert done.status_code == 302 and done["Location"] == "/accounts/login/?sso=failed"
    assert not User.objects.filter(username="zhaoliu").exists()
    page = client.get(done["Location"]).content.decode()
    assert 'role="alert"' in page


def test_a_token_issued_for_another_client_is_refused(oidc_on, client):
    oidc_on.audience = "some-other-app"
    done = sign_in_through(client, oidc_on, claims())
    assert done["Location"] == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="zhaoliu").exists()


def test_a_local_account_is_not_taken_over_by_the_provider(oidc_on, client, front_desk):
    done = sign_in_through(client, oidc_on, claims(username="qiantai"))
    assert done["Location"] == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    assert set(front_desk.groups.values_list("name", flat=True)) == {"staff"}


def test_the_oidc_urls_are_404_while_oidc_is_off(client):
    assert client.get("/directory/oidc/start/").status_code == 404
    assert client.get("/directory/oidc/callback/?code=x&state=y").status_code == 404


def test_a_provider_that_stops_answering_fails_only_that_sign_in(oidc_on, client, front_desk):
    oidc_on.claims = claims()
    start = client.get("/directory/oidc/start/")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    oidc_on.close()  # the token endpoint is gone when the browser comes back
    callback = urlsplit(back.headers["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    assert done["Location"] == "/accounts/login/?sso=failed"
    signed_in = client.post(
        "/accounts/login/", {"username": "qiantai", "password": "pw-for-tests-1"}
    )
    assert signed_in.status_code == 302


def test_a_role_mapping_that_cannot_work_fails_the_system_check(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.OIDC_ROLE_MAP = {"firstask-staff": "boss"}
    with pytest.raises(SystemCheckError, match="OIDC_ROLE_MAP"):
        call_command("check")
    settings.OIDC_ROLE_MAP = {}
    settings.LDAP_ROLE_GROUPS = ["cn=staff"]
    with pytest.raises(SystemCheckError, match="LDAP_ROLE_GROUPS must be a JSON object"):
        call_command("check")
