"""The OpenAPI document says how every operation answers its errors, and the service answers them that way:
problem+json of one shape (`errors` always an object keyed by the field), 404 where a path names a record,
409 and 413 for a change, a 405 with its `Allow`, and an OPTIONS answer naming every method [issue 19]."""

from __future__ import annotations

from typing import Any

import pytest

from disclosure.app import API_ERRORS, CHANGE_ERRORS, RECORD_ERRORS
from disclosure.contract import control_text, unknown_fields, wrong_type
from disclosure.db import utcnow
from disclosure.decisions.api import AttendanceBody
from tests.pages import PageClient
from tests.requests.test_api import api

__all__ = ["api"]

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_operation_declares_its_errors_as_problem_json(api: PageClient) -> None:
    document = api.get("/api/v1/schema/openapi.json").json()
    operations = _operations(document)
    assert len(operations) > 50
    for method, path, operation in operations:
        wanted = set(API_ERRORS)
        if "{" in path:
            wanted |= set(RECORD_ERRORS)
        if method != "GET":
            wanted |= set(CHANGE_ERRORS)
        declared = {int(code) for code in operation["responses"] if code[0] in "45"}
        assert wanted <= declared, (method, path, sorted(declared))
        for code in declared:
            content = operation["responses"][str(code)]["content"]
            assert content == {"application/problem+json": {"schema": PROBLEM}}, (method, path, code)
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status", "detail"}
    assert problem["properties"]["errors"]["oneOf"][0]["type"] == "object"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_a_parameter_the_framework_refuses_is_told_by_field_as_an_object(api: PageClient) -> None:
    body = _problem(api.get("/api/v1/requests?limit=0"), 400)
    assert list(body["errors"]) == ["limit"] and ">= 1" in body["errors"]["limit"]
    assert body["errors"]["limit"] in body["detail"]


def test_a_change_without_a_body_says_so(api: PageClient) -> None:
    body = _problem(api.post("/api/v1/requests"), 400)
    assert body["errors"] == {"body": "Send a JSON object as the request body"}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/api/v1/requests", "GET, OPTIONS, POST"), ("/api/v1/requests/{id}/delivery", "GET, OPTIONS, POST")],
)
def test_options_and_405_name_every_method_of_the_path(api: PageClient, path: str, allowed: str) -> None:
    url = path.replace("{id}", "0193e2c4-8f1e-7c3a-9b51-7a1d2e3f4a5b")
    assert api.options(url).headers["allow"] == allowed
    refused = api.request("TRACE", url)
    body = _problem(refused, 405)
    assert sorted(refused.headers["allow"].split(", ")) == allowed.split(", ")
    assert allowed.split(", ", maxsplit=1)[0] in body["detail"]


def test_an_unknown_field_is_refused_by_name_and_nothing_is_written(api: PageClient) -> None:
    body = _problem(api.post("/api/v1/people", json={"given_names": "A", "family_name": "B", "shoe": 9}), 400)
    assert body["errors"] == {"shoe": "shoe is not a field of this request"}
    assert api.post("/api/v1/people/matches", json={"given_names": "A", "family_name": "B"}).json() == []


def test_unknown_fields_are_found_in_nested_bodies() -> None:
    seat = {"member_id": "0193e2c4-8f1e-7c3a-9b51-7a1d2e3f4a5b", "present": True, "colour": "red"}
    assert unknown_fields({"members": [seat, seat], "extra": 1}, AttendanceBody) == [
        "members.0.colour",
        "members.1.colour",
        "extra",
    ]


def test_the_document_closes_every_body_to_unknown_fields(api: PageClient) -> None:
    document = api.get("/api/v1/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for _, _, operation in _operations(document)
        if "requestBody" in operation
    }
    assert len(bodies) > 25
    assert all(schemas[name].get("additionalProperties") is False for name in bodies), bodies


DOCUMENTED_RULES = [
    # (path, body breaking the rules, its schema, the fields refused)
    (
        "/api/v1/requests",
        {"route": "by_pigeon", "first_contact": "{now}", "channel": "pigeon", "receiving_force": " \t"},
        "LogRequestBody",
        {"route", "channel", "receiving_force"},
    ),
    ("/api/v1/search", {"q": "  \u0007"}, "SearchBody", {"q"}),
    ("/api/v1/people", {"given_names": " ", "family_name": ""}, "PersonBody", {"given_names"}),
]


def _documented(schema: dict[str, Any], field: str) -> bool:
    rule = schema["properties"][field]
    given = [alternative["required"] for alternative in schema.get("anyOf", [])]
    return "enum" in rule or rule.get("minLength") == 1 or [field] in given


@pytest.mark.parametrize(("path", "body", "name", "fields"), DOCUMENTED_RULES)
def test_the_rules_the_document_states_are_the_rules_the_service_keeps(
    api: PageClient, path: str, body: dict[str, Any], name: str, fields: set[str]
) -> None:
    """The document's value lists, required text and at-least-one-of rules: what it calls invalid, the
    service refuses at that field (and schemathesis checks the converse: what it calls valid is accepted)."""
    schema = api.get("/api/v1/schema/openapi.json").json()["components"]["schemas"][name]
    assert all(_documented(schema, field) for field in fields), schema
    sent = {k: utcnow().isoformat() if v == "{now}" else v for k, v in body.items()}
    assert fields <= set(_problem(api.post(path, json=sent), 400)["errors"])


def test_a_documented_query_value_list_is_the_one_the_service_keeps(api: PageClient) -> None:
    document = api.get("/api/v1/schema/openapi.json").json()
    [status] = [
        p for p in document["paths"]["/api/v1/missing/episodes"]["get"]["parameters"] if p["name"] == "status"
    ]
    assert status["schema"]["enum"] == ["open", "closed"]
    assert "status" in _problem(api.get("/api/v1/missing/episodes?status=lost"), 400)["errors"]


def test_a_value_of_the_wrong_json_type_is_refused_not_coerced(api: PageClient) -> None:
    """The decoder would read a number as a time (seconds since 1970) and "12" as a number: both refused at
    their field, the one nested in a list too, and nothing is written."""
    body = {"route": "right_to_know", "first_contact": 0, "channel": "101", "receiving_force": "Testshire"}
    problem = _problem(api.post("/api/v1/requests", json=body), 400)
    assert problem["errors"] == {"first_contact": "first_contact: Expected datetime, got int"}
    assert api.get("/api/v1/requests").json()["items"] == []
    seat = {"member_id": "0193e2c4-8f1e-7c3a-9b51-7a1d2e3f4a5b", "present": "yes"}
    assert wrong_type({"members": [seat]}, AttendanceBody) == (
        "members.0.present",
        "Expected bool, got str",
    )


@pytest.mark.parametrize(
    "text", ["Ann\x00", "Ann\x07e", "Ann\u202eeB", "\x1b[2J", "Ann\x85", "\u2066Ann"], ids=repr
)
def test_text_holding_a_control_character_is_refused_at_its_field_and_nothing_is_written(
    api: PageClient, text: str
) -> None:
    """PostgreSQL cannot store NUL (the fuzzer's 500 on `POST /api/v1/people`), and the pages drop control
    characters from what is typed: an integration is told instead, on every operation, query and body."""
    body = _problem(api.post("/api/v1/people", json={"given_names": text, "family_name": "Bell"}), 400)
    assert body["errors"] == {
        "given_names": "given_names must not contain control characters (only tabs and line breaks)"
    }
    assert api.post("/api/v1/people/matches", json={"given_names": "Ann", "family_name": "Bell"}).json() == []
    assert set(_problem(api.get("/api/v1/requests", params={"after": text}), 400)["errors"]) == {"after"}


def test_control_characters_are_found_at_any_depth_and_tabs_and_line_breaks_are_kept() -> None:
    seat = {"member_id": "0193e2c4", "note": "a\x00"}
    assert control_text({"members": [seat, {"note": "fine\r\n\tline"}], "x": "\x00", "n": 3}) == [
        "members.0.note",
        "x",
    ]
    assert control_text({"ke\x00y": "v"}) == ["body"]
    assert control_text("Flat 1\r\n2 High St\t") == []
