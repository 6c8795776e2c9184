"""The route policy table against every registered route (QUALITY.md check 1).

Every route the app registers must have an entry; every principal (anonymous, each role, and a user whose
security code is still to come) is sent to every route, and the guard's answer must match the table.
A few expectations are written out by hand so the test cannot pass by mirroring a wrong table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from litestar import Litestar
from sqlalchemy.orm import Session

from disclosure.accounts import service
from disclosure.accounts.policy import POLICY
from disclosure.accounts.roles import Role
from disclosure.auth import Rule, policy_name
from tests.builders import make_session, make_user, principal_for
from tests.pages import PageClient

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    rule: Rule


def endpoints(app: Litestar) -> Iterator[Endpoint]:
    for route in app.routes:
        for handler in route.route_handlers:
            for method in sorted(getattr(handler, "http_methods", {"GET"})):
                name = policy_name(handler)
                path = _fill(route.path)
                yield Endpoint(name, method, path, POLICY.get(name))  # type: ignore[arg-type]


def _fill(template: str) -> str:
    def value(match: re.Match[str]) -> str:
        kind = match.group(2)
        return {"uuid": str(uuid.uuid4()), "int": "1", "path": "/missing.css"}.get(kind, "x")

    return re.sub(r"\{(\w+):(\w+)\}", value, template)


def test_every_registered_route_has_a_policy_entry_and_every_entry_a_route(app: Litestar) -> None:
    found = list(endpoints(app))
    missing = sorted({e.name or f"<unnamed {e.method} {e.path}>" for e in found if e.rule is None})
    assert missing == []
    unused = sorted(set(POLICY) - {e.name for e in found})
    assert unused == []


PRINCIPALS = ["anonymous", "mfa_pending", *[r.value for r in Role]]


def _expected(endpoint: Endpoint, who: str) -> str:
    rule = endpoint.rule
    if rule.kind == "public":
        return "allowed"
    if who == "anonymous" or (who == "mfa_pending" and endpoint.path.startswith("/api/")):
        return "sign_in"  # API tokens are issued to fully enrolled users; a half sign-in has none
    if who == "mfa_pending":
        return "allowed" if rule.kind == "pending_mfa" else "code"
    if rule.kind in ("signed_in", "pending_mfa") or who in rule.roles:
        return "allowed"
    return "refused"


def _outcome(response: object, api: bool) -> str:
    status = response.status_code  # type: ignore[attr-defined]
    location = response.headers.get("location", "")  # type: ignore[attr-defined]
    if status == 401 or (
        (not api and status == 303 and location.startswith("/sign-in?")) or location == "/sign-in"
    ):
        return "sign_in"
    if status == 303 and location.startswith("/sign-in/security-code"):
        return "code"
    if status == 403:
        return "refused"
    return "allowed"


@pytest.mark.parametrize("who", PRINCIPALS)
def test_every_route_answers_each_principal_as_the_table_says(
    who: str, app: Litestar, client: PageClient, db: Session, request: pytest.FixtureRequest
) -> None:
    user = api_token = None
    if who == "mfa_pending":
        user = make_user(db, Role.RESEARCHER)
    elif who != "anonymous":
        user = make_user(db, Role(who))
        admin = make_user(db, Role.ADMINISTRATOR)
        api_token = service.issue_api_token(db, principal_for(admin.user), user.user.id, "policy test")
    checked = 0
    mismatches = []
    for endpoint in endpoints(app):
        if endpoint.method in ("OPTIONS", "HEAD"):
            continue
        api = endpoint.path.startswith("/api/")
        client.cookies.clear()
        headers = {}
        if user and not api:  # a fresh session each time: one of the routes is sign-out
            client.sign_in_as(make_session(db, user.user, mfa_done=who != "mfa_pending"))
        if api and api_token:
            headers["Authorization"] = f"Bearer {api_token}"
        if endpoint.method in UNSAFE:
            if api:
                response = client.request(
                    endpoint.method, endpoint.path, json={}, headers=headers, follow_redirects=False
                )
            else:
                response = client.submit(endpoint.path, {}, headers=headers)
        else:
            response = client.request(endpoint.method, endpoint.path, headers=headers, follow_redirects=False)
        expected = _expected(endpoint, who)
        outcome = _outcome(response, api)
        if endpoint.rule.kind == "pending_mfa" and outcome == "code":
            outcome = "allowed"  # the page itself sends an enrolled user on to the code (or set-up) step
        if expected != outcome:
            mismatches.append(
                f"{who} {endpoint.method} {endpoint.path} ({endpoint.name}): expected {expected}, got "
                f"{outcome} ({response.status_code} {response.headers.get('location', '')})"
            )
        checked += 1
    assert not mismatches, "\n".join(mismatches)
    assert checked > 60


def test_hand_written_expectations(client: PageClient, db: Session) -> None:
    """Independent of the table: the boundaries that matter most."""
    admin = make_user(db, Role.ADMINISTRATOR)
    auditor = make_user(db, Role.AUDITOR)
    clerk = make_user(db, Role.DATA_ADMINISTRATOR)
    assert client.get("/requests", follow_redirects=False).headers["location"].startswith("/sign-in")
    client.sign_in_as(make_session(db, admin.user))
    assert client.get("/audit").status_code == 403
    assert client.get("/requests").status_code == 403
    assert client.get("/admin/users").status_code == 200
    client.sign_in_as(make_session(db, auditor.user))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/requests").status_code == 403
    assert client.get("/audit").status_code == 200
    client.sign_in_as(make_session(db, clerk.user))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/audit").status_code == 403
    assert client.get("/requests").status_code == 200


def test_a_route_missing_from_the_table_is_refused(
    app: Litestar, client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: remove one entry and even its rightful users are refused."""
    admin = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, admin.user))
    monkeypatch.delitem(POLICY, "admin.users")
    assert client.get("/admin/users").status_code == 403
