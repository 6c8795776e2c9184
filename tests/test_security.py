"""Cross-cutting security (QUALITY.md 9, 10, 13, 15): headers on every response, CSRF on every form, no
state change by GET, inert hostile input, on-site redirects only, unforgeable logs, friendly failures."""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
import uuid
from collections.abc import Iterator

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from disclosure import csrf
from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.app import create_app
from disclosure.audit import AuditEvent
from disclosure.auth import policy_name
from disclosure.config import Settings
from disclosure.db import Base
from disclosure.logs import CONTINUATION, OneLineFormatter
from disclosure.models_registry import import_all_models
from disclosure.web import safe_next
from tests.builders import SampleUser, make_session, make_user, principal_for
from tests.conftest import csrf_token
from tests.pages import PageClient

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "javascript:alert(1)",
    "\r\nX-Injected: 1",
]
CHANGES = ("collection", "alteration", "combination", "erasure")


def _routes(app: Litestar, method: str) -> Iterator[tuple[str, str]]:
    """(policy name, a concrete path) for every route answering `method`, path parameters filled in."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if method not in getattr(handler, "http_methods", set()):
                continue
            path = re.sub(
                r"\{(\w+):(\w+)\}",
                lambda m: {"uuid": str(uuid.uuid4()), "int": "1", "path": "/app.css"}.get(m.group(2), "x"),
                route.path,
            )
            yield policy_name(handler), path


def _signed_in(client: PageClient, db: Session, *roles: Role) -> SampleUser:
    user = make_user(db, *roles)
    client.sign_in_as(make_session(db, user.user))
    return user


def _audit_count(db: Session, categories: tuple[str, ...] | None = None) -> int:
    statement = select(func.count()).select_from(AuditEvent)
    if categories:
        statement = statement.where(AuditEvent.category.in_(categories))
    return db.scalar(statement) or 0


def _row_counts(db: Session) -> dict[str, int]:
    import_all_models()
    tables = [t for name, t in Base.metadata.tables.items() if name != "audit_events"]
    return {t.name: db.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


# Headers (check 15) -------------------------------------------------------------------------------


def _assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert (
        "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp and "object-src 'none'" in csp
    )
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    "path",
    [
        "/sign-in",
        "/assets/app.css",
        "/api/v1/me",
        "/api/v1/schema/openapi.json",
        "/no-such-page",
        "/api/v1/no-such-thing",
        "/healthz",
        "/",
        "/assets/no-such-file.css",
    ],
)
def test_every_response_carries_the_security_headers(client: PageClient, path: str) -> None:
    _assert_security_headers(client.get(path, follow_redirects=False))


def test_form_posts_and_refusals_carry_the_security_headers(client: PageClient, db: Session) -> None:
    _assert_security_headers(client.submit("/sign-in", {"username": "", "password": ""}))
    _assert_security_headers(client.post("/sign-in", data={"username": "x"}))  # no CSRF token: 403
    _signed_in(client, db, Role.RESEARCHER)
    _assert_security_headers(client.get("/admin/users"))  # 403


def test_each_page_gets_its_own_nonce_and_every_script_carries_it(client: PageClient) -> None:
    first, second = client.get("/sign-in"), client.get("/sign-in")
    nonces = [
        re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    scripts = re.findall(r"<script\b[^>]*>", first.text)
    inline = [tag for tag in scripts if " src=" not in tag]
    assert inline, "the page marks itself as JavaScript-enabled inline"
    assert all(f'nonce="{nonces[0]}"' in tag for tag in inline), inline
    assert all(re.search(r' src="/assets/', tag) for tag in scripts if tag not in inline), (
        "scripts from this site"
    )
    assert " on" not in " ".join(re.findall(r"<[a-z]+\b[^>]*\bon\w+=", first.text)), "no inline handlers"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.ADMINISTRATOR, "/admin/users"),
        (Role.ADMINISTRATOR, "/"),
        (Role.AUDITOR, "/audit"),
        (Role.RESEARCHER, "/account"),
        (Role.DATA_ADMINISTRATOR, "/requests"),
    ],
)
def test_authenticated_pages_are_never_cached(client: PageClient, db: Session, role: Role, path: str) -> None:
    _signed_in(client, db, role)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


def test_assets_may_be_cached(client: PageClient) -> None:
    response = client.get("/assets/app.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("cache-control", "")


# CSRF (check 9) -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "administrator", "data_administrator"])
def test_every_form_post_without_the_csrf_token_is_refused_and_changes_nothing(
    app: Litestar, client: PageClient, db: Session, who: str
) -> None:
    if who != "anonymous":
        _signed_in(client, db, Role(who))
    client.csrf()  # the cookie is there; only the form field is missing, as in a forged cross-site post
    before, audited = _row_counts(db), _audit_count(db)
    posts = [(name, path) for name, path in _routes(app, "POST") if not path.startswith("/api/")]
    assert len(posts) > 20
    for name, path in posts:
        response = client.post(path, data={"name": "Hijacked", "nation": "england"}, follow_redirects=False)
        assert response.status_code == 403, f"{name} {path}: {response.status_code}"
        assert "form has expired" in response.text
    assert _row_counts(db) == before and _audit_count(db) == audited


def test_a_csrf_token_from_another_browser_is_refused(client: PageClient, db: Session) -> None:
    stolen = client.csrf()  # the attacker's own, valid for the attacker's cookie only
    client.cookies.clear()
    _signed_in(client, db, Role.ADMINISTRATOR)
    assert client.csrf() != stolen
    audited = _audit_count(db)
    response = client.post(
        "/admin/settings", data={"name": "Hijacked", "nation": "england", "_csrf_token": stolen}
    )
    assert response.status_code == 403 and _audit_count(db) == audited


def test_a_token_and_cookie_minted_by_another_client_are_refused_with_the_victims_session(
    app: Litestar, db: Session
) -> None:
    """The penetration test's request [issue 14 §5]: an anonymous attacker fetches a form, keeps its token
    and cookie, plants the cookie and posts the token from the victim's browser, where the victim's session
    cookie rides along."""
    with PageClient(app=app) as attacker:
        form = attacker.get("/sign-in")
        token, cookie = csrf_token(form.text), str(attacker.cookies[csrf.COOKIE])
    with PageClient(app=app) as victim:
        _signed_in(victim, db, Role.ADMINISTRATOR)
        victim.cookies.set(csrf.COOKIE, cookie)
        audited = _audit_count(db)
        forged = victim.post(
            "/admin/settings", data={"name": "Hijacked", "nation": "england", "_csrf_token": token}
        )
        assert forged.status_code == 403 and "form has expired" in forged.text
        assert _audit_count(db) == audited
        own = csrf_token(victim.get("/admin/settings").text)
        assert own != token
        kept = victim.post(
            "/admin/settings",
            data={"name": "Testshire", "nation": "england", "_csrf_token": own},
            follow_redirects=False,
        )
        assert kept.status_code == 303, "the victim's own form still works"


def test_the_token_is_renewed_at_sign_in_and_belongs_to_one_session(client: PageClient, db: Session) -> None:
    before = csrf_token(client.get("/sign-in").text)
    user = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, user.user))
    first = csrf_token(client.get("/account").text)
    assert first != before
    stale = client.post("/admin/settings", data={"name": "X", "nation": "england", "_csrf_token": before})
    assert stale.status_code == 403, "the token of the page before sign-in no longer works"
    client.sign_in_as(make_session(db, user.user))  # the same user in another session
    second = csrf_token(client.get("/account").text)
    assert second != first
    other = client.post("/admin/settings", data={"name": "X", "nation": "england", "_csrf_token": first})
    assert other.status_code == 403, "a token belongs to its session, not to its user"


def test_under_https_the_anonymous_cookie_is_host_only_and_secure(
    settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    secure = dataclasses.replace(settings, base_url="https://disclosure.example")
    app = create_app(secure, session_factory=session_factory)
    with PageClient(app=app, base_url="https://disclosure.example") as browser:
        page = browser.get("/sign-in")
    [set_cookie] = [h for h in page.headers.get_list("set-cookie") if "csrftoken" in h]
    assert set_cookie.startswith(f"{csrf.SECURE_COOKIE}=")
    attributes = {part.strip().lower() for part in set_cookie.split(";")[1:]}
    assert {"secure", "httponly", "path=/", "samesite=lax"} <= attributes
    assert not [a for a in attributes if a.startswith("domain")]


def test_the_api_never_accepts_the_session_cookie(client: PageClient, db: Session) -> None:
    """The API skips CSRF because it takes bearer tokens only; a browser's cookie must not work there."""
    _signed_in(client, db, Role.ADMINISTRATOR)
    users = _row_counts(db)["users"]
    response = client.post(
        "/api/v1/users",
        json={"username": "csrf", "display_name": "C", "email": "c@x.example", "roles": ["researcher"]},
    )
    assert response.status_code == 401
    assert _row_counts(db)["users"] == users


# GET never changes state (check 9) ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR, Role.DATA_ADMINISTRATOR, Role.RESEARCHER])
def test_no_get_changes_anything(app: Litestar, client: PageClient, db: Session, role: Role) -> None:
    user = _signed_in(client, db, role)
    api = {
        "Authorization": "Bearer "
        + accounts.issue_api_token(
            db, principal_for(make_user(db, Role.ADMINISTRATOR).user), user.user.id, "get walk"
        )
    }
    before, changes = _row_counts(db), _audit_count(db, CHANGES)
    walked = 0
    for name, path in _routes(app, "GET"):
        if name in ("assets", "api.openapi"):
            continue
        response = client.get(path, headers=api if path.startswith("/api/") else {}, follow_redirects=False)
        assert response.status_code < 500, f"{name} {path}: {response.status_code}"
        walked += 1
    assert walked > 25
    assert _audit_count(db, CHANGES) == changes
    assert _row_counts(db) == before


# Hostile input renders inert (check 10) -----------------------------------------------------------


def _assert_inert(html: str, payload: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html
    if payload == "{{7*7}}":
        assert "{{7*7}}" in html and "Name 49" not in html and "Force 49" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_force_settings_render_inert(client: PageClient, db: Session, payload: str) -> None:
    _signed_in(client, db, Role.ADMINISTRATOR)
    saved = client.submit(
        "/admin/settings",
        {"name": f"Force {payload} Police", "nation": "england", "address": f"1 {payload} Street"},
    )
    assert saved.status_code == 303
    assert "x-injected" not in saved.headers
    for path in ("/admin/settings", "/", "/admin/users"):  # the force's name heads every page
        response = client.get(path)
        assert "x-injected" not in response.headers
        _assert_inert(response.text, payload)
    settings_page = client.get("/admin/settings").text
    if payload == "{{7*7}}":
        assert "Force {{7*7}} Police" in settings_page and "1 {{7*7}} Street" in settings_page
    if payload.startswith("<script>"):
        assert "Force &lt;script&gt;alert(1)&lt;/script&gt; Police" in settings_page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_display_name_renders_inert(client: PageClient, db: Session, payload: str) -> None:
    _signed_in(client, db, Role.ADMINISTRATOR)
    created = client.submit(
        "/admin/users/new",
        {
            "display_name": f"Name {payload}",
            "username": "hostile.name",
            "email": "hostile@police.example",
            "roles": "researcher",
        },
    )
    _assert_inert(created.text, payload)
    user = next((u for u in accounts.list_users(db) if u.username == "hostile.name"), None)
    if created.status_code == 400:  # refused as a name: it must still be shown back inert
        assert user is None and "There is a problem" in created.text
        return
    assert created.status_code == 200 and user is not None
    for path in ("/admin/users", f"/admin/users/{user.id}"):
        _assert_inert(client.get(path).text, payload)
    signed_in_as_them = make_session(db, user)
    client.sign_in_as(signed_in_as_them)
    _assert_inert(client.get("/").text, payload)  # "Welcome, <name>" and the header


def test_hostile_audit_filters_render_inert(client: PageClient, db: Session) -> None:
    _signed_in(client, db, Role.AUDITOR)
    for payload in PAYLOADS:
        response = client.get("/audit", params={"actor": payload, "object_id": payload, "date_from": payload})
        assert response.status_code == 400
        _assert_inert(response.text, payload)


# Redirects stay on site (check 13) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "evil",
        "",
        None,
        "http:/evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_redirects_after_sign_in_fall_back_to_the_start(target: str | None) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/requests?whose=mine", "/audit/events/3", "/"])
def test_same_site_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil"])
def test_the_sign_in_form_carries_only_an_on_site_next(client: PageClient, target: str) -> None:
    response = client.get("/sign-in", params={"next": target})
    assert re.findall(r'name="next" value="([^"]*)"', response.text) == ["/"]


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil"])
def test_signing_in_never_leaves_the_site(client: PageClient, db: Session, target: str) -> None:
    user = make_user(db, Role.RESEARCHER)
    password = client.submit(
        "/sign-in", {"username": user.user.username, "password": user.password, "next": target}
    )
    assert password.status_code == 303
    assert password.headers["location"] == "/sign-in/security-code?next=/"
    code = client.submit("/sign-in/security-code", {"code": user.code(), "next": target})
    assert code.status_code == 303 and code.headers["location"] == "/"


def test_a_next_with_a_line_break_cannot_add_a_header(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER)
    response = client.submit(
        "/sign-in", {"username": user.user.username, "password": user.password, "next": "/\r\nX-Injected: 1"}
    )
    assert "x-injected" not in response.headers
    assert "\r" not in response.headers["location"] and "\n" not in response.headers["location"]


# Logs cannot be forged (check 13) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    ["x\r\nINFO forged", "x\nINFO forged", "x\u2028INFO forged", "x\x85INFO forged", "x\x1b[2Jcleared"],
)
def test_a_log_line_cannot_be_forged(hostile: str) -> None:
    record = logging.LogRecord("disclosure", logging.INFO, __file__, 1, "user %s", (hostile,), None)
    line = OneLineFormatter("%(levelname)s %(message)s").format(record)
    assert line.splitlines() == [line] and "\x1b" not in line
    assert line.startswith("INFO user x\\") and line.endswith(("INFO forged", "cleared"))


def test_a_traceback_cannot_forge_a_line_either() -> None:
    try:
        raise ValueError("bad value\nCRITICAL disclosure forged entry")
    except ValueError:
        record = logging.LogRecord(
            "disclosure", logging.ERROR, __file__, 1, "failed\r\nINFO also forged", (), sys.exc_info()
        )
    lines = OneLineFormatter("%(levelname)s %(message)s").format(record).splitlines()
    assert lines[0] == "ERROR failed\\r\\nINFO also forged"
    assert len(lines) > 2 and all(line.startswith(CONTINUATION) for line in lines[1:])
    assert any("ValueError: bad value" in line for line in lines)


# Friendly failures (check 13) ---------------------------------------------------------------------


TOO_BIG = b"x" * (2 * 1024 * 1024 + 1)


def test_an_oversized_form_is_refused_politely(client: PageClient) -> None:
    response = client.post(
        "/sign-in", content=TOO_BIG, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "File too large" in response.text


def test_an_oversized_api_body_is_refused_politely(client: PageClient, db: Session) -> None:
    admin = make_user(db, Role.ADMINISTRATOR)
    token = accounts.issue_api_token(db, principal_for(admin.user), admin.user.id, "size test")
    response = client.post(
        "/api/v1/users",
        content=TOO_BIG,
        headers={"content-type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def app_log() -> Iterator[_ListHandler]:
    handler = _ListHandler()
    handler.setFormatter(OneLineFormatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("disclosure")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_an_unexpected_error_shows_a_reference_and_no_traceback(
    client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch, app_log: _ListHandler
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(accounts, "list_users", broken)
    _signed_in(client, db, Role.ADMINISTRATOR)
    response = client.get("/admin/users")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    reference = re.search(r'class="app-reference">([0-9a-f]{12})<', response.text)
    assert reference, "the page gives a reference for the service desk"
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    logged = [line for line in app_log.lines if reference.group(1) in line]
    assert logged, "the same reference is in the log, with the traceback for developers"
    assert "secret detail" in logged[0]


def test_an_unexpected_api_error_is_a_problem_document_with_a_reference(
    client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch, app_log: _ListHandler
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(accounts, "list_users", broken)
    admin = make_user(db, Role.ADMINISTRATOR)
    token = accounts.issue_api_token(db, principal_for(admin.user), admin.user.id, "failure test")
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{12}", body["reference"]) and "secret detail" not in response.text
    assert any(body["reference"] in line for line in app_log.lines)


@pytest.mark.parametrize("path", ["/api/v1/audit/events?actor=%00x", "/audit?actor=%00x&object_id=a%00b"])
def test_nul_and_control_characters_in_filters_never_break_the_database(
    client: PageClient, db: Session, path: str
) -> None:
    from disclosure.accounts import service as accounts
    from tests.builders import principal_for

    auditor = make_user(db, Role.AUDITOR)
    if path.startswith("/api/"):
        admin = make_user(db, Role.ADMINISTRATOR)
        token = accounts.issue_api_token(db, principal_for(admin.user), auditor.user.id, "siem")
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        # The API tells an integration at the field (disclosure/contract.py); nothing reaches the database.
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "actor": "actor must not contain control characters (only tabs and line breaks)"
        }
        return
    client.sign_in_as(make_session(db, auditor.user))
    response = client.get(path)
    assert response.status_code == 200


def test_control_characters_are_dropped_from_stored_text() -> None:
    from disclosure.text import clean, clean_line

    assert clean("Flat 1\r\n2 High St\x00\u202e") == "Flat 1\r\n2 High St"
    assert clean_line("John\nSmith\t") == "JohnSmith"
