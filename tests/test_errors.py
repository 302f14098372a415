"""firstask/errors.py: the 500 handler answers 503 for a database that went away, 500 otherwise."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from firstask.errors import server_error


def _handled(error: Exception):
    try:
        raise error
    except Exception:  # the handler reads the exception being handled
        return server_error(RequestFactory().get("/"))


@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("closed")])
def test_a_lost_database_answers_503_with_retry_after(error):
    with translation.override("en"):
        response = _handled(error)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Nothing of this request was saved" in response.content.decode()


def test_the_page_is_translated():
    with translation.override("zh-hans"):
        response = _handled(OperationalError("gone"))

    assert "本次操作没有保存任何内容" in response.content.decode()


def test_any_other_error_stays_a_500():
    assert _handled(ValueError("bug")).status_code == 500
