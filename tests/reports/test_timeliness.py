"""Timeliness equals answers known before it runs: cases delivered 10, 30 and 50 days after first contact,
one extended and one paused, built through the service verbs in a past financial year [issue 18]."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.reports import timeliness
from disclosure.reports.periods import FinancialYear
from disclosure.requests import service as requests
from tests.builders import sign_in_as
from tests.decisions.conftest import Cast, make_cast
from tests.pages import PageClient
from tests.reports.builders import YEAR, decided_case, deliver, uk
from tests.requests.builders import make_request

PERIOD = timeliness.Period.of_year(FinancialYear(YEAR))


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def delivered(db: Session, cast: Cast, time_machine: TimeMachineFixture) -> dict[str, Any]:
    """Three delivered cases (10 days; 30 days, extended by 7; 50 days, paused for 5) and one open today."""
    clock, today = time_machine, utcnow()
    quick = decided_case(db, cast, clock, "right_to_ask", uk(YEAR, 5, 1))
    deliver(db, cast, clock, quick, uk(YEAR, 5, 11, 10))
    extended = decided_case(db, cast, clock, "right_to_ask", uk(YEAR, 6, 1))
    clock.move_to(uk(YEAR, 6, 1, 13), tick=True)
    requests.extend_deadline(
        db,
        cast.clerk,
        extended.id,
        {"days": "7", "reason_code": "partner_delay", "reason": "Probation's return is delayed"},
    )
    deliver(db, cast, clock, extended, uk(YEAR, 7, 1, 10))
    paused = decided_case(db, cast, clock, "right_to_know", uk(YEAR, 8, 1))
    clock.move_to(uk(YEAR, 8, 1, 13), tick=True)
    requests.pause_clock(
        db, cast.clerk, paused.id, {"reason_code": "investigation", "reason": "An operation is under way"}
    )
    clock.move_to(uk(YEAR, 8, 6, 13), tick=True)
    requests.resume_clock(db, cast.clerk, paused.id)
    deliver(db, cast, clock, paused, uk(YEAR, 9, 20, 10))
    clock.move_to(today, tick=True)
    opened = make_request(db, cast.clerk, first_contact_at=today - timedelta(minutes=30))
    return {
        "opened": opened.first_contact_at,
        "quick": quick.reference,
        "extended": extended.reference,
        "paused": paused.reference,
    }


def test_bands_longest_and_averages_by_route(db: Session, cast: Cast, delivered: dict[str, Any]) -> None:
    found = timeliness.timeliness(db, cast.clerk, timeliness.Selection(PERIOD))
    bands = {b.label: b for b in found.bands}
    rta, rtk, everything = bands["Right to Ask"], bands["Right to Know"], bands["All routes"]
    assert (rta.count, rta.within_28, rta.within_35, rta.later) == (2, 1, 1, 0)
    assert (rta.longest, rta.longest_reference, rta.median, rta.mean) == (
        30,
        delivered["extended"],
        20.0,
        20.0,
    )
    assert (rtk.count, rtk.later, rtk.longest, rtk.longest_reference) == (1, 1, 50, delivered["paused"])
    assert (everything.count, everything.within_28, everything.within_35, everything.later) == (3, 1, 1, 1)
    assert (everything.median, everything.mean) == (30.0, 30.0)
    assert bands["Sarah's Law application"].count == 0 and bands["Sarah's Law application"].longest is None


def test_clocks_holds_stages_and_where_open_cases_wait(
    db: Session, cast: Cast, delivered: dict[str, Any]
) -> None:
    found = timeliness.timeliness(db, cast.clerk, timeliness.Selection(PERIOD))
    clocks = {c.label: (c.met, c.breached) for c in found.clocks}
    # 28 days + 7 extended: met on day 30; Right to Know, 28 days + 5 paused: breached on day 50.
    assert clocks["Whole process"] == (2, 1)
    assert clocks["Initial checks"] == (3, 0)
    assert clocks["Face-to-face meeting"] == (2, 0)
    holds = {(h.kind, h.reason): (h.cases, h.days) for h in found.holds}
    assert holds == {
        ("Extension", "Essential information from a partner agency is delayed"): (1, 7),
        ("Pause", "A police investigation or operation must not be compromised"): (1, 5.0),
    }
    stages = {s.label: s for s in found.stages}
    assert stages["First contact to initial checks"].cases == 3
    assert stages["Initial checks to the face-to-face meeting"].cases == 2
    assert stages["Initial checks to the start of research (no meeting)"].cases == 1
    to_delivery = stages["Decision to delivery"]
    assert to_delivery.cases == 3 and to_delivery.median is not None and 29.7 <= to_delivery.median <= 30.0
    # Days since first contact in UK days: 30 minutes ago is yesterday just after midnight.
    waited = (uk_date(utcnow()) - uk_date(delivered["opened"])).days
    assert [(w.label, w.count, w.oldest_days) for w in found.waiting] == [("Logged", 1, waited)]


def test_a_route_narrows_every_table(db: Session, cast: Cast, delivered: dict[str, Any]) -> None:
    found = timeliness.timeliness(db, cast.clerk, timeliness.Selection(PERIOD, route="right_to_know"))
    assert [(b.label, b.count) for b in found.bands] == [("Right to Know", 1)]
    assert {c.label: (c.met, c.breached) for c in found.clocks}["Whole process"] == (0, 1)
    assert found.waiting == []
    next_year = timeliness.Period.of_year(FinancialYear(YEAR + 1))
    assert timeliness.timeliness(db, cast.clerk, timeliness.Selection(next_year)).bands[-1].count == 0


def test_the_page_shows_the_tables_and_refuses_a_backward_period_at_the_field(
    db: Session, cast: Cast, delivered: dict[str, Any], client: PageClient
) -> None:
    sign_in_as(db, client, cast.clerk)
    asked = f"/reports/timeliness?from={PERIOD.first.isoformat()}&to={PERIOD.last.isoformat()}"
    page = client.get(asked)
    assert page.status_code == 200
    assert delivered["paused"] in page.text and "Within 28 days" in page.text
    assert "Essential information from a partner agency is delayed" in page.text
    backwards = client.get(
        "/reports/timeliness?from-day=2&from-month=4&from-year=2025&to-day=1&to-month=4&to-year=2025&route=right_to_know&scheme=csods"
    )
    assert backwards.status_code == 400
    assert 'href="#to"' in backwards.text and 'href="#route"' in backwards.text
    assert 'value="2025"' in backwards.text  # what was typed is kept
    assert client.get("/reports/timeliness").status_code == 200  # the last year that has ended


def test_days_are_uk_calendar_days_across_midnight_in_summer_time(
    db: Session, cast: Cast, time_machine: TimeMachineFixture
) -> None:
    """First contact at 00:30 BST (23:30 UTC the day before) and delivery at 23:30 BST 28 days later: 28 UK
    days, within the limit, though 29 days apart by the UTC date."""
    case = decided_case(db, cast, time_machine, "right_to_ask", uk(YEAR, 6, 10, 0, 30))
    deliver(db, cast, time_machine, case, uk(YEAR, 7, 8, 23, 30))
    [rta] = timeliness.timeliness(db, cast.clerk, timeliness.Selection(PERIOD, route="right_to_ask")).bands
    assert (rta.count, rta.within_28, rta.longest, rta.longest_reference) == (1, 1, 28, case.reference)
    assert rta.longest_id == case.id
