from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from api.models import Scope
from api.services import api_token_create

ALL_SCOPES = list(Scope.values)


@pytest.fixture
def token_for(db):
    def make(user, scopes=None) -> str:
        _row, secret = api_token_create(
            None, user=user, name=f"test-{user.username}", scopes=scopes or ALL_SCOPES
        )
        return secret

    return make


@pytest.fixture
def api(token_for):
    """``api(user, scopes)``: a client that sends a fresh token of the user."""

    def make(user=None, scopes=None, token: str | None = None) -> APIClient:
        client = APIClient()
        if token is None and user is not None:
            token = token_for(user, scopes)
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture(scope="session")
def openapi():
    """The OpenAPI document as drf-spectacular generates it for /api/schema/."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operation(document: dict, path: str, method: str) -> dict:
    """The documented operation for a concrete path (/api/v1/cases/SW-…/ → /{number}/)."""
    for template, operations in document["paths"].items():
        parts, actual = template.strip("/").split("/"), path.split("?")[0].strip("/").split("/")
        if len(parts) == len(actual) and all(
            p == a or (p.startswith("{") and p.endswith("}"))
            for p, a in zip(parts, actual, strict=True)
        ):
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


@pytest.fixture
def conforms(openapi):
    """Assert that a response is documented (path, method, status) and that its JSON body is
    valid against the documented schema (OpenAPI 3.1: JSON Schema 2020-12)."""

    def check(response, path: str, method: str = "GET") -> None:
        operation = _operation(openapi, path, method)
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {path}: {status} is not documented"
        content = operation["responses"][status].get("content", {})
        schema = content["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": openapi["components"]})
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(json.loads(response.content))
        ]
        assert errors == [], f"{method} {path} {status}: {errors}"

    return check
