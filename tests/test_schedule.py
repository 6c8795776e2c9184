"""A timetabled job takes its turn once in each period across every worker [issue 17]."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from disclosure import schedule
from disclosure.db import unit_of_work, utcnow

EVERY = timedelta(minutes=5)


def test_a_job_takes_one_turn_in_each_period(db: Session) -> None:
    now = utcnow()
    assert schedule.take_turn(db, "a job", EVERY, now)
    assert not schedule.take_turn(db, "a job", EVERY, now + EVERY - timedelta(seconds=1))
    assert schedule.take_turn(db, "another job", EVERY, now)  # each job has its own turn
    assert schedule.take_turn(db, "a job", EVERY, now + EVERY)
    assert not schedule.take_turn(db, "a job", EVERY, now + EVERY)


def test_two_workers_share_one_turn(session_factory: sessionmaker[Session]) -> None:
    """A second worker's look (its own connection and transaction) finds the turn taken by the first."""
    now = utcnow()
    with unit_of_work(session_factory) as first:
        assert schedule.take_turn(first, "shared job", EVERY, now)
    with unit_of_work(session_factory) as second:
        assert not schedule.take_turn(second, "shared job", EVERY, now + timedelta(seconds=30))


def test_a_turn_that_fails_is_taken_again(session_factory: sessionmaker[Session]) -> None:
    now = utcnow()
    session = session_factory()
    try:
        assert schedule.take_turn(session, "failing job", EVERY, now)
        session.rollback()  # the round failed
    finally:
        session.close()
    with unit_of_work(session_factory) as again:
        assert schedule.take_turn(again, "failing job", EVERY, now + timedelta(seconds=30))
