"""When the database fails [issue 19; QUALITY.md "Reliability"]: a full disk, a database that is down, and a
database restart each give a clear answer (503, "nothing from this request was saved", a reference for the
service desk; problem+json with `Retry-After` for the API), never a 500 or a half-written record; the
database is intact afterwards and the service recovers by itself once the database is back.

Each test runs the real app on its own migrated database and engine (the shared test database is one
connection in a transaction, which cannot fail this way)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.app import create_app
from disclosure.audit import AuditEvent
from disclosure.config import Settings
from disclosure.db import create_db_engine, create_session_factory
from disclosure.people.models import Person
from tests.builders import make_session, make_user, principal_for
from tests.fresh_db import fresh_database_url
from tests.pages import PageClient

__all__ = ["fresh_database_url"]

PERSON = {"given_names": "Robin", "family_name": "Ashdown"}


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[Engine]:
    found = create_db_engine(fresh_database_url)
    yield found
    found.dispose()


def _client(
    settings: Settings, engine: Engine, url: str
) -> tuple[PageClient, sessionmaker[Session], dict[str, str]]:
    """A signed-in data administrator's browser, the app's sessions, and their API token's header."""
    factory = create_session_factory(engine)
    app = create_app(replace(settings, database_url=url), session_factory=factory)
    with factory() as session:
        clerk = make_user(session, Role.DATA_ADMINISTRATOR).user
        admin = principal_for(make_user(session, Role.ADMINISTRATOR).user)
        token = make_session(session, clerk)
        api = accounts.issue_api_token(session, admin, clerk.id, "fault tests")
        session.commit()
    client = PageClient(app, base_url="http://testserver.local")
    client.__enter__()
    client.sign_in_as(token)
    return client, factory, {"Authorization": f"Bearer {api}"}


def _count(factory: sessionmaker[Session], model: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_full_disk_is_a_clear_refusal_and_corrupts_nothing(
    settings: Settings, engine: Engine, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills in the middle of a unit of work: the third write of the request fails as SQLite fails
    (SQLITE_FULL, "database or disk is full"), after two have gone into the transaction."""
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("SQLite's own error stands in for a full disk; PostgreSQL's disk is the server's")
    client, factory, bearer = _client(settings, engine, fresh_database_url)
    people, events = _count(factory, Person), _count(factory, AuditEvent)
    writes = {"left": -1}
    execute = engine.dialect.do_execute

    def filling(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if writes["left"] >= 0 and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            if writes["left"] == 0:
                raise sqlite3.OperationalError("database or disk is full")
            writes["left"] -= 1
        execute(cursor, statement, parameters, context)

    monkeypatch.setattr(engine.dialect, "do_execute", filling)
    writes["left"] = 2
    assert client.get("/").status_code == 200, "what needs no write still reads"
    refused = client.post("/api/v1/people", json=PERSON, headers=bearer)
    assert refused.status_code == 503 and refused.headers["retry-after"] == "60"
    assert refused.json()["title"] == "The service cannot reach its records just now"
    assert "Nothing from this request was saved" in refused.json()["detail"]
    assert writes["left"] == 0, "the failure came after two writes of the same unit of work"
    writes["left"] = -1
    with factory() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert audit.verify(session).intact
    assert (_count(factory, Person), _count(factory, AuditEvent)) == (people, events)
    assert client.post("/api/v1/people", json=PERSON, headers=bearer).status_code == 201, (
        "the service goes on"
    )
    client.__exit__(None, None, None)


def test_a_database_that_is_down_is_a_clear_refusal(settings: Settings, tmp_path: Path) -> None:
    """Nothing listens where the database should be (a server stopped for maintenance)."""
    url = "postgresql+psycopg://postgres@127.0.0.1:1/disclosure"
    engine = create_db_engine(url)
    app = create_app(replace(settings, database_url=url), session_factory=create_session_factory(engine))
    with PageClient(app, base_url="http://testserver.local") as client:
        client.cookies.set("disclosure_session", "anything")
        page = client.get("/")
        assert page.status_code == 503 and "The service cannot reach its records just now" in page.text
        assert "reference" in page.text.lower()
        api = client.get("/api/v1/waiting", headers={"Authorization": "Bearer anything"})
        assert api.status_code == 503 and api.headers["content-type"].startswith("application/problem+json")
        assert api.headers["retry-after"] == "60" and api.json()["reference"]
    engine.dispose()


def test_the_service_recovers_by_itself_after_a_database_restart(
    settings: Settings, engine: Engine, fresh_database_url: str
) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("a restart of the PostgreSQL server, seen as every connection to it cut")
    client, factory, bearer = _client(settings, engine, fresh_database_url)
    assert client.get("/").status_code == 200
    name = engine.url.database
    server = create_db_engine(engine.url.set(database="postgres").render_as_string(hide_password=False))
    with server.connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    server.dispose()
    assert client.get("/").status_code == 200, "the pool tests each connection before use and reconnects"
    created = client.post("/api/v1/people", json=PERSON, headers=bearer)
    assert created.status_code == 201
    with factory() as session:
        assert audit.verify(session).intact
    client.__exit__(None, None, None)
