"""Rate limits on public submissions [issue 21]: counted per sender and for everyone, in fixed windows held in
the database; a submission over a limit is refused with a clear message and leaves no count behind; several
connections counting at once never let an extra one through; the sender's address is never stored."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.config import Settings
from disclosure.db import create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.public import limits
from disclosure.public.models import RateLimitCount
from tests import fresh_db

fresh_database_url = fresh_db.fresh_database_url

HOUR = timedelta(hours=1)
PER_SENDER = limits.Limit("sender", 3, HOUR, per_sender=True)
EVERYONE = limits.Limit("everyone", 5, HOUR, per_sender=False)


def submit(db: Session, sender: str, now: datetime, rules: list[limits.Limit] | None = None) -> None:
    """One submission as the journey makes it: counted in its own transaction, rolled back if refused."""
    with db.begin_nested():
        limits.count(db, rules or [PER_SENDER, EVERYONE], sender, now)


def stored(db: Session) -> dict[str, int]:
    return {row.bucket: row.hits for row in db.scalars(select(RateLimitCount))}


def test_a_sender_over_their_limit_is_refused_with_when_to_try_again_and_nothing_counted(db: Session) -> None:
    now = datetime(2026, 12, 8, 14, 20, tzinfo=UTC)
    for _ in range(3):
        submit(db, "a", now)
    with pytest.raises(limits.RateLimited) as refused:
        submit(db, "a", now)
    assert refused.value.status_code == 429
    assert refused.value.message == (
        "Too many applications have been sent from this connection in a short time. Try again after "
        "8 December 2026 at 3:00pm, or call 101 (in an emergency, 999)."
    )
    assert stored(db) == {"sender:a": 3, "everyone": 3}, "the refused one left no count"
    submit(db, "b", now)  # another sender still may
    submit(db, "a", now + HOUR)  # and this one in the next window
    counted = db.execute(select(RateLimitCount.bucket, RateLimitCount.window_start, RateLimitCount.hits))
    this, next_one = limits.window_start(now, HOUR), limits.window_start(now + HOUR, HOUR)
    assert sorted(counted) == [
        ("everyone", this, 4),
        ("everyone", next_one, 1),
        ("sender:a", this, 3),
        ("sender:a", next_one, 1),
        ("sender:b", this, 1),
    ]


def test_the_limit_for_everyone_counts_every_sender(db: Session) -> None:
    now = datetime(2026, 12, 8, 9, 59, 59, tzinfo=UTC)
    for sender in "abcde":
        submit(db, sender, now)
    with pytest.raises(limits.RateLimited, match="sent to the service in a short time") as refused:
        submit(db, "f", now)
    assert refused.value.retry_at == datetime(2026, 12, 8, 10, tzinfo=UTC)
    assert "sender:f" not in stored(db)


def test_windows_are_fixed_and_old_ones_are_forgotten(db: Session) -> None:
    now = datetime(2026, 12, 8, 10, 30, tzinfo=UTC)
    assert limits.window_start(now, HOUR) == datetime(2026, 12, 8, 10, tzinfo=UTC)
    assert limits.window_start(now, timedelta(minutes=10)) == now
    submit(db, "a", now - 3 * HOUR)
    submit(db, "a", now)
    assert limits.forget_before(db, now - HOUR) == 2  # the old window's two buckets
    assert stored(db) == {"sender:a": 1, "everyone": 1}


def test_the_sender_is_a_keyed_hash_never_the_address() -> None:
    key = limits.sender_key("secret one", "203.0.113.9")
    assert "203.0.113.9" not in key and len(key) == 40
    assert key == limits.sender_key("secret one", "203.0.113.9")
    assert key != limits.sender_key("secret two", "203.0.113.9")
    assert key != limits.sender_key("secret one", "203.0.113.10")


def test_connections_counting_at_once_let_no_extra_submission_through(fresh_database_url: str) -> None:
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    rule = [limits.Limit("sender", 4, HOUR, per_sender=True)]
    now, accepted, refused = utcnow(), [], []
    start = threading.Barrier(8)

    def one() -> None:
        start.wait()
        try:
            with unit_of_work(factory) as session:
                limits.count(session, rule, "same", now)
            accepted.append(1)
        except limits.RateLimited:
            refused.append(1)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        with unit_of_work(factory) as session:
            hits = session.scalar(select(RateLimitCount.hits))
    finally:
        engine.dispose()
    assert (len(accepted), len(refused), hits) == (4, 4, 4)


def test_the_application_limits_are_the_settings(db: Session, settings: Settings) -> None:
    rules = limits.applications(
        replace(settings, public_applications_per_sender=1, public_applications_per_hour=2)
    )
    now = utcnow()
    submit(db, "a", now, rules)
    with pytest.raises(limits.RateLimited, match="from this connection"):
        submit(db, "a", now, rules)
    submit(db, "b", now, rules)
    with pytest.raises(limits.RateLimited, match="to the service"):
        submit(db, "c", now, rules)
