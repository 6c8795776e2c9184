"""Database plumbing: the declarative base and mixins, engines with safe SQLite pragmas, and the unit of work.

SQLite is the embedded default and PostgreSQL the production database; both behave the same here. SQLite
runs in WAL mode with `synchronous=FULL` and foreign keys on, and every transaction starts with
`BEGIN IMMEDIATE` so concurrent writers queue instead of failing half-way (DPA 2018 s.66: no corruption by
malfunction, restorable after interruption).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import uuid_utils
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from disclosure.errors import StaleRecord

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """UUIDv7: time-ordered, so new rows land at the end of B-tree indexes."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone; this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


def index_foreign_keys(metadata: MetaData) -> list[Index]:
    """Give every foreign-key column that leads no index, primary key or unique constraint an index of its
    own (named by the convention, `ix_<table>_<column>`), so a join, a merge's walk of every referring row or
    a delete never scans a table [issue 17]. Called once every model is imported (`models_registry`); the
    migrations create the same indexes, and `alembic check` holds the two together."""
    made = []
    for table in metadata.tables.values():
        led = {
            next(iter(c.columns)).name
            for c in [*table.indexes, *table.constraints]
            if isinstance(c, Index | PrimaryKeyConstraint | UniqueConstraint) and len(c.columns)
        }
        for column in table.columns:
            if column.foreign_keys and column.name not in led:
                made.append(Index(None, column))
                led.add(column.name)
    return made


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, default=new_id, comment="Record identifier (UUIDv7)."
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When the record was created (UTC).")
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, comment="When the record was last changed (UTC)."
    )


class VersionMixin:
    """Optimistic locking: models add `__mapper_args__ = {"version_id_col": version}`; a stale save raises
    `StaleDataError`, which services turn into `StaleRecord`."""

    version: Mapped[int] = mapped_column(default=1, comment="Edit counter for optimistic locking.")


def one_of(column: str, values: Iterable[object], *, nullable: bool = False) -> str:
    """A CHECK constraint's text: `column` holds one of `values` (an enumeration's members)."""
    listed = ", ".join(repr(str(v)) for v in values)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else f"{column} IN ({listed})"


def check_version(current: int, version: object, *, what: str = "this") -> None:
    """Optimistic locking for forms: a form carries the version it was loaded at, and someone else's later
    save makes it stale (the page then shows the user's answers again with the news)."""
    if version in (None, ""):
        return
    try:
        loaded = int(str(version))
    except ValueError:
        loaded = -1
    if loaded != current:
        raise StaleRecord(
            f"Someone else changed {what} after you opened the form. Your answers are shown below: check"
            " them against the change and save again.",
            current_version=current,
        )


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the pragmas and transaction mode this service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        _configure_sqlite(engine)
        return engine
    # No server-side prepared statements: psycopg prepares a query after five runs, and a plan made while a
    # table was nearly empty kept scanning it whole after a bulk load (a feed import slowed 50-fold).
    # No JIT compilation: PostgreSQL compiles a statement it estimates as costly, and for the national
    # missing-person return compiling took 0.03 to 0.36 s a statement, more than it saved.
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"prepare_threshold": None, "options": "-c jit=off"},
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so SAVEPOINT and BEGIN IMMEDIATE work as written.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def bulk_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Many new rows at once in the session's transaction (a feed import), without per-row statement work:
    PostgreSQL's COPY, or SQLite's executemany of one prepared INSERT. Every row has the same keys; values
    go through the columns' own types, as an ORM insert would, and missing columns are NULL (no defaults)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = [table.c[name] for name in rows[0]]
    names = ", ".join(column.name for column in columns)
    if dialect.name == "postgresql":
        as_text = [isinstance(column.type, JSON) for column in columns]
        raw = connection.connection.driver_connection
        # nosemgrep: sql-bound-parameters-only (table and column names from the models, never from input)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c.name]) if text and row[c.name] is not None else row[c.name]
                        for c, text in zip(columns, as_text, strict=True)
                    ]
                )
        return
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    values = [
        tuple(p(row[c.name]) if p else row[c.name] for c, p in zip(columns, processors, strict=True))
        for row in rows
    ]
    marks = ", ".join("?" for _ in columns)
    # nosemgrep: sql-bound-parameters-only (table and column names from the models; the values are bound)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)  # noqa: S608  # nosec B608


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


KEEP_ON_REFUSAL = "disclosure.keep_on_refusal"


def keep_on_refusal(session: Session) -> None:
    """Commit this unit of work even though its request is refused. Only for a refusal that is itself a
    record: a failed sign-in or security code, counted towards the lock-out and audited (QUALITY.md checks
    6 and 16). Every other refusal writes nothing (`web.provide_db`)."""
    session.info[KEEP_ON_REFUSAL] = True


def kept_on_refusal(session: Session) -> bool:
    return bool(session.info.get(KEEP_ON_REFUSAL))


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit on success, roll back on any error: the CLI's and jobs' equivalent of one web request."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
