"""Time in SQL on either engine, so the reports count in the database and carry only numbers to Python.

PostgreSQL knows the UK's zone; SQLite keeps times as UTC text and knows none, so the UK wall clock is the
UTC time plus an hour within the spans of British Summer Time, which `summer_time` reads from the UK's own
clock (zoneinfo), never from a written rule.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, false, func, or_
from sqlalchemy.orm import Session

from disclosure.clocks import UK_TIME

_HOUR = timedelta(hours=1)


def _summer(at: datetime) -> bool:
    return at.astimezone(UK_TIME).utcoffset() != timedelta(0)


@lru_cache(maxsize=64)
def summer_time(begins: datetime, ends: datetime) -> tuple[tuple[datetime, datetime], ...]:
    """The spans of British Summer Time (UTC+1) within [begins, ends): the clock is read a day at a time,
    then hour by hour across each day it changes (the UK changes on the hour), so ten years cost a few
    thousand readings."""
    spans: list[tuple[datetime, datetime]] = []
    at = begins.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = at if _summer(at) else None
    while at < ends:
        step = min(at + timedelta(days=1), ends)
        if _summer(step) != (start is not None):
            hour = at
            while hour < step:  # the hour the clock changed, if it did within this day
                hour += _HOUR
                if _summer(hour) != (start is not None):
                    if start is None:
                        start = hour
                    else:
                        spans.append((start, hour))
                        start = None
        at = step
    if start is not None:
        spans.append((start, ends))
    return tuple((a, min(b, ends)) for a, b in spans if a < ends)


def uk_local(session: Session, column: Any, begins: datetime, ends: datetime) -> Any:
    """The UK wall-clock time of a UTC column whose values fall within [begins, ends): PostgreSQL converts;
    on SQLite an hour is added within the summer-time spans of that range (text, as SQLite keeps times)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.timezone("Europe/London", column)
    spans = summer_time(begins, ends)
    summer = or_(*(and_(column >= a, column < b) for a, b in spans)) if spans else false()
    return func.datetime(column, case((summer, "+1 hours"), else_="+0 hours"))


def uk_days_between(session: Session, earlier: Any, later: Any, begins: datetime, ends: datetime) -> Any:
    """Whole UK calendar days from the day of `earlier` to the day of `later` (the same day: 0), for values
    within [begins, ends): what `clocks.uk_date` differences give in Python."""
    first, last = (uk_local(session, c, begins, ends) for c in (earlier, later))
    if session.get_bind().dialect.name == "postgresql":
        return cast(last, Date) - cast(first, Date)
    return cast(func.julianday(func.date(last)) - func.julianday(func.date(first)), Integer)


def uk_month(session: Session, column: Any, begins: datetime, ends: datetime) -> Any:
    """The month (1 to 12) of a UTC column's UK date, for values within [begins, ends)."""
    local = uk_local(session, column, begins, ends)
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.extract("month", local), Integer)
    return cast(func.strftime("%m", local), Integer)


def days_between(session: Session, earlier: Any, later: Any) -> Any:
    """Elapsed days from `earlier` to `later` (fractional), on either engine."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400
    return func.julianday(later) - func.julianday(earlier)


def seconds_between(session: Session, earlier: Any, later: Any) -> Any:
    """Whole seconds elapsed from `earlier` to `later` (rounded), on either engine: exact for the minutes
    people type, and free of the float noise of fractional days."""
    return cast(func.round(days_between(session, earlier, later) * 86400), Integer)
