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
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.requests import deadlines
from disclosure.requests.models import ClockPolicy, DisclosureRequest

SEEDED = {
    # code: (scheme, from, to, initial checks hours, meeting working days, whole process, without disclosure,
    # extensions allowed)
    "dvds-2016": ("dvds", date(2014, 3, 8), date(2023, 4, 9), 24, 10, 35, None, 2),
    "dvds-2023": ("dvds", date(2023, 4, 10), None, 24, 10, 28, None, 2),
    "csods-2010": ("csods", date(2010, 8, 1), date(2023, 4, 9), 24, 10, 45, 35, 2),
    "csods-2023": ("csods", date(2023, 4, 10), None, 24, 10, 28, None, 2),
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
            p.max_extensions,
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
    policy = deadlines.policies(db)[case.clock_policy_code]
    views = deadlines.deadlines(case, policy, deadlines.calendar_for(db))
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


# ---------------------------------------------------------------- honest clocks [issue 15]

EXTEND = {"days": "7", "reason_code": "partner_delay", "reason": "Probation's return is delayed by a flood"}


def test_a_missed_deadline_cannot_be_extended_into_a_met_one(db: Session, clerk: Principal) -> None:
    from disclosure.requests import service
    from tests.requests.builders import make_request

    late = make_request(db, clerk, first_contact_at=utcnow() - timedelta(days=30))
    with pytest.raises(InvalidTransition, match="The deadline has passed: it was missed"):
        service.extend_deadline(db, clerk, late.id, EXTEND)
    [completion] = [d for d in _views(db, late) if d.key == "completion"]
    assert completion.status == "overdue" and late.extensions == []
    done = make_request(db, clerk, first_contact_at=utcnow() - timedelta(days=3))
    done.completed_at = utcnow()
    with pytest.raises(InvalidTransition, match="the clock has stopped"):
        service.extend_deadline(db, clerk, done.id, EXTEND)
    with pytest.raises(InvalidTransition, match="the clock has stopped"):
        service.pause_clock(db, clerk, done.id, {"reason_code": "other", "reason": "Late"})


def test_an_extension_is_one_of_the_listed_circumstances_and_at_most_the_policys_number(
    db: Session, clerk: Principal
) -> None:
    from disclosure.requests import service
    from tests.requests.builders import make_request

    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.extend_deadline(db, clerk, case.id, {**EXTEND, "reason_code": "fancied_a_holiday"})
    assert refused.value.errors == {"reason_code": "Select the exceptional circumstances"}
    service.extend_deadline(db, clerk, case.id, EXTEND)
    service.extend_deadline(db, clerk, case.id, {**EXTEND, "reason_code": "complex"})
    with pytest.raises(InvalidTransition, match="the most its clock policy allows"):
        service.extend_deadline(db, clerk, case.id, EXTEND)
    assert [e.reason_code for e in case.extensions] == ["partner_delay", "complex"]


def test_a_pause_takes_a_listed_reason_and_starts_now(db: Session, clerk: Principal) -> None:
    from disclosure.requests import service
    from tests.requests.builders import make_request

    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.pause_clock(db, clerk, case.id, {"reason": "Waiting"})
    assert refused.value.errors == {"reason_code": "Select why the clock is paused"}
    before = utcnow()
    pause = service.pause_clock(
        db, clerk, case.id, {"reason_code": "awaiting_partner", "reason": "Waiting", "started": "2020-01-01"}
    )
    assert pause.started_at >= before, "a pause never reaches back"


def _views(db: Session, case: DisclosureRequest) -> list[deadlines.DeadlineView]:
    policy = deadlines.policies(db)[case.clock_policy_code]
    return deadlines.deadlines(case, policy, deadlines.calendar_for(db))
