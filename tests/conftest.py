"""Shared test fixtures: a migrated database (SQLite by default, PostgreSQL when
DISCLOSURE_TEST_DATABASE_URL is set), one rolled-back transaction per test, and an app bound to it."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import migrations, wiring
from disclosure.config import Settings
from disclosure.db import create_db_engine

pytest_plugins = ["tests.builders", "tests.pages", "tests.fresh_db"]

# Service-level tests meet the features' hooks as the app and the CLI do.
wiring.connect()


def _test_database_url(tmp_root: Path) -> str:
    url = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_root / 'test.db'}"


def reset_database(url: str) -> None:
    """Start from an empty schema (PostgreSQL) or file (SQLite), then apply every migration."""
    if url.startswith("postgresql"):
        engine = create_db_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    migrations.upgrade(url)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="disclosure-tests-") as tmp:
        url = _test_database_url(Path(tmp))
        reset_database(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One outer transaction per test, rolled back at the end; the code under test commits savepoints."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {},
        environment="test",
        database_url=database_url,
        var_dir=tmp_path,
        attachment_dir=tmp_path / "attachments",
        max_upload_mb=1,
        base_url="http://testserver.local",
    )


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)
