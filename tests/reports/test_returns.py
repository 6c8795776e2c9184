"""The returns equal answers known before they run: cases and episodes built through the service verbs at
chosen moments of a past financial year, its edges in British Summer Time included [issue 18]."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.db import utcnow
from disclosure.errors import PermissionDenied
from disclosure.reports import returns
from disclosure.reports.periods import FinancialYear
from disclosure.requests import service as requests
from tests.builders import date_time_fields
from tests.decisions.conftest import Cast, make_cast
from tests.missing.builders import person
from tests.reports.builders import YEAR, decided_case, deliver, episode, interview, uk
from tests.requests.builders import make_request
from tests.research.builders import offending_values

Y = FinancialYear(YEAR)


def figures(db: Session, cast: Cast, year: FinancialYear) -> dict[str, dict[str, int]]:
    return {
        r.key: {line.figure.key: line.value for line in r.lines}
        for r in returns.returns(db, cast.clerk, year)
    }


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


def test_the_disclosure_returns_count_each_case_in_the_year_its_date_falls(
    db: Session, cast: Cast, time_machine: TimeMachineFixture
) -> None:
    clock, today = time_machine, utcnow()
    # Right to Ask: applied and disclosed in the year.
    a = decided_case(db, cast, clock, "right_to_ask", uk(YEAR, 5, 10, 10))
    deliver(db, cast, clock, a, uk(YEAR, 5, 20, 11))
    # Applied in the year's last half-hour (23:30 BST on 31 March), disclosed in the next year.
    b = decided_case(db, cast, clock, "right_to_ask", uk(YEAR + 1, 3, 31, 23, 30))
    deliver(db, cast, clock, b, uk(YEAR + 1, 4, 1, 10))
    # Applied in the year's first half-hour (00:30 BST on 1 April, still 31 March in UTC), then withdrawn.
    clock.move_to(uk(YEAR, 4, 1, 1), tick=True)
    c = make_request(db, cast.clerk, first_contact_at=uk(YEAR, 4, 1, 0, 30))
    requests.withdraw(db, cast.clerk, c.id, {"reason": "The applicant no longer wishes to proceed"})
    # Applied in the year before; the decision not to disclose was communicated in this one.
    d = decided_case(db, cast, clock, "right_to_ask", uk(YEAR, 3, 20), "no_disclosure")
    deliver(db, cast, clock, d, uk(YEAR, 4, 2))
    # Right to Know, raised and disclosed in the year.
    e = decided_case(db, cast, clock, "right_to_know", uk(YEAR, 6, 1))
    deliver(db, cast, clock, e, uk(YEAR, 7, 1))
    # One application under both schemes: a Right to Ask case and a Sarah's Law case, linked, both open.
    clock.move_to(uk(YEAR, 9, 1, 10), tick=True)
    g = make_request(db, cast.clerk, first_contact_at=uk(YEAR, 9, 1), open_linked_case="yes")
    assert g.linked_request_id is not None
    # Sarah's Law: about a registered sex offender, disclosed in the year.
    registered = offending_values(
        subject_registered="yes",
        registered_since="2015-06-01",
        mappa_category="1",
        mappa_level="2",
        mappa_lead="probation",
    )
    h = decided_case(db, cast, clock, "csods_application", uk(YEAR, 8, 1), offending=registered)
    deliver(db, cast, clock, h, uk(YEAR, 8, 20))
    # A general enquiry, closed as out of scope (never researched: its registration is not recorded).
    clock.move_to(uk(YEAR, 10, 1, 10), tick=True)
    i = make_request(db, cast.clerk, route="csods_application", first_contact_at=uk(YEAR, 10, 1))
    requests.close_out_of_scope(db, cast.clerk, i.id, {"reason": "general_enquiry"})
    # A proactive Sarah's Law disclosure.
    j = decided_case(db, cast, clock, "csods_proactive", uk(YEAR, 11, 1))
    deliver(db, cast, clock, j, uk(YEAR, 11, 10))
    # Logged in the next year, then corrected today to a first contact in this one.
    clock.move_to(uk(YEAR + 1, 4, 15, 10), tick=True)
    f = make_request(db, cast.clerk, first_contact_at=uk(YEAR + 1, 4, 15))
    clock.move_to(today, tick=True)
    requests.correct_request(
        db,
        cast.clerk,
        f.id,
        {
            **_logged_values(f),
            **date_time_fields("first_contact", uk(YEAR + 1, 2, 15)),
            "reason": "Typed the date the case was logged, not the call",
            "version": str(f.version),
        },
    )

    found = figures(db, cast, Y)
    assert found["dvds"] == {
        "rta-applications": 5,  # a, b, c, f, g
        "rta-withdrawn": 1,  # c
        "rta-disclosures": 1,  # a
        "rta-no-disclosure": 1,  # d
        "rtk-applications": 1,  # e
        "rtk-disclosures": 1,  # e
        "rtk-no-disclosure": 0,
    }
    assert found["csods"] == {
        "applications": 3,  # g's linked case, h, i
        "registered-applications": 1,  # h
        "unrecorded-applications": 2,  # g's linked case, i
        "withdrawn": 0,
        "out-of-scope": 1,  # i
        "disclosures": 2,  # h, j
        "proactive-disclosures": 1,  # j
    }
    after = figures(db, cast, FinancialYear(YEAR + 1))
    assert after["dvds"]["rta-disclosures"] == 1  # b
    assert after["dvds"]["rta-applications"] == 0  # f moved back by its correction
    assert figures(db, cast, FinancialYear(YEAR - 1))["dvds"]["rta-applications"] == 1  # d

    late = returns.late_corrections(db, cast.clerk, Y)
    assert [(c.record, c.reference, c.label) for c in late] == [("Case", f.reference, "First contact")]


def _logged_values(case: object) -> dict[str, str]:
    """What the correction form shows for a case logged by `make_request`."""
    return {
        "channel": "101",
        "receiving_force": "Testshire Police",
        "police_reference": "OCC/123/26",
        "applicant_type": "person_at_risk",
        "information_received": "",
        "alleged_crime": "no",
    }


def test_the_missing_return_counts_episodes_people_repeats_and_interviews(
    db: Session, cast: Cast, time_machine: TimeMachineFixture
) -> None:
    clock, clerk, today = time_machine, cast.clerk, utcnow()
    child = person(db, clerk, "Jamie", "Rivers", born=f"{YEAR - 10}-01-01")
    adult = person(db, clerk, "Alex", "Moor", born=f"{YEAR - 40}-01-01")
    turning = person(db, clerk, "Sam", "Turner", born=f"{YEAR - 18}-09-01")  # 18 on 1 September
    edge = person(db, clerk, "Kit", "Marsh", born=f"{YEAR - 12}-01-01")
    adult_needs = {"care_status": "none", "placement": "Home"}
    # The year before: reported and returned on 31 March.
    episode(db, clock, clerk, edge.id, uk(YEAR, 3, 31, 22), uk(YEAR, 3, 31, 23))
    # The year's first half-hour (31 March 23:30 UTC).
    episode(db, clock, clerk, edge.id, uk(YEAR, 4, 1, 0, 30), uk(YEAR, 4, 1, 6))
    # A child missing three times in 40 days: a repeat; interviews in time, late and declined.
    first = episode(db, clock, clerk, child.id, uk(YEAR, 5, 1, 10), uk(YEAR, 5, 1, 15))
    interview(db, clock, clerk, first, "completed", uk(YEAR, 5, 1, 17), uk(YEAR, 5, 2, 15))
    second = episode(db, clock, clerk, child.id, uk(YEAR, 5, 20, 10), uk(YEAR, 5, 20, 15))
    interview(db, clock, clerk, second, "completed", uk(YEAR, 5, 21, 10), uk(YEAR, 5, 24, 19))
    third = episode(db, clock, clerk, child.id, uk(YEAR, 6, 10, 10), uk(YEAR, 6, 10, 15))
    interview(db, clock, clerk, third, "declined", uk(YEAR, 6, 11, 10))
    # An adult, in July and in the year's last half-hour.
    episode(db, clock, clerk, adult.id, uk(YEAR, 7, 1, 10), uk(YEAR, 7, 1, 15), **adult_needs)
    episode(db, clock, clerk, adult.id, uk(YEAR + 1, 3, 31, 23, 30), uk(YEAR + 1, 4, 1, 5), **adult_needs)
    # Missing at 17 and again at 18: a child at the first episode of the year.
    episode(db, clock, clerk, turning.id, uk(YEAR, 8, 1, 10), uk(YEAR, 8, 1, 15))
    episode(db, clock, clerk, turning.id, uk(YEAR, 10, 1, 10), uk(YEAR, 10, 1, 15), **adult_needs)
    clock.move_to(today, tick=True)

    assert figures(db, cast, Y)["missing"] == {
        "episodes": 8,
        "child-episodes": 5,  # the child's three, the first at 17, the edge's
        "adult-episodes": 3,
        "people": 4,
        "children": 3,
        "adults": 1,
        "unconfirmed": 0,
        "repeat": 1,
        "interviews-due": 5,  # the child's three, at 17, the edge's in the year
        "interviews-offered": 3,
        "interviews-completed": 2,
        "interviews-in-time": 1,
    }
    before = figures(db, cast, FinancialYear(YEAR - 1))["missing"]
    assert (before["episodes"], before["interviews-due"]) == (1, 1)
    behind = returns.missing_behind(db, clerk, Y, "repeat")
    assert behind.total == 1 and behind.page.items == [child.id]
    in_time = returns.missing_behind(db, clerk, Y, "interviews-in-time")
    [row] = returns.missing_rows(db, Y, returns.INTERVIEWS, list(in_time.page.items))
    assert (row.episode_id, row.name, row.interview) == (first.id, "Jamie Rivers", "Completed")
    children = returns.missing_behind(db, clerk, Y, "children")
    rows = returns.missing_rows(db, Y, returns.PEOPLE, list(children.page.items))
    assert [r.name for r in rows] == [
        "Kit Marsh",
        "Jamie Rivers",
        "Sam Turner",
    ]  # by first episode of the year
    with pytest.raises(PermissionDenied):
        returns.missing_behind(db, cast.researcher, Y, "children")
    assert timedelta(0) <= Y.ends - uk(YEAR + 1, 3, 31, 23, 30) <= timedelta(minutes=30)


def test_a_repeat_is_n_episodes_within_m_days_at_the_moment_reported(
    db: Session, cast: Cast, time_machine: TimeMachineFixture
) -> None:
    """The repeat rule's edges (three within 90 days, the defaults): exactly 90 days apart counts and a
    minute more does not; episodes before the year count towards one in it; three before the year alone
    put the person in the year before's return, not this one's."""
    clock, clerk, today = time_machine, cast.clerk, utcnow()
    exact, over, carried, before = (
        person(db, clerk, given, "Rivers", born=f"{YEAR - 10}-01-01")
        for given in ("Exact", "Over", "Carried", "Before")
    )
    start = uk(YEAR, 5, 1, 10)
    for days, minutes in ((0, 0), (45, 0), (90, 0)):
        at = start + timedelta(days=days, minutes=minutes)
        episode(db, clock, clerk, exact.id, at, at + timedelta(hours=2))
    for days, minutes in ((0, 0), (45, 0), (90, 1)):
        at = start + timedelta(days=days, minutes=minutes)
        episode(db, clock, clerk, over.id, at, at + timedelta(hours=2))
    for at in (uk(YEAR, 2, 20, 10), uk(YEAR, 3, 20, 10), uk(YEAR, 4, 10, 10)):
        episode(db, clock, clerk, carried.id, at, at + timedelta(hours=2))
    for at in (uk(YEAR, 1, 10, 10), uk(YEAR, 2, 10, 10), uk(YEAR, 3, 10, 10)):
        episode(db, clock, clerk, before.id, at, at + timedelta(hours=2))
    clock.move_to(today, tick=True)

    assert figures(db, cast, Y)["missing"]["repeat"] == 2
    behind = returns.missing_behind(db, clerk, Y, "repeat")
    assert behind.page.items == [carried.id, exact.id]  # by the episode that met the rule
    earlier = returns.missing_behind(db, clerk, FinancialYear(YEAR - 1), "repeat")
    assert earlier.page.items == [before.id]  # the carried person's two then were not yet a repeat
