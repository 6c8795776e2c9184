"""A throwaway, migrated database for tests that need real commits (concurrency, CLI, crash recovery)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from disclosure import migrations


@contextmanager
def fresh_database(test_url: str, tmp_path: Path) -> Iterator[str]:
    """A new SQLite file, or a new database on the same PostgreSQL server; dropped afterwards."""
    if test_url.startswith("postgresql"):
        name = f"disclosure_fresh_{uuid.uuid4().hex[:10]}"
        admin = create_engine(make_url(test_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(test_url).set(database=name).render_as_string(hide_password=False)
        try:
            migrations.upgrade(url)
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        url = f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.db'}"
        migrations.upgrade(url)
        yield url
