"""Work done on a timetable inside the server, once across every worker: a job takes its turn by moving its
last-run time forward in one conditional UPDATE, which only one transaction can win (PostgreSQL makes a
second worker's UPDATE wait for the first and then find the time already moved; SQLite runs one writing
transaction at a time). Nothing is kept in a worker's memory, so four workers look as often as one
[issue 17: "no in-process state; the minute loop's jobs run once across workers"]."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from disclosure.db import Base, utcnow


class JobRun(Base):
    """One row per timetabled job, made by its first turn."""

    __tablename__ = "job_runs"
    __table_args__ = {"comment": "When each timetabled job last took its turn, shared by every worker."}

    name: Mapped[str] = mapped_column(String(60), primary_key=True, comment="The job's name.")
    last_run_at: Mapped[datetime] = mapped_column(comment="When a worker last took the job's turn (UTC).")


def take_turn(session: Session, name: str, every: timedelta, now: datetime | None = None) -> bool:
    """Whether this transaction runs the job now: true at most once in each `every`, across all workers.
    The turn is taken in the caller's transaction, so a turn that fails (and rolls back) is taken again at
    the next look rather than lost."""
    now = now or utcnow()
    moved = session.execute(
        update(JobRun)
        .where(JobRun.name == name, JobRun.last_run_at <= now - every)
        .values(last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], moved).rowcount == 1:
        return True
    if session.get(JobRun, name) is not None:
        return False
    try:  # the job's first turn: of two first turns at once, the second loses on the primary key
        with session.begin_nested():
            session.add(JobRun(name=name, last_run_at=now))
    except IntegrityError:
        return False
    return True
