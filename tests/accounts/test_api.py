"""The accounts JSON API (and the audit events API it hands tokens to): bearer tokens only, roles as on the
pages, and bad input of any shape answered with a 4xx problem document, never a 500 (QUALITY.md check 13)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import service
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from tests.builders import SampleUser, make_user, principal_for
from tests.pages import PageClient

PROBLEM = "application/problem+json"


def _token(db: Session, user: SampleUser) -> dict[str, str]:
    issuer = make_user(db, Role.ADMINISTRATOR)
    raw = service.issue_api_token(db, principal_for(issuer.user), user.user.id, "api tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def as_admin(db: Session, admin: SampleUser) -> dict[str, str]:
    return _token(db, admin)


@pytest.fixture
def as_auditor(db: Session, auditor: SampleUser) -> dict[str, str]:
    return _token(db, auditor)


def _new_user(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "api.made",
        "display_name": "Api Made",
        "email": "api.made@police.uk",
        "roles": ["researcher"],
        **overrides,
    }


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


# ---------------------------------------------------------------- who am I


def test_me_describes_the_tokens_user(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.PANEL_CHAIR, Role.PANEL_MEMBER, username="pat.panel", display_name="Pat Panel")
    response = client.get("/api/v1/me", headers=_token(db, user))
    assert response.status_code == 200
    assert response.json() == {
        "id": str(user.user.id),
        "username": "pat.panel",
        "display_name": "Pat Panel",
        "roles": ["panel_chair", "panel_member"],
    }


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer dsc_not-a-real-token",
        "Bearer " + "x" * 5000,
        "Basic YWRtaW46YWRtaW4=",
        "Token dsc_something",
        "Bearer \u00e9\u00e9",
    ],
)
def test_no_token_or_a_bad_one_gets_401(client: PageClient, authorization: str | None) -> None:
    headers: dict[bytes, bytes] = {} if authorization is None else {b"authorization": authorization.encode()}
    for path in ("/api/v1/me", "/api/v1/users", "/api/v1/audit/events"):
        _is_problem(client.get(path, headers=headers), 401)
    _is_problem(client.post("/api/v1/users", json=_new_user(), headers=headers), 401)


def test_the_scheme_name_is_not_case_sensitive(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER)
    raw = _token(db, user)["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"}).status_code == 200


# ---------------------------------------------------------------- users


def test_an_administrator_lists_and_reads_users(
    client: PageClient, db: Session, admin: SampleUser, as_admin: dict[str, str]
) -> None:
    other = make_user(db, Role.RESEARCHER, username="rita.researcher", password=None)
    listed = client.get("/api/v1/users", headers=as_admin)
    assert listed.status_code == 200
    by_name = {u["username"]: u for u in listed.json()}
    assert {"admin.one", "rita.researcher"} <= set(by_name)
    rita = by_name["rita.researcher"]
    assert rita["roles"] == ["researcher"] and rita["invited"] is True and rita["active"] is True
    assert not {"password_hash", "totp_secret", "totp_pending_secret"} & set(rita)
    one = client.get(f"/api/v1/users/{other.user.id}", headers=as_admin)
    assert one.status_code == 200 and one.json() == rita
    _is_problem(client.get(f"/api/v1/users/{uuid.uuid4()}", headers=as_admin), 404)
    _is_problem(client.get("/api/v1/users/not-a-uuid", headers=as_admin), 404)


def test_an_administrator_creates_a_user_and_gets_the_invitation_link(
    client: PageClient, db: Session, admin: SampleUser, as_admin: dict[str, str]
) -> None:
    response = client.post("/api/v1/users", json=_new_user(roles=["auditor", "researcher"]), headers=as_admin)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["user"]["username"] == "api.made" and body["user"]["roles"] == ["auditor", "researcher"]
    assert body["invitation_link"].startswith("http://testserver.local/invitation/")
    created = db.scalar(select(User).where(User.username == "api.made"))
    assert created is not None and created.password_hash is None
    service.check_invitation(db, body["invitation_link"].rsplit("/", 1)[1])
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event is not None and event.actor_id == admin.user.id
    again = _is_problem(client.post("/api/v1/users", json=_new_user(), headers=as_admin), 400)
    assert set(again["errors"]) == {"username"}  # taken


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_other_roles_get_403_from_user_administration(client: PageClient, db: Session, role: Role) -> None:
    headers = _token(db, make_user(db, role))
    _is_problem(client.get("/api/v1/users", headers=headers), 403)
    _is_problem(client.get(f"/api/v1/users/{uuid.uuid4()}", headers=headers), 403)
    _is_problem(client.post("/api/v1/users", json=_new_user(), headers=headers), 403)
    assert db.scalar(select(User).where(User.username == "api.made")) is None


# ---------------------------------------------------------------- the audit trail


def test_an_auditor_reads_the_audit_events(
    client: PageClient, db: Session, admin: SampleUser, as_auditor: dict[str, str]
) -> None:
    service.create_user(db, principal_for(admin.user), client.app.state.settings, _new_user())
    response = client.get("/api/v1/audit/events", headers=as_auditor)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and body["previous_cursor"] is None
    actions = [e["action"] for e in body["events"]]
    assert "user.create" in actions
    filtered = client.get("/api/v1/audit/events?action=user.create", headers=as_auditor).json()
    assert {e["action"] for e in filtered["events"]} == {"user.create"}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.AUDITOR])
def test_other_roles_get_403_from_the_audit_events(client: PageClient, db: Session, role: Role) -> None:
    _is_problem(client.get("/api/v1/audit/events", headers=_token(db, make_user(db, role))), 403)


@pytest.mark.parametrize(
    "query", ["limit=abc", "date_from=yesterday", "category=gossip", "limit=1.5", "limit=0", "limit=201"]
)
def test_bad_audit_filters_get_400(client: PageClient, as_auditor: dict[str, str], query: str) -> None:
    _is_problem(client.get(f"/api/v1/audit/events?{query}", headers=as_auditor), 400)


# ---------------------------------------------------------------- bad input never breaks anything


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_new_user(username=5), "username"),
        (_new_user(display_name=None), "display_name"),
        (_new_user(roles="researcher"), "roles"),
        (_new_user(roles=[1, 2]), "roles"),
        (_new_user(roles=[None]), "roles"),
        (_new_user(email=["a@b.uk"]), "email"),
        (_new_user(is_admin=True), "is_admin"),  # unknown fields are refused, not ignored
        (_new_user(password_hash="$argon2id$..."), "password_hash"),
        (_new_user(username="x" * 121), "username"),
        (_new_user(display_name="x" * 201), "display_name"),
        (_new_user(email="a@" + "b" * 400 + ".uk"), "email"),
        (_new_user(roles=["researcher"] * 21), "roles"),
        (_new_user(roles=["x" * 100_000]), "roles"),
        (_new_user(display_name="Nul\x00Name"), "display_name"),
        (_new_user(email="nul\x00@police.uk"), "email"),
        (_new_user(username="\u0430pi.made"), "username"),
        (_new_user(roles=["superuser"]), "roles"),
        (_new_user(roles=[]), "roles"),
        ({"username": "api.made"}, "display_name"),
    ],
)
def test_wrong_types_unknown_fields_and_overlong_strings_get_400(
    client: PageClient, db: Session, as_admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    problem = _is_problem(client.post("/api/v1/users", json=body, headers=as_admin), 400)
    assert field in str(problem.get("errors")) + problem["detail"]
    assert db.scalar(select(User).where(User.username == "api.made")) is None


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'"text"', "application/json"),
        (b"null", "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"username=x", "application/x-www-form-urlencoded"),
        (b'{"username": "a", "username": 1}', "application/json"),
    ],
)
def test_bodies_that_are_not_a_json_object_get_4xx(
    client: PageClient, as_admin: dict[str, str], content: bytes, content_type: str
) -> None:
    response = client.post(
        "/api/v1/users", content=content, headers={**as_admin, "content-type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "username": JSON | st.text(max_size=200),
            "display_name": JSON | st.text(max_size=250),
            "email": JSON | st.emails(),
            "roles": JSON | st.lists(st.sampled_from([*[r.value for r in Role], "x"]), max_size=3),
            "extra": JSON,
        },
    )
    | JSON
)
def test_no_json_body_gets_a_server_error(client: PageClient, as_admin: dict[str, str], body: Any) -> None:
    response = client.post("/api/v1/users", json=body, headers=as_admin)
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        assert response.headers["content-type"].startswith(PROBLEM)


# ---------------------------------------------------------------- the OpenAPI document


def test_the_openapi_document_describes_the_api(client: PageClient) -> None:
    response = client.get("/api/v1/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    for path in ("/api/v1/me", "/api/v1/users", "/api/v1/users/{user_id}", "/api/v1/audit/events"):
        assert path in paths
    assert set(paths["/api/v1/users"]) >= {"get", "post"}
    form = document["components"]["schemas"]["CreateUserForm"]
    assert form["properties"]["username"]["maxLength"] == 120
    assert form.get("additionalProperties") is False or "additionalProperties" not in form


def test_the_openapi_document_lists_no_account_pages(client: PageClient) -> None:
    paths = client.get("/api/v1/schema/openapi.json").json()["paths"]
    pages = (
        "/sign-in",
        "/sign-out",
        "/setup/",
        "/invitation/",
        "/account",
        "/admin/users",
        "/confirm-identity",
    )
    assert not [p for p in paths if p == "/" or p.startswith(pages)]


def test_the_openapi_document_lists_no_html_pages_at_all(client: PageClient) -> None:
    paths = client.get("/api/v1/schema/openapi.json").json()["paths"]
    not_api = [p for p in paths if not p.startswith("/api/v1/") or p.startswith("/api/v1/schema")]
    assert not_api == []


def test_the_openapi_document_says_every_operation_needs_a_token_and_how_it_refuses(
    client: PageClient,
) -> None:
    """Clients and fuzzers can tell from the document alone what each operation needs and answers: a
    bearer token, and problem+json for a missing (401) or refused (403) one [issue 14 §8]."""
    document = client.get("/api/v1/schema/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token, issued by an administrator to a named user",
    }
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status", "detail"}
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 20
    for path, method, operation in operations:
        assert operation.get("security") == [{"bearerToken": []}], f"{method} {path}"
        for status in ("401", "403"):
            content = operation["responses"][status]["content"]
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_every_operation_answers_a_caller_without_a_token_as_its_document_says(client: PageClient) -> None:
    """The attacker's request: each operation, with no token and with a forged one."""
    document = client.get("/api/v1/schema/openapi.json").json()
    some_id = "01900000-0000-7000-8000-000000000000"
    for path, item in document["paths"].items():
        for method in set(item) & {"get", "post", "put", "patch", "delete"}:
            values = {
                p["name"]: "1" if p["schema"].get("type") == "integer" else some_id
                for p in item[method].get("parameters", [])
                if p["in"] == "path"
            }
            concrete = path.format(**values)
            for headers in ({}, {"Authorization": "Bearer forged-token"}):
                response = client.request(method.upper(), concrete, headers=headers, json={})
                assert response.status_code == 401, f"{method} {path} {headers}: {response.status_code}"
                assert response.headers["content-type"].startswith("application/problem+json")
                body = response.json()
                assert body["status"] == 401 and body["title"] and body["detail"]
