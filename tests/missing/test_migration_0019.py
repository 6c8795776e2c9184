"""Migration 0019 turns the interviews already raised for adults' episodes into prevention interviews (no
72-hour clock), and leaves children's return home interviews as they were [issue 15]."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import Column, Engine, MetaData, Table, Uuid, select
from sqlalchemy import types as sa_types

from disclosure import migrations
from disclosure.db import UTCDateTime, create_db_engine
from tests.fresh_db import fresh_database_url

__all__ = ["fresh_database_url"]

REPORTED = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
RETURNED = REPORTED + timedelta(hours=6)


def _row(table: Table, **given: Any) -> dict[str, Any]:
    """`given`, and a plain value for every other required column without a default (as of revision 0018)."""
    plain: dict[type[Any], Any] = {
        sa_types.String: "x",
        sa_types.Text: "",
        sa_types.Integer: 1,
        sa_types.Boolean: False,
        UTCDateTime: REPORTED,
        sa_types.DateTime: REPORTED,
        sa_types.Date: date(2000, 1, 1),
        sa_types.Uuid: None,
        sa_types.JSON: [],
    }
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        kind = next((k for k in plain if isinstance(column.type, k)), None)
        row[column.name] = uuid.uuid4() if kind is sa_types.Uuid else plain.get(kind) if kind else "x"
    return row


def _table(engine: Engine, name: str) -> Table:
    """The table as revision 0018 left it, its keys and times typed as the service's (SQLite reflects
    them as text)."""
    reflected = Table(name, MetaData(), autoload_with=engine).columns
    typed = [
        Column(c.name, Uuid(), primary_key=c.name == "id", nullable=c.nullable)
        if c.name == "id" or c.name.endswith("_id")
        else Column(c.name, UTCDateTime(), nullable=c.nullable)
        for c in reflected
        if c.name == "id" or c.name.endswith("_id") or c.name.endswith("_at")
    ]
    return Table(name, MetaData(), *typed, autoload_with=engine)


def _insert(engine: Engine, name: str, **given: Any) -> uuid.UUID:
    table = _table(engine, name)
    row = _row(table, id=uuid.uuid4(), **given)
    with engine.begin() as connection:
        connection.execute(table.insert().values(row))
    return uuid.UUID(str(row["id"]))


def _episode(engine: Engine, user: uuid.UUID, reference: str, born: date | None, care: str) -> uuid.UUID:
    person = _insert(engine, "people", date_of_birth=born, created_by_id=user)
    episode = _insert(
        engine,
        "missing_episodes",
        police_reference=reference,
        person_id=person,
        status="closed",
        care_status=care,
        risk_level="medium",
        reported_at=REPORTED,
        returned_at=RETURNED,
        source="service",
        recorded_by_id=user,
        safe_and_well=None,
    )
    _insert(
        engine,
        "return_interviews",
        episode_id=episode,
        due_at=RETURNED + timedelta(hours=72),
        outcome="due",
        recorded_by_id=None,
    )
    return episode


def test_interviews_raised_for_adults_become_prevention_interviews(fresh_database_url: str) -> None:
    config = migrations.alembic_config(fresh_database_url)
    command.downgrade(config, "0018")
    engine = create_db_engine(fresh_database_url)
    try:
        user = _insert(engine, "users", username="mash.migration", email="mash.migration@police.example")
        episodes = {
            "adult": _episode(engine, user, "MP/A", date(2008, 6, 15), "none"),  # 18 that very day
            "child": _episode(engine, user, "MP/C", date(2008, 6, 16), "looked_after"),
            "care needs": _episode(engine, user, "MP/N", None, "adult_care_needs"),
            "unknown age": _episode(engine, user, "MP/U", None, "none"),
        }
        command.upgrade(config, "0019")
        interviews = _table(engine, "return_interviews")
        with engine.connect() as connection:
            found = {
                episode_id: (kind, due_at is None)
                for episode_id, kind, due_at in connection.execute(
                    select(interviews.c.episode_id, interviews.c.kind, interviews.c.due_at)
                )
            }
        assert {name: found[episode_id] for name, episode_id in episodes.items()} == {
            "adult": ("prevention", True),
            "child": ("return_home", False),
            "care needs": ("prevention", True),
            "unknown age": ("return_home", False),
        }
    finally:
        engine.dispose()
