"""The audit trail (DPA 2018 s.62; QUALITY.md checks 16-17): a gap-free hash chain that the database refuses
to change, and a verifier that names each edited, deleted or moved event."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import SYSTEM, AuditCategory, AuditEvent
from disclosure.db import create_db_engine, create_session_factory, unit_of_work


def _events(db: Session, n: int) -> list[AuditEvent]:
    return [
        audit.record(db, actor=SYSTEM, action=f"test.event{i}", category=AuditCategory.SECURITY,
                     object_type="test", object_id=str(i), justification="test")
        for i in range(n)
    ]


def _disable_triggers(connection: Connection) -> None:
    """Inside the test's transaction only; rolled back with it."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_events_form_a_gap_free_chain_that_verifies(db: Session) -> None:
    start = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    events = _events(db, 5)
    assert [e.seq for e in events] == list(range(start + 1, start + 6))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    report = audit.verify(db)
    assert report.intact and report.checked == start + 5 and report.head_hash == events[-1].hash


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET justification = 'changed'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_or_delete_events(db: Session, statement: str) -> None:
    _events(db, 2)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text(statement))
    assert audit.verify(db).intact


def test_an_edited_event_is_named(db: Session, connection: Connection) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    target = events[1]
    db.execute(text("UPDATE audit_events SET justification = 'nothing to see' WHERE seq = :s"), {"s": target.seq})
    report = audit.verify(db)
    assert not report.intact
    assert any(p.startswith(f"event {target.seq} ") and "edited" in p for p in report.problems)


def test_a_deleted_event_is_named(db: Session, connection: Connection) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    db.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": events[1].seq})
    report = audit.verify(db)
    assert any(f"events {events[1].seq} are missing" in p for p in report.problems)


def test_reordered_events_are_named(db: Session, connection: Connection) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    a, b = events[1].seq, events[2].seq
    db.execute(text("UPDATE audit_events SET seq = -1 WHERE seq = :a"), {"a": a})
    db.execute(text("UPDATE audit_events SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    db.execute(text("UPDATE audit_events SET seq = :b WHERE seq = -1"), {"b": b})
    db.expire_all()
    report = audit.verify(db)
    assert not report.intact
    assert any(p.startswith(f"event {a} ") for p in report.problems)


def test_concurrent_appends_never_fork_the_chain(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Real commits from several threads (a separate database: the shared test one rolls back)."""
    from tests.fresh_db import fresh_database

    with fresh_database(database_url, tmp_path) as url:
        engine = create_db_engine(url)
        factory = create_session_factory(engine)
        errors: list[BaseException] = []

        def append(worker: int) -> None:
            try:
                for i in range(25):
                    with unit_of_work(factory) as session:
                        audit.record(session, actor=SYSTEM, action="test.concurrent", category=AuditCategory.SECURITY,
                                     object_type="test", object_id=f"{worker}-{i}", justification="load")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with unit_of_work(factory) as session:
            report = audit.verify(session)
            count = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.concurrent"))
        engine.dispose()
    assert report.intact, report.problems
    assert count == 100
