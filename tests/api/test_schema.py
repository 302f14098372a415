from __future__ import annotations

import pytest
from django.core.management import call_command


def test_the_openapi_document_is_valid_and_generated_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3.1.0")
    assert "bearerToken" in text


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/cases/{number}/result/"])
def test_every_operation_needs_the_bearer_token(openapi, path):
    for operation in openapi["paths"][path].values():
        assert operation["security"] == [{"bearerToken": []}]
