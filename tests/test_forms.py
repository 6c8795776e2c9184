"""The date and time parsers shared by the pages and the API: a year outside 1000-2999 is a typing error,
told at the field, never a crash in the clocks' arithmetic (the API fuzz test found year 1 reaching UK-time
conversion, a 500)."""

from __future__ import annotations

import pytest

from disclosure.forms import parse_date, parse_datetime


@pytest.mark.parametrize(
    "iso", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "0999-12-31T12:00"]
)
def test_an_api_time_outside_the_years_is_refused_at_its_field(iso: str) -> None:
    errors: dict[str, str] = {}
    assert parse_datetime({"meets_at": iso}, "meets_at", "Meeting time", errors) is None
    assert errors == {"meets_at": "Meeting time must be a real date and time"}


@pytest.mark.parametrize(
    "values",
    [
        {"born": "0001-01-01"},
        {"born": "3000-01-01"},
        {"born-day": "1", "born-month": "1", "born-year": "3000"},
    ],
)
def test_a_date_outside_the_years_is_refused_at_its_field(values: dict[str, str]) -> None:
    errors: dict[str, str] = {}
    assert parse_date(values, "born", "Date of birth", errors) is None
    assert errors == {"born": "Date of birth must be a real date"}


def test_the_years_edges_are_accepted() -> None:
    errors: dict[str, str] = {}
    assert parse_date({"d": "1000-01-01"}, "d", "Day", errors) is not None
    assert parse_datetime({"t": "2999-12-31T12:00:00+00:00"}, "t", "Time", errors) is not None
    assert errors == {}
