"""The OpenAPI schema says what the API answers: nullable fields, every status, whole error bodies,
and a readings upload body that can be checked."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from greenfactory.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema, name):
    return schema["components"]["schemas"][name]


def _answer_schema(schema, path, method, status):
    return schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def _conforms(schema, subschema, instance) -> bool:
    """Whether ``instance`` matches ``subschema`` (``$ref``s resolved in the whole schema)."""
    registry = Registry().with_resource("urn:api", Resource.opaque(schema))
    wrapped = {"$ref": "urn:api#" + subschema["$ref"][1:]} if "$ref" in subschema else subschema
    if "anyOf" in wrapped:
        wrapped = {"anyOf": [{"$ref": "urn:api#" + s["$ref"][1:]} for s in wrapped["anyOf"]]}
    return Draft202012Validator(wrapped, registry=registry).is_valid(instance)


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Evidence", "approver"),
        ("Clause", "parent"),
        ("Standard", "replaced_by"),
        ("QualityFinding", "explained_by"),
        ("MeterEvent", "created_by"),
        ("ProductionRecord", "created_by"),
    ],
)
def test_fields_answered_as_null_are_nullable(schema, component, field):
    assert _component(schema, component)["properties"][field]["nullable"] is True


def test_certificates_are_answered_with_every_status_but_recorded_with_an_initial_one(schema):
    answered = _component(schema, "Certificate")["properties"]["status"]["allOf"][0]["$ref"]
    recorded = _component(schema, "CertificateRequest")["properties"]["status"]["allOf"][0]["$ref"]
    assert _component(schema, answered.rsplit("/", 1)[1])["enum"] == [
        "planned",
        "in_progress",
        "certified",
        "suspended",
        "withdrawn",
        "expired",
    ]
    assert _component(schema, recorded.rsplit("/", 1)[1])["enum"] == ["planned", "in_progress", "certified"]


def test_coverage_is_one_report_and_sub_lists_are_not_paginated(schema):
    assert _answer_schema(schema, "/api/v1/coverage/", "get", 200) == {
        "$ref": "#/components/schemas/Coverage"
    }
    for path in ("/api/v1/clauses/{id}/equivalents/", "/api/v1/evidence/{id}/revisions/"):
        assert _answer_schema(schema, path, "get", 200)["type"] == "array"


def test_energy_flow_and_functions_are_one_report_each(schema):
    assert _answer_schema(schema, "/api/v1/energy-flow/", "get", 200) == {
        "$ref": "#/components/schemas/EnergyFlow"
    }
    assert _answer_schema(schema, "/api/v1/energy-functions/", "get", 200) == {
        "$ref": "#/components/schemas/EnergyFunctionList"
    }
    node = _component(schema, "FlowNode")
    assert node["properties"]["share"]["nullable"] is True
    assert node["properties"]["meter"]["nullable"] is True
    assert _component(schema, "EnergyFlow")["properties"]["total_tce"]["nullable"] is True


@pytest.mark.django_db
def test_energy_flow_answers_conform_to_the_schema(schema, staff_client, site):
    # In tce the total is given (this helper reads no OpenAPI 3.0 ``nullable``; the fuzz test does).
    answer = staff_client.get(
        "/api/v1/energy-flow/", {"site": site.code, "start": "2025-03-01", "end": "2025-03-31", "unit": "tce"}
    )
    assert answer.status_code == 200
    assert _conforms(schema, _answer_schema(schema, "/api/v1/energy-flow/", "get", 200), answer.json())
    refused = staff_client.get(
        "/api/v1/energy-flow/", {"site": site.code, "start": "2025-03-31", "end": "2025-03-01"}
    )
    assert refused.status_code == 400
    assert _conforms(schema, _answer_schema(schema, "/api/v1/energy-flow/", "get", 400), refused.json())
    functions = staff_client.get("/api/v1/energy-functions/")
    assert _conforms(
        schema, _answer_schema(schema, "/api/v1/energy-functions/", "get", 200), functions.json()
    )


def test_every_operation_documents_its_refusals_with_the_shared_error_body(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("401", "403"):
                answer = operation["responses"][status]["content"]["application/json"]["schema"]
                assert error in (answer, *answer.get("anyOf", ())), (method, path, status)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if method != "get":
                assert {"400", "409"} <= operation["responses"].keys(), (method, path)
    assert _component(schema, "Error")["required"] == ["detail"]


def test_readings_upload_body_is_described_row_by_row(schema):
    body = schema["paths"]["/api/v1/readings/"]["post"]["requestBody"]["content"]
    assert body["text/csv"]["schema"] == {"type": "string"}
    upload = _component(schema, "ReadingsUploadRequest")
    assert upload["required"] == ["readings"]
    assert upload["properties"]["batch_id"]["maxLength"] == 100
    row = _component(schema, "ReadingRowRequest")
    assert set(row["properties"]) == {"meter", "ts", "start", "end", "value", "unit", "quality", "correction"}
    assert row["required"] == ["meter", "value"]
    assert row["oneOf"] == [{"required": ["ts"]}, {"required": ["start", "end"]}]
    responses = schema["paths"]["/api/v1/readings/"]["post"]["responses"]
    assert {"200", "207", "400", "401", "403", "404", "409", "413", "415", "429"} <= responses.keys()
    assert "Retry-After" in responses["429"]["headers"]


@pytest.mark.django_db
def test_a_malformed_readings_upload_answers_the_documented_error_body(schema, client, site):
    client.force_login(UserFactory(username="uploader", role=Role.STAFF))
    response = client.post("/api/v1/readings/?site=TJ-01", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}
    assert _conforms(schema, _answer_schema(schema, "/api/v1/readings/", "post", 400), response.json())


@pytest.mark.django_db
def test_a_standards_import_without_a_file_answers_the_documented_field_errors(schema, staff_client):
    response = staff_client.post("/api/v1/standards/import/", data={})
    assert response.status_code == 400
    assert "file" in response.json()
    assert _conforms(
        schema, _answer_schema(schema, "/api/v1/standards/import/", "post", 400), response.json()
    )
