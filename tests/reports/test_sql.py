"""The UK's summer time as the reports' SQL reads it agrees with the UK's clock, hour by hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from disclosure.clocks import UK_TIME
from disclosure.reports.sql import summer_time


def test_the_summer_time_spans_hold_every_summer_hour_and_no_other() -> None:
    begins, ends = datetime(2013, 12, 31, 23, 30, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)
    spans = summer_time(begins, ends)
    assert len(spans) == 14  # 2014 to 2027, the last cut at `ends`
    at = begins
    while at < ends:
        summer = at.astimezone(UK_TIME).utcoffset() == timedelta(hours=1)
        assert summer == any(a <= at < b for a, b in spans), at
        at += timedelta(minutes=30)


def test_a_period_that_begins_in_summer_time_begins_a_span() -> None:
    begins, ends = datetime(2025, 6, 30, 23, tzinfo=UTC), datetime(2025, 7, 1, 23, tzinfo=UTC)
    assert summer_time(begins, ends) == ((begins, ends),)
