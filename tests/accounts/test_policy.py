"""The route policy table against every registered route (QUALITY.md check 1, and check 3's boundaries).

Every route the app registers (enumerated from the app when the test runs) must have an entry in `POLICY`,
and every entry a route. Then anonymous, a user whose security code is still to come, and a user of every
role are sent to every route and method; the answer must be what the table says (computed with
`Rule.allows` and `rule.reauth`). Allowed principals never meet the guard (a 404 for a random id or a 400 for
an empty form is fine, a 500 is not); refused ones get 403, anonymous pages a redirect to /sign-in,
anonymous API calls 401, and a half-signed-in user the security code page. Some boundaries are written out
by hand so the test cannot pass by mirroring a wrong table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from disclosure.accounts import service
from disclosure.accounts.policy import POLICY
from disclosure.accounts.roles import Role
from disclosure.auth import Principal, Rule, policy_name
from disclosure.db import utcnow
from tests.builders import make_session, make_user, principal_for
from tests.pages import PageClient

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PRINCIPALS = ["anonymous", "mfa_pending", *[r.value for r in Role]]
# Pages that a signed-in user of any role may post to: their own sign-in, account and sign-out.
SELF_SERVICE = ("/sign-in", "/sign-out", "/confirm-identity", "/account/", "/setup/", "/invitation/")
CASE_PATHS = ("/requests", "/people", "/api/v1/requests", "/api/v1/people")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    template: str
    rule: Rule | None

    @property
    def api(self) -> bool:
        return self.template.startswith("/api/")

    def path(self) -> str:
        def value(match: re.Match[str]) -> str:
            kind = match.group(2)
            return {"uuid": str(uuid.uuid4()), "int": "1", "path": "missing.css"}.get(kind, "x")

        return re.sub(r"\{(\w+):(\w+)\}", value, self.template)


def endpoints(app: Litestar) -> Iterator[Endpoint]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", {"GET"})):
                name = policy_name(handler)
                yield Endpoint(name, method, route.path, POLICY.get(name))


def test_every_registered_route_has_a_policy_entry_and_every_entry_a_route(app: Litestar) -> None:
    found = list(endpoints(app))
    assert len(found) > 100
    missing = sorted({f"{e.method} {e.template} ({e.name or 'unnamed'})" for e in found if e.rule is None})
    assert missing == []
    unused = sorted(set(POLICY) - {e.name for e in found})
    assert unused == []


# ---------------------------------------------------------------- the matrix


def _model(who: str, *, api: bool, fresh_reauth: bool) -> Principal | None:
    """The principal the guard will see for `who` (a half sign-in has no API token: anonymous there)."""
    if who == "anonymous" or (who == "mfa_pending" and api):
        return None
    return Principal(
        user_id=uuid.uuid4(),
        username=who,
        display_name=who,
        roles=frozenset({Role.RESEARCHER.value} if who == "mfa_pending" else {who}),
        session_id=None,
        mfa_pending=who == "mfa_pending",
        reauthenticated_until=utcnow() + timedelta(minutes=5) if fresh_reauth and not api else None,
        via_api_token=api,
    )


def expected(endpoint: Endpoint, who: str, *, fresh_reauth: bool = True) -> str:
    rule = endpoint.rule
    assert rule is not None
    if rule.kind == "public":
        return "allowed"
    principal = _model(who, api=endpoint.api, fresh_reauth=fresh_reauth)
    if principal is None:
        return "sign_in"
    if principal.mfa_pending and rule.kind != "pending_mfa":
        return "code"
    if not rule.allows(principal):
        return "refused"
    if rule.reauth and not principal.recently_authenticated:
        return "refused" if endpoint.api else "reauth"
    return "allowed"


def outcome(response: object, who: str) -> str:
    """What the principal met: the guard's answer, or the route itself ('allowed')."""
    status: int = response.status_code  # type: ignore[attr-defined]
    location: str = response.headers.get("location", "") if status == 303 else ""  # type: ignore[attr-defined]
    guard = {401: "sign_in", 403: "refused"}.get(status)
    if location == "/sign-in" or location.startswith("/sign-in?"):
        guard = "sign_in"
    elif location == "/sign-in/security-code" and who == "mfa_pending":
        guard = "code"  # only a half sign-in meets the guard's code step; others are sent on by the page
    elif location.startswith("/confirm-identity?"):
        guard = "reauth"
    if guard:
        return guard
    return f"error {status}" if status >= 500 else "allowed"


@dataclass
class Checked:
    endpoint: Endpoint
    path: str
    expected: str
    got: str
    status: int


def walk(
    app: Litestar, client: PageClient, db: Session, who: str, *, fresh_reauth: bool = True
) -> list[Checked]:
    user = api_token = None
    if who == "mfa_pending":
        # Not yet enrolled, so its own pages answer rather than send it on to the code page, which is
        # what the guard itself does for every other route.
        user = make_user(db, Role.RESEARCHER, mfa=False)
    elif who != "anonymous":
        user = make_user(db, Role(who))
        admin = make_user(db, Role.ADMINISTRATOR)
        api_token = service.issue_api_token(db, principal_for(admin.user), user.user.id, "policy test")
    results = []
    for endpoint in endpoints(app):
        if not fresh_reauth and not (endpoint.rule and endpoint.rule.reauth):
            continue
        path = endpoint.path()
        client.cookies.clear()
        headers = {}
        if user and not endpoint.api:  # a fresh session each time: one of the routes is sign-out
            token = make_session(db, user.user, mfa_done=who != "mfa_pending", reauth=fresh_reauth)
            client.sign_in_as(token)
        if endpoint.api and api_token:
            headers["Authorization"] = f"Bearer {api_token}"
        if endpoint.method in UNSAFE and endpoint.api:
            response = client.request(endpoint.method, path, json={}, headers=headers, follow_redirects=False)
        elif endpoint.method in UNSAFE:
            response = client.submit(path, {}, headers=headers)
        elif endpoint.method == "HEAD":  # no body, so not a page to check
            response = TestClient.request(client, "HEAD", path, headers=headers, follow_redirects=False)
        else:
            response = client.request(endpoint.method, path, headers=headers, follow_redirects=False)
        want = expected(endpoint, who, fresh_reauth=fresh_reauth)
        results.append(Checked(endpoint, path, want, outcome(response, who), response.status_code))
    return results


def _mismatches(results: list[Checked], who: str) -> list[str]:
    return [
        f"{who} {r.endpoint.method} {r.path} ({r.endpoint.name}): "
        f"expected {r.expected}, got {r.got} ({r.status})"
        for r in results
        if r.expected != r.got
    ]


@pytest.mark.parametrize("who", PRINCIPALS)
def test_every_route_answers_each_principal_as_the_table_says(
    who: str, app: Litestar, client: PageClient, db: Session, record_property: Callable[[str, object], None]
) -> None:
    results = walk(app, client, db, who)
    assert not _mismatches(results, who), "\n".join(_mismatches(results, who))
    assert len(results) == len(list(endpoints(app)))  # nothing skipped
    record_property("route_method_pairs_asserted", len(results))
    print(f"{who}: {len(results)} route and method pairs asserted")  # noqa: T201 (a published figure)
    allowed = [r for r in results if r.got == "allowed" and r.endpoint.method != "OPTIONS"]
    if who == Role.ADMINISTRATOR:  # manages users; never case content or the audit trail
        assert not [r.path for r in allowed if r.path.startswith((*CASE_PATHS, "/audit", "/api/v1/audit"))]
    if who == Role.AUDITOR:  # reads the trail; changes nothing but their own sign-in
        changes = [r for r in allowed if r.endpoint.method in UNSAFE]
        assert not [r.path for r in changes if not r.path.startswith(SELF_SERVICE)]
        assert not [r.path for r in allowed if r.path.startswith((*CASE_PATHS, "/admin", "/api/v1/users"))]
    if who in ("anonymous", "mfa_pending"):
        assert not [r.path for r in allowed if r.path.startswith(("/admin", "/audit", *CASE_PATHS))]


@pytest.mark.parametrize("who", [r.value for r in Role])
def test_sensitive_routes_send_a_stale_session_to_confirm_identity(
    who: str, app: Litestar, client: PageClient, db: Session, record_property: Callable[[str, object], None]
) -> None:
    results = walk(app, client, db, who, fresh_reauth=False)
    assert not _mismatches(results, who), "\n".join(_mismatches(results, who))
    record_property("route_method_pairs_asserted", len(results))
    if who == Role.ADMINISTRATOR:
        assert {r.got for r in results if r.path.startswith("/admin/")} == {"reauth"}


def test_the_matrix_asserts_more_than_300_combinations(app: Litestar) -> None:
    pairs = list(endpoints(app))
    reauth_pairs = [e for e in pairs if e.rule and e.rule.reauth]
    total = len(pairs) * len(PRINCIPALS) + len(reauth_pairs) * len(Role)
    print(f"route x principal combinations asserted: {total}")  # noqa: T201 (a published figure)
    assert total > 300


# ---------------------------------------------------------------- written out by hand


def test_boundaries_that_do_not_depend_on_the_table(client: PageClient, db: Session) -> None:
    admin = make_user(db, Role.ADMINISTRATOR)
    auditor = make_user(db, Role.AUDITOR)
    clerk = make_user(db, Role.DATA_ADMINISTRATOR)
    anonymous = client.get("/admin/users", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/sign-in?next=/admin/users"
    assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in"
    assert client.get("/sign-in").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    client.sign_in_as(make_session(db, admin.user, mfa_done=False))
    assert client.get("/admin/users", follow_redirects=False).headers["location"] == "/sign-in/security-code"
    client.sign_in_as(make_session(db, admin.user))
    assert client.get("/admin/users").status_code == 200
    assert client.get("/audit").status_code == 403
    assert client.get("/requests").status_code == 403
    assert client.get(f"/people/{uuid.uuid4()}").status_code == 403
    client.sign_in_as(make_session(db, auditor.user))
    assert client.get("/audit").status_code == 200
    assert client.get("/admin/users").status_code == 403
    assert client.submit("/admin/users/new", {"username": "x"}).status_code == 403
    assert client.submit("/admin/settings", {"name": "x"}).status_code == 403
    assert client.get("/requests").status_code == 403
    client.sign_in_as(make_session(db, clerk.user))
    assert client.get("/requests").status_code == 200
    assert client.get("/admin/users").status_code == 403
    assert client.get("/audit").status_code == 403


def test_api_tokens_meet_the_same_boundaries(client: PageClient, db: Session) -> None:
    admin = make_user(db, Role.ADMINISTRATOR)
    issue = service.issue_api_token
    tokens = {
        role: issue(db, principal_for(admin.user), make_user(db, role).user.id, "boundaries")
        for role in (Role.ADMINISTRATOR, Role.AUDITOR, Role.RESEARCHER)
    }

    def status(role: Role, path: str) -> int:
        return int(client.get(path, headers={"Authorization": f"Bearer {tokens[role]}"}).status_code)

    assert status(Role.ADMINISTRATOR, "/api/v1/users") == 200
    assert status(Role.ADMINISTRATOR, "/api/v1/audit/events") == 403
    assert status(Role.AUDITOR, "/api/v1/audit/events") == 200
    assert status(Role.AUDITOR, "/api/v1/users") == 403
    assert status(Role.RESEARCHER, "/api/v1/users") == 403
    assert status(Role.RESEARCHER, "/api/v1/audit/events") == 403
    assert status(Role.RESEARCHER, "/api/v1/me") == 200


def test_a_route_missing_from_the_table_is_refused(
    client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: remove one entry and even its rightful users are refused."""
    admin = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, admin.user))
    monkeypatch.delitem(POLICY, "admin.users")
    assert client.get("/admin/users").status_code == 403


def test_a_failing_check_refuses(client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail closed: an exception inside the check never lets anyone through (QUALITY.md check 4)."""
    admin = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, admin.user))

    def broken(self: Rule, principal: Principal | None) -> bool:
        raise RuntimeError("policy store unavailable")

    monkeypatch.setattr(Rule, "allows", broken)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "Users" not in response.text.split("<h1", 1)[1][:200]
