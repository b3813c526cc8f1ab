"""The served spec is valid OpenAPI 3.1 and states the rules JSON Schema can state."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from tests.conftest import ARTICLE, Client


@pytest.fixture
def spec(client: Client) -> dict[str, Any]:
    """The OpenAPI document as clients download it."""
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def test_the_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message[:200]}"
        for e in OpenAPIV31SpecValidator(spec).iter_errors()
    ]
    assert errors == []


def test_the_sections_filter_states_its_pattern(spec: dict[str, Any], client: Client) -> None:
    (sections,) = [
        p
        for p in spec["paths"]["/v1/articles/{slug}"]["get"]["parameters"]
        if p["name"] == "sections"
    ]
    assert sections["schema"]["pattern"].startswith("^") and sections["schema"]["pattern"].endswith(
        "$"
    )
    assert client.get(f"{ARTICLE}?sections=Not a key!").status_code == 400
    assert client.get(f"{ARTICLE}?sections=intro,safety").status_code == 200


def test_a_patch_must_name_a_field_and_whole_numbers_say_so(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ArticlePatch"]["minProperties"] == 1
    rollback = schemas["RollbackRequest"]["properties"]["revision"]
    assert rollback["type"] == "integer" and "whole number" in rollback["description"]
