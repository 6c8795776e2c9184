"""A throwaway, migrated database for tests that need real commits (concurrency, CLI, crash recovery).

The shared test database rolls every test back, so anything that commits from several connections or
processes gets its own: a new SQLite file, or a new database on the same PostgreSQL server as
DISCLOSURE_TEST_DATABASE_URL, dropped afterwards. Use the `fresh_database_url` fixture (register this module
as a plugin, or bind it in a test module with `fresh_database_url = fresh_db.fresh_database_url`), or the
`fresh_database` context manager for more than one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from disclosure import migrations


@contextmanager
def fresh_database(test_url: str, tmp_path: Path, *, migrated: bool = True) -> Iterator[str]:
    """A new SQLite file, or a new database on the same PostgreSQL server, migrated unless `migrated` is
    False (then empty); dropped afterwards."""
    if test_url.startswith("postgresql"):
        name = f"disclosure_fresh_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(test_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(test_url).set(database=name).render_as_string(hide_password=False)
            try:
                if migrated:
                    migrations.upgrade(url)
                yield url
            finally:
                with admin.connect() as connection:
                    # FORCE: a test that failed half-way may still hold connections.
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
    else:
        path = tmp_path / f"fresh-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
        try:
            if migrated:
                migrations.upgrade(url)
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, migrated, empty database of the same kind as the test database."""
    with fresh_database(database_url, tmp_path) as url:
        yield url
