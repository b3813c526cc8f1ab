"""The admin API's OpenAPI description: bodies and problem statuses."""

from __future__ import annotations

from tests.conftest import Client


def test_openapi_documents_bodies_and_problem_statuses(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    put = spec["paths"]["/v1/admin/articles/{slug}/draft/sections/{key}"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/TherapyTypesSection"} in body["oneOf"]
    assert {"200", "201", "400", "401", "403", "404", "412", "413", "428"} <= set(put["responses"])
    assert put["responses"]["412"]["content"]["application/problem+json"]
    publish = spec["paths"]["/v1/admin/articles/{slug}/publish"]["post"]
    assert {"200", "202", "409"} <= set(publish["responses"])


def test_openapi_documents_republish_cancel_schedule_and_the_past_schedule(
    client: Client,
) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    republish = paths["/v1/admin/articles/{slug}/republish"]["post"]
    example = republish["responses"]["200"]["content"]["application/json"]["examples"]
    assert next(iter(example.values()))["value"]["action"] == "republished"
    assert {"401", "403", "404", "409"} <= set(republish["responses"])
    cancel = paths["/v1/admin/articles/{slug}/schedule"]["delete"]
    assert {"200", "404", "409"} <= set(cancel["responses"])
    refused = paths["/v1/admin/articles/{slug}/publish"]["post"]["responses"]["400"]
    past = refused["content"]["application/problem+json"]["examples"]
    assert next(iter(past.values()))["value"]["errors"] == [
        {"path": "$.at", "message": "in the past"}
    ]
