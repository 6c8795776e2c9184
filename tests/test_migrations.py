"""The schema comes from the migrations, and they agree with the models: one head, a linear numbered
history, `alembic check` clean, a full downgrade and upgrade, and SQLite's durability pragmas
(QUALITY.md 23)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from disclosure import migrations
from disclosure.db import Base, create_db_engine
from disclosure.models_registry import import_all_models
from tests import fresh_db

fresh_database_url = fresh_db.fresh_database_url


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))


def test_there_is_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1


def test_revisions_are_numbered_files_in_one_line() -> None:
    revisions = list(reversed(list(_scripts().walk_revisions())))
    assert revisions[0].down_revision is None
    for number, (before, after) in enumerate(zip([None, *revisions], revisions, strict=False), start=1):
        assert after.down_revision == (before.revision if before else None), "no branches"
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+\.py", Path(after.path).name), after.path


def test_the_models_match_the_migrations(fresh_database_url: str) -> None:
    migrations.check(fresh_database_url)  # raises when autogenerate would write anything


def test_every_model_table_is_created_by_the_migrations(fresh_database_url: str) -> None:
    import_all_models()
    engine = create_db_engine(fresh_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_every_column_explains_itself() -> None:
    """The schema is the glossary (STYLE.md): every table and column carries a comment."""
    import_all_models()
    missing = [
        f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns if not c.comment
    ]
    assert missing == []
    assert [t.name for t in Base.metadata.tables.values() if not t.comment] == []


def test_downgrade_to_nothing_and_back_up(fresh_database_url: str) -> None:
    config = migrations.alembic_config(fresh_database_url)
    from alembic import command

    command.downgrade(config, "base")
    engine = create_db_engine(fresh_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        migrations.upgrade(fresh_database_url)
        migrations.upgrade(fresh_database_url)  # a second run changes nothing
        assert "audit_events" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    migrations.check(fresh_database_url)


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("synchronous", 2), ("foreign_keys", 1), ("busy_timeout", 30000)],
)
def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(
    tmp_path: Path, pragma: str, expected: object
) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text(f"PRAGMA {pragma}")).scalar() == expected
    finally:
        engine.dispose()


def test_postgresql_sessions_compile_no_statements(database_url: str) -> None:
    """JIT compilation off (`db.create_db_engine`): it cost more than it saved on the reports."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW jit")).scalar() == "off"
    finally:
        engine.dispose()


def test_sqlite_refuses_a_dangling_reference(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fk.db'}"
    migrations.upgrade(url)
    engine = create_db_engine(url)
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"), engine.begin() as connection:
            connection.execute(
                text("INSERT INTO user_roles (user_id, role) VALUES (:u, 'auditor')"), {"u": "0" * 32}
            )
    finally:
        engine.dispose()


def test_every_foreign_key_leads_an_index_in_the_migrated_database(fresh_database_url: str) -> None:
    """A join or a walk of every row that refers to a record reads by key [issue 17]: each foreign-key
    column leads an index, the primary key or a unique constraint, in the database the migrations build."""
    engine = create_db_engine(fresh_database_url)
    try:
        inspector = inspect(engine)
        unindexed = []
        for table in inspector.get_table_names():
            led = {ix["column_names"][0] for ix in inspector.get_indexes(table) if ix["column_names"]}
            led |= {uq["column_names"][0] for uq in inspector.get_unique_constraints(table)}
            led |= set(inspector.get_pk_constraint(table)["constrained_columns"][:1])
            columns = [fk["constrained_columns"][0] for fk in inspector.get_foreign_keys(table)]
            unindexed += [f"{table}.{column}" for column in columns if column not in led]
    finally:
        engine.dispose()
    assert unindexed == []
