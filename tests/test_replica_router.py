"""The replica's router and middleware without a replica (tests/test_replica.py has a real one):
which requests may read from it, the sticky cookie, and the settings block."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from accounts.models import User
from cases.models import Case
from firstask import db_router
from firstask.db_router import STICKY_COOKIE, PrimaryReplicaRouter, ReplicaMiddleware
from tests.notifications.conftest import ROOT


@pytest.fixture
def replica_settings(settings):
    """A replica in the settings only: nothing here opens a connection to it."""
    settings.DATABASE_REPLICA_URL = "postgres://postgres@127.0.0.1:5499/firstask"
    settings.REPLICA_STICKY_SECONDS = 10
    db_router.replica_health_forget()
    yield settings
    db_router.replica_health_forget()


def _middleware(response: HttpResponse, during=None) -> ReplicaMiddleware:
    def view(request):
        if during is not None:
            during()
        return response

    return ReplicaMiddleware(view)


def _marked(middleware: ReplicaMiddleware, request) -> bool:
    """Whether process_view marks the request (read inside the request's context)."""
    seen = {}

    def view(request):
        middleware.process_view(request, view, (), {})
        state = db_router._request.get()
        assert state is not None  # the middleware set it for this request
        seen["marked"] = state.may_use_replica
        return HttpResponse()

    ReplicaMiddleware(view)(request)
    return seen["marked"]


def _get(path: str, **cookies: str):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    request.resolver_match = resolve(path)
    return request


def test_without_a_replica_the_middleware_stands_aside():
    with pytest.raises(MiddlewareNotUsed):
        ReplicaMiddleware(lambda request: HttpResponse())


def test_outside_a_request_reads_and_writes_go_to_the_primary():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Case) == "default"
    assert router.db_for_write(Case) == "default"


def test_the_replica_gets_no_migrations():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is None


def test_a_request_that_wrote_reads_from_the_primary():
    token = db_router._request.set(db_router._Request(may_use_replica=True))
    try:
        router = PrimaryReplicaRouter()
        router.db_for_write(Case)
        assert router.db_for_read(Case) == "default"
    finally:
        db_router._request.reset(token)


def test_sign_in_and_permissions_read_from_the_primary():
    token = db_router._request.set(db_router._Request(may_use_replica=True))
    try:
        assert PrimaryReplicaRouter().db_for_read(User) == "default"
    finally:
        db_router._request.reset(token)


def test_a_successful_post_sets_the_sticky_cookie(replica_settings):
    request = RequestFactory().post("/cases/new/")
    response = _middleware(HttpResponse(status=302))(request)
    assert response.cookies[STICKY_COOKIE]["max-age"] == 10


def test_a_refused_post_sets_no_sticky_cookie(replica_settings):
    request = RequestFactory().post("/cases/new/")
    response = _middleware(HttpResponse(status=403))(request)
    assert STICKY_COOKIE not in response.cookies


def test_a_get_that_wrote_through_the_orm_sets_the_sticky_cookie(replica_settings):
    response = _middleware(
        HttpResponse(), during=lambda: PrimaryReplicaRouter().db_for_write(Case)
    )(RequestFactory().get("/cases/"))
    assert STICKY_COOKIE in response.cookies


def test_a_session_renewed_on_a_get_sets_no_sticky_cookie(replica_settings):
    from django.contrib.sessions.models import Session

    response = _middleware(
        HttpResponse(), during=lambda: PrimaryReplicaRouter().db_for_write(Session)
    )(RequestFactory().get("/cases/"))
    assert STICKY_COOKIE not in response.cookies


def test_the_case_list_may_read_from_the_replica(replica_settings):
    middleware = ReplicaMiddleware(lambda request: HttpResponse())
    assert _marked(middleware, _get("/cases/"))


def test_a_case_page_reads_from_the_primary(replica_settings):
    middleware = ReplicaMiddleware(lambda request: HttpResponse())
    assert not _marked(middleware, _get("/cases/SW-20260101-0001/"))


def test_the_case_list_of_a_browser_that_just_wrote_reads_from_the_primary(replica_settings):
    posted = _middleware(HttpResponse(status=302))(RequestFactory().post("/cases/new/"))
    cookie = posted.cookies[STICKY_COOKIE].value
    middleware = ReplicaMiddleware(lambda request: HttpResponse())
    assert not _marked(middleware, _get("/cases/", **{STICKY_COOKIE: cookie}))


def test_a_forged_sticky_cookie_is_ignored(replica_settings):
    middleware = ReplicaMiddleware(lambda request: HttpResponse())
    assert _marked(middleware, _get("/cases/", **{STICKY_COOKIE: "1"}))


def _handled(view):
    """The middleware around ``view`` as Django's handler runs it: process_view, the view,
    process_exception on an error."""

    def handler(request):
        middleware.process_view(request, view, (), {})
        try:
            return view(request)
        except Exception as error:
            response = middleware.process_exception(request, error)
            if response is None:
                raise
            return response

    middleware = ReplicaMiddleware(handler)
    return middleware


def test_a_replica_failing_mid_request_serves_the_page_again_from_the_primary(replica_settings):
    tries = []

    def case_list(request):
        state = db_router._request.get()
        assert state is not None  # the middleware set it for this request
        tries.append(state.may_use_replica)
        if state.may_use_replica:
            state.used_replica = True  # as the router does when it sends a read there
            raise OperationalError("the replica went away")
        return HttpResponse("from the primary")

    response = _handled(case_list)(_get("/cases/"))

    assert tries == [True, False]
    assert response.content == b"from the primary"
    assert not db_router.replica_usable()  # left alone for REPLICA_RETRY_SECONDS


def test_a_primary_failing_is_not_retried(replica_settings):
    def case_list(request):
        raise OperationalError("the primary went away")  # nothing was read from the replica

    with pytest.raises(OperationalError):
        _handled(case_list)(_get("/cases/"))


def test_the_settings_add_the_replica_its_router_and_middleware_last():
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['replica']['PORT'], s.DATABASES['replica']['TEST'], "
        "s.DATABASE_ROUTERS, s.MIDDLEWARE[-1]]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "firstask.settings",
        "SECRET_KEY": "x",
        "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5499/firstask",
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    port, test, routers, last = json.loads(done.stdout.splitlines()[-1])
    assert port == 5499
    assert test["MIRROR"] == "default"
    assert routers == ["firstask.db_router.PrimaryReplicaRouter"]
    assert last == "firstask.db_router.ReplicaMiddleware"
