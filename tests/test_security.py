"""Cross-cutting security (QUALITY.md 9, 10, 13, 15): headers on every response, CSRF on every form, no
state change by GET, inert hostile input, on-site redirects only, unforgeable logs, friendly failures."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.logs import OneLineFormatter
from disclosure.web import safe_next
from tests.builders import make_session, make_user
from tests.pages import PageClient

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "javascript:alert(1)"]


@pytest.mark.parametrize("path", ["/sign-in", "/assets/app.css", "/api/v1/me", "/no-such-page", "/healthz"])
def test_every_response_carries_the_security_headers(client: PageClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert (
        "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
    )
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_are_not_cached_but_assets_may_be(client: PageClient, db: Session) -> None:
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    assert client.get("/admin/users").headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/assets/app.css").headers.get("cache-control", "")


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: PageClient, db: Session
) -> None:
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    before = db.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post("/admin/settings", data={"name": "Hijacked", "nation": "england"})
    assert response.status_code == 403
    assert "form has expired" in response.text
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize("path", ["/", "/admin/users", "/admin/settings", "/account", "/sign-in"])
def test_gets_change_nothing(client: PageClient, db: Session, path: str) -> None:
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    changes = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.category.in_(["alteration", "collection"]))
    )
    before = db.scalar(changes)
    client.get(path)
    assert db.scalar(changes) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_input_renders_inert(client: PageClient, db: Session, payload: str) -> None:
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    saved = client.submit(
        "/admin/settings", {"name": f"Force {payload}", "nation": "england", "address": payload}
    )
    assert saved.status_code == 303
    page = client.get("/admin/settings").text
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    if payload == "{{7*7}}":
        assert "{{7*7}}" in page and "Force 49" not in page


@pytest.mark.parametrize(
    "target", ["//evil.example", "https://evil.example/x", "/\\evil.example", "evil", ""]
)
def test_redirects_after_sign_in_stay_on_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_same_site_paths_are_kept() -> None:
    assert safe_next("/requests?whose=mine") == "/requests?whose=mine"


def test_log_lines_cannot_be_forged() -> None:
    record = logging.LogRecord(
        "disclosure", logging.INFO, __file__, 1, "user %s", ("x\r\nINFO forged",), None
    )
    line = OneLineFormatter("%(message)s").format(record)
    assert "\n" not in line and "\\r\\nINFO forged" in line


def test_an_oversized_body_is_refused_politely(client: PageClient) -> None:
    response = client.post(
        "/sign-in",
        content=b"x" * (3 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_an_unexpected_error_shows_a_reference_and_no_traceback(
    client: PageClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from disclosure.accounts import service

    def broken(*_: object) -> None:
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(service, "list_users", broken)
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    response = client.get("/admin/users")
    assert response.status_code == 500
    assert "Reference:" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text
