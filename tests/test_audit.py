"""The audit trail (DPA 2018 s.62; QUALITY.md checks 16-17): a gap-free hash chain that the database refuses
to change, and a verifier that names each edited, deleted or moved event by its number."""

from __future__ import annotations

import itertools
import json
import threading
import uuid

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import GENESIS_HASH, SYSTEM, AuditCategory, AuditEvent, SystemActor
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from tests import fresh_db

fresh_database_url = fresh_db.fresh_database_url


def _events(db: Session, n: int, *, action: str = "test.event") -> list[AuditEvent]:
    return [
        audit.record(
            db,
            actor=SYSTEM,
            action=f"{action}{i}",
            category=AuditCategory.SECURITY,
            object_type="test",
            object_id=str(i),
            justification="test",
        )
        for i in range(n)
    ]


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def _disable_triggers(connection: Connection) -> None:
    """Inside the test's transaction only; rolled back with it."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


def _problems_naming(report: audit.ChainReport, seq: int) -> list[str]:
    return [p for p in report.problems if p.startswith(f"event {seq} (")]


# The chain ----------------------------------------------------------------------------------------


def test_events_form_a_gap_free_chain_that_verifies(db: Session) -> None:
    start = _count(db)
    events = _events(db, 5)
    assert [e.seq for e in events] == list(range(start + 1, start + 6))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert all(e.hash == e.compute_hash() and len(e.hash) == 64 for e in events)
    report = audit.verify(db)
    assert report.intact, report.problems
    assert (
        report.checked == start + 5
        and report.head_seq == events[-1].seq
        and report.head_hash == events[-1].hash
    )


def test_the_first_event_follows_the_genesis_hash(db: Session, connection: Connection) -> None:
    _disable_triggers(connection)
    db.execute(text("DELETE FROM audit_events"))
    first = _events(db, 1)[0]
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert audit.verify(db).intact


def test_an_empty_trail_verifies(db: Session, connection: Connection) -> None:
    _disable_triggers(connection)
    db.execute(text("DELETE FROM audit_events"))
    report = audit.verify(db)
    assert report.intact and report.checked == 0 and report.head_hash == GENESIS_HASH


def test_an_event_rolled_back_with_its_change_leaves_no_gap(db: Session) -> None:
    before = _events(db, 1)[0]
    savepoint = db.begin_nested()
    _events(db, 1, action="test.abandoned")
    savepoint.rollback()  # the change failed, and its event goes with it
    after = _events(db, 1)[0]
    assert after.seq == before.seq + 1 and after.prev_hash == before.hash
    assert audit.verify(db).intact


def test_an_event_keeps_who_what_why_and_when(db: Session) -> None:
    actor = SystemActor(
        label="rory.researcher", user_id=uuid.uuid4(), role_names=("researcher", "panel_member")
    )
    event = audit.record(
        db,
        actor=actor,
        action="request.view",
        category=AuditCategory.CONSULTATION,
        object_type="request",
        object_id=uuid.UUID(int=7),
        justification="Allocated case",
        recipients=None,
        details={"b": 2, "a": 1},
    )
    db.expire_all()
    stored = db.get(AuditEvent, event.seq)
    assert stored is not None
    assert (stored.actor_id, stored.actor_label, stored.actor_roles) == (
        actor.user_id,
        "rory.researcher",
        "panel_member,researcher",
    )
    assert (stored.category, stored.action, stored.object_type) == ("consultation", "request.view", "request")
    assert stored.object_id == str(uuid.UUID(int=7)) and stored.justification == "Allocated case"
    assert json.loads(stored.details) == {"a": 1, "b": 2}
    offset = stored.occurred_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    assert stored.compute_hash() == stored.hash, "the hash survives the round trip through the database"


# The database refuses changes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET justification = 'changed'",
        "UPDATE audit_events SET hash = prev_hash WHERE seq = (SELECT MAX(seq) FROM audit_events)",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
    ],
)
def test_the_database_refuses_to_change_or_delete_events(db: Session, statement: str) -> None:
    events = _events(db, 2)
    count = _count(db)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text(statement))
    assert _count(db) == count
    db.expire_all()
    assert db.get(AuditEvent, events[-1].seq).justification == "test"  # type: ignore[union-attr]
    assert audit.verify(db).intact


def test_postgresql_refuses_to_truncate_the_trail(db: Session) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _events(db, 1)
    count = _count(db)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("TRUNCATE audit_events"))
    assert _count(db) == count


def test_the_orm_cannot_change_an_event_either(db: Session) -> None:
    event = _events(db, 1)[0]

    def rewrite() -> None:
        event.justification = "rewritten"
        db.flush()

    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        rewrite()
    db.expire_all()
    assert audit.verify(db).intact


# Tampering is detected and named ------------------------------------------------------------------


@pytest.mark.parametrize("column", ["justification", "actor_label", "action", "object_id", "details"])
def test_an_edited_event_is_named(db: Session, connection: Connection, column: str) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    target = events[1]
    statement = f"UPDATE audit_events SET {column} = 'nothing to see' WHERE seq = :s"  # noqa: S608 (fixed names)
    db.execute(text(statement), {"s": target.seq})
    report = audit.verify(db)
    assert not report.intact
    assert [p for p in _problems_naming(report, target.seq) if "(edited)" in p]
    assert report.problems == _problems_naming(report, target.seq), "only the edited event is blamed"


def test_an_edited_event_with_a_recomputed_hash_is_caught_by_the_next(
    db: Session, connection: Connection
) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    target = events[1]
    target.justification = "rewritten by someone covering their tracks"
    target.hash = target.compute_hash()
    db.flush()
    report = audit.verify(db)
    assert any(f"does not follow event {target.seq} " in p for p in _problems_naming(report, events[2].seq))


def test_a_deleted_event_is_named(db: Session, connection: Connection) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    db.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": events[1].seq})
    report = audit.verify(db)
    assert not report.intact
    assert any(
        f"event {events[1].seq} is missing (deleted)" in p for p in _problems_naming(report, events[2].seq)
    )


def test_several_deleted_events_are_named_as_a_range(db: Session, connection: Connection) -> None:
    events = _events(db, 5)
    _disable_triggers(connection)
    db.execute(
        text("DELETE FROM audit_events WHERE seq IN (:a, :b)"), {"a": events[1].seq, "b": events[2].seq}
    )
    report = audit.verify(db)
    assert any(f"events {events[1].seq}-{events[2].seq} are missing" in p for p in report.problems)


def test_the_deleted_first_event_is_named(db: Session, connection: Connection) -> None:
    _disable_triggers(connection)
    db.execute(text("DELETE FROM audit_events"))
    events = _events(db, 3)
    db.execute(text("DELETE FROM audit_events WHERE seq = 1"))
    report = audit.verify(db)
    assert any("event 1 is missing" in p for p in _problems_naming(report, events[1].seq))
    assert any("does not follow the start of the chain" in p for p in report.problems)


def test_reordered_events_are_named(db: Session, connection: Connection) -> None:
    events = _events(db, 4)
    _disable_triggers(connection)
    a, b = events[1].seq, events[2].seq
    db.execute(text("UPDATE audit_events SET seq = -1 WHERE seq = :a"), {"a": a})
    db.execute(text("UPDATE audit_events SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    db.execute(text("UPDATE audit_events SET seq = :b WHERE seq = -1"), {"b": b})
    report = audit.verify(db)
    assert not report.intact
    assert any("moved" in p for p in _problems_naming(report, a))
    assert any("moved" in p for p in _problems_naming(report, b))


def test_an_inserted_event_is_named(db: Session, connection: Connection) -> None:
    events = _events(db, 3)
    _disable_triggers(connection)
    forged = AuditEvent(**{c: getattr(events[-1], c) for c in AuditEvent.__table__.columns.keys()})  # noqa: SIM118
    forged.seq, forged.id, forged.action = events[-1].seq + 1, uuid.uuid4(), "forged.alibi"
    forged.prev_hash = events[0].hash  # pretends to follow an older event
    forged.hash = forged.compute_hash()
    db.add(forged)
    db.flush()
    report = audit.verify(db)
    assert any(f"does not follow event {events[-1].seq} " in p for p in _problems_naming(report, forged.seq))


def test_an_event_hidden_before_the_start_is_found(db: Session, connection: Connection) -> None:
    events = _events(db, 2)
    _disable_triggers(connection)
    db.execute(text("UPDATE audit_events SET seq = 0 WHERE seq = :s"), {"s": events[0].seq})
    report = audit.verify(db)
    assert _problems_naming(report, 0), report.problems


def test_verify_reads_the_table_not_objects_already_in_memory(db: Session, connection: Connection) -> None:
    events = _events(db, 3)
    _disable_triggers(connection)
    db.execute(
        text("UPDATE audit_events SET justification = 'changed behind the session' WHERE seq = :s"),
        {"s": events[0].seq},
    )
    assert events[0].justification == "test", "the session still holds the old object"
    assert _problems_naming(audit.verify(db, batch=2), events[0].seq)


# Concurrent appends with real commits -------------------------------------------------------------


def test_concurrent_appends_never_fork_the_chain(fresh_database_url: str) -> None:
    """4 threads x 25 appends, each in its own committed unit of work, on a database of their own."""
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(25):
                with unit_of_work(factory) as session:
                    audit.record(
                        session,
                        actor=SYSTEM,
                        action="test.concurrent",
                        category=AuditCategory.SECURITY,
                        object_type="test",
                        object_id=f"{worker}-{i}",
                        justification="load",
                    )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with unit_of_work(factory) as session:
            report = audit.verify(session)
            seqs = list(session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
            ids = set(
                session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "test.concurrent"))
            )
    finally:
        engine.dispose()
    assert errors == []
    assert report.intact, report.problems
    assert seqs == list(range(1, 101)) and report.checked == 100
    assert ids == {f"{w}-{i}" for w in range(4) for i in range(25)}
