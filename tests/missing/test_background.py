"""A large feed file is a job of the dispatcher: queued, run committing batch by batch so its page can show
the progress, marked failed (and logged, without personal data) when it breaks or is cut off by a restart, and
run again to carry on where it stopped [issue 7][issue 13]. The tests drive the dispatcher by hand, as the
app starts none when testing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.errors import Conflict
from disclosure.missing import dispatcher, feed, import_jobs, notify
from disclosure.missing import service as missing
from disclosure.missing.feed import loader
from disclosure.missing.models import Episode, FeedImport, ImportProblem, Notification
from tests import fresh_db
from tests.builders import make_user, principal_for
from tests.missing.builders import agency_id, coordinator, episode_values, person
from tests.missing.test_feed import csv_of, line

fresh_database_url = fresh_db.fresh_database_url

ROWS = 2500


@pytest.fixture
def factory(fresh_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(fresh_database_url)
    try:
        yield create_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def principal(factory: sessionmaker[Session]) -> Principal:
    with unit_of_work(factory) as session:
        return principal_for(make_user(session, Role.DATA_ADMINISTRATOR).user)


def _reported(hours: float) -> str:
    return (utcnow() - timedelta(hours=hours)).astimezone(feed.UK).strftime("%Y-%m-%d %H:%M")


def _feed() -> bytes:
    """ROWS rows, the one on line 3 refused."""
    rows = [
        line(police_reference=f"MP/{n:05d}", given_names=f"Child{n % 7}", reported_at=_reported(30))
        for n in range(1, ROWS + 1)
    ]
    rows[1] = line(police_reference="MP/00002", family_name="123", reported_at=_reported(30))
    return csv_of(*rows)


def _queue(factory: sessionmaker[Session], principal: Principal, data: bytes) -> uuid.UUID:
    with unit_of_work(factory) as session:
        record = feed.start_import(
            session, principal, filename="big.csv", data=data, layout=feed.Layout(), queued=True
        )
        return record.id


def _import(factory: sessionmaker[Session], import_id: uuid.UUID) -> FeedImport:
    with factory() as session:
        return session.get_one(FeedImport, import_id)


def _count(factory: sessionmaker[Session], model: Any) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


class _CutOff(BaseException):
    """The process dying: not an Exception, so nothing in the import catches it."""


def test_a_queued_import_is_run_by_the_dispatcher_committing_as_it_goes(
    factory: sessionmaker[Session], principal: Principal, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_id = _queue(factory, principal, _feed())
    assert _import(factory, import_id).status == "queued"
    progress: list[int] = []
    real_run = feed.run_import

    def watched(*args: Any, **kwargs: Any) -> feed.Outcome:
        kwargs["progress"] = lambda done, _total: progress.append(done)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(feed, "run_import", watched)
    done = dispatcher.run_once(factory, settings)
    assert (done.imports_run, done.imports_cut_off) == (1, 0)
    finished = _import(factory, import_id)
    assert finished.status == "finished" and finished.processed_rows == ROWS
    assert (finished.loaded, finished.rejected) == (ROWS - 1, 1)
    assert _count(factory, Episode) == ROWS - 1
    assert progress == [1, 1001, 2001, ROWS]
    with factory() as session:
        assert session.scalar(select(FeedImport.content).where(FeedImport.id == import_id)) is None
    assert dispatcher.run_once(factory, settings).imports_run == 0


def test_an_import_cut_off_by_a_restart_is_marked_failed_at_start_up_and_carries_on_when_run_again(
    factory: sessionmaker[Session],
    principal: Principal,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = _feed()
    import_id = _queue(factory, principal, data)
    commits = 0
    real_run = feed.run_import

    def dies_after_the_first_batch(*args: Any, **kwargs: Any) -> feed.Outcome:
        session = args[0]

        def commit() -> None:
            nonlocal commits
            session.commit()
            commits += 1
            if commits == 2:  # the refused rows, then one batch
                raise _CutOff

        kwargs["commit"] = commit
        return real_run(*args, **kwargs)

    monkeypatch.setattr(feed, "run_import", dies_after_the_first_batch)
    with pytest.raises(_CutOff):
        dispatcher.run_once(factory, settings)
    monkeypatch.setattr(feed, "run_import", real_run)
    cut = _import(factory, import_id)
    assert (cut.status, cut.processed_rows, cut.loaded) == ("running", 1001, 1000)

    # Another worker's import that is still committing is left alone; the one silent too long is cut off.
    other_id = _queue(factory, principal, csv_of(line()))
    with unit_of_work(factory) as session:
        session.execute(update(FeedImport).where(FeedImport.id == other_id).values(status="running"))
        silent_since = utcnow() - import_jobs.LEASE - timedelta(seconds=1)
        session.execute(
            update(FeedImport).where(FeedImport.id == import_id).values(heartbeat_at=silent_since)
        )
    restarted = dispatcher.Dispatcher(factory, settings)
    with caplog.at_level(logging.WARNING, logger="disclosure"):
        restarted.start()
    restarted.stop()
    restarted.thread.join(timeout=30)
    failed = _import(factory, import_id)
    assert failed.status == "failed" and "cut off" in failed.failure and "1,001 of 2,500" in failed.failure
    assert _import(factory, other_id).status == "running"
    assert str(import_id) in caplog.text and "Child" not in caplog.text

    with unit_of_work(factory) as session:
        import_jobs.run_again(session, principal, import_id)
    assert _import(factory, import_id).status == "queued"
    assert dispatcher.run_once(factory, settings).imports_run == 1
    finished = _import(factory, import_id)
    assert finished.status == "finished" and finished.failure == ""
    assert (finished.total_rows, finished.processed_rows, finished.loaded, finished.unchanged) == (
        ROWS,
        ROWS,
        ROWS - 1,
        0,
    )
    assert finished.rejected == 1 and _count(factory, ImportProblem) == 1
    assert _count(factory, Episode) == ROWS - 1
    with unit_of_work(factory) as session, pytest.raises(Conflict):
        import_jobs.run_again(session, principal, import_id)


def test_an_import_that_breaks_is_marked_failed_and_logged_without_personal_data(
    factory: sessionmaker[Session],
    principal: Principal,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import_id = _queue(factory, principal, _feed())

    def broken(session: Session, *_args: Any) -> None:
        name = session.scalar(select(func.max(Episode.reported_name))) or "Child3 Rivers"
        raise RuntimeError(f"disk full while writing {name}")  # an exception's text can quote a row

    monkeypatch.setattr(loader, "_load_batch", broken)
    with caplog.at_level(logging.ERROR, logger="disclosure"):
        assert dispatcher.run_once(factory, settings).imports_run == 1
    failed = _import(factory, import_id)
    assert failed.status == "failed" and "disk full" in failed.failure
    assert f"Feed import {import_id} failed" in caplog.text and "RuntimeError" in caplog.text
    assert "Rivers" not in caplog.text
    with factory() as session:
        assert import_jobs.can_run_again(session, failed)


def test_a_backlog_of_digests_goes_in_short_transactions(
    factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many digests are due, one transaction sends at most notify.BATCH (SQLite's pages wait on a
    writing transaction), and the round calls again until none is left [issue 17]."""
    with unit_of_work(factory) as session:
        actor = coordinator(session)
        school = agency_id(session, "education")
        for _ in range(5):
            missing.record_episode(
                session, actor, person(session, actor).id, episode_values(school_id=school)
            )
        session.execute(update(Notification).values(period_end=utcnow() - timedelta(minutes=1)))
        due = session.scalar(select(func.count()).select_from(Notification)) or 0
    assert due >= 5
    monkeypatch.setattr(notify, "BATCH", 2)
    sent: list[int] = []
    real = notify.dispatch

    def counted(session: Session) -> notify.DispatchResult:
        result = real(session)
        sent.append(result.digests_sent)
        return result

    monkeypatch.setattr(notify, "dispatch", counted)
    assert dispatcher.run_once(factory, settings).digests_sent == due
    assert max(sent) == 2 and len(sent) == due // 2 + 1
    with factory() as session:
        assert session.scalar(select(func.count()).where(Notification.sent_at.is_(None))) == 0
