"""The statutory clocks as seeded, pinned value by value, and the 2010 Sarah's Law clock by outcome
[issue 15].

Changing a seeded timescale (28, 35, 45 days, 24 hours, 10 working days) or a date it applies from must
fail a test: these are the numbers a force reports its timeliness against."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.requests import queue
from disclosure.requests.models import ClockPolicy, DisclosureRequest

SEEDED = {
    # code: (scheme, from, to, initial checks hours, meeting working days, whole process, without disclosure)
    "dvds-2016": ("dvds", date(2014, 3, 8), date(2023, 4, 9), 24, 10, 35, None),
    "dvds-2023": ("dvds", date(2023, 4, 10), None, 24, 10, 28, None),
    "csods-2010": ("csods", date(2010, 8, 1), date(2023, 4, 9), 24, 10, 45, 35),
    "csods-2023": ("csods", date(2023, 4, 10), None, 24, 10, 28, None),
}


def test_every_seeded_timescale_is_the_guidance(db: Session) -> None:
    """[DVDS-2023][OMG] 28 days; [Lancs][Northumbria] 35 days under the 2016 guidance; [ASP-CSODS] 24 hours,
    10 days, 28 days; [WYP-CSODS][Cleveland] no concern by day 35, disclosures by day 45; [Sussex-2014]."""
    found = {
        p.code: (
            p.scheme,
            p.effective_from,
            p.effective_to,
            p.initial_checks_hours,
            p.meeting_working_days,
            p.completion_days,
            p.no_disclosure_days,
        )
        for p in db.scalars(select(ClockPolicy))
    }
    assert found == SEEDED


def _case(db: Session, clerk: Principal, **fields: object) -> DisclosureRequest:
    from tests.requests.builders import make_request

    first_contact = datetime(2022, 6, 1, 10, 0, tzinfo=utcnow().tzinfo)
    case = make_request(db, clerk, route="csods_application", first_contact_at=first_contact)
    for name, value in fields.items():
        setattr(case, name, value)
    return case


def _due(db: Session, case: DisclosureRequest) -> dict[str, date]:
    policy = queue.policies(db)[case.clock_policy_code]
    views = queue.deadlines(case, policy, queue.calendar_for(db))
    return {v.key: uk_date(v.due_at) for v in views if v.key.startswith("completion")}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"completion_no_disclosure": 35, "completion": 45}),
        ({"disclosed": False}, {"completion": 35}),
        ({"disclosed": True}, {"completion": 45}),
        ({"closure_reason": "withdrawn"}, {"completion": 35}),
    ],
)
def test_the_2010_sarahs_law_clock_closes_no_concern_by_day_35_and_disclosures_by_day_45(
    db: Session, clerk: Principal, fields: dict[str, object], expected: dict[str, int]
) -> None:
    case = _case(db, clerk, **fields)
    assert case.clock_policy_code == "csods-2010"
    start = date(2022, 6, 1)
    assert _due(db, case) == {key: start + timedelta(days=days) for key, days in expected.items()}
