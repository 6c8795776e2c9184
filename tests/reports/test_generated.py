"""A generated data set with known answers [issue 18]: a seeded generator decides each case's route, first
contact (around the year's edges too), outcome and days to delivery; the cases are made through the service
verbs at those moments; every figure of the disclosure returns and the timeliness bands is then computed
again from the generator's own list, independently of the SQL, and the two must agree."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.auth import Principal
from disclosure.clocks import UK_TIME
from disclosure.db import utcnow
from disclosure.reports import returns, timeliness
from disclosure.reports.periods import FinancialYear
from disclosure.requests import service as requests
from tests.decisions.conftest import make_cast
from tests.reports.builders import YEAR, decided_case, deliver, uk
from tests.requests.builders import make_request
from tests.research.builders import offending_values

ROUTES = ("right_to_ask", "right_to_know", "csods_application", "csods_proactive")
REGISTERED = offending_values(
    subject_registered="yes",
    registered_since="2015-06-01",
    mappa_category="1",
    mappa_level="2",
    mappa_lead="probation",
)


@dataclass(frozen=True)
class Spec:
    route: str
    contact: datetime
    outcome: str  # disclose, no_disclosure, withdrawn, out_of_scope, open
    days: int
    registered: bool

    @property
    def delivered(self) -> datetime | None:
        if self.outcome not in ("disclose", "no_disclosure"):
            return None
        return self.contact + timedelta(days=self.days, hours=1)


def _specs(seed: int, count: int) -> list[Spec]:
    draw = random.Random(seed)  # noqa: S311 (a repeatable data set, not a secret)
    edges = [uk(YEAR, 4, 1, 0, 30), uk(YEAR + 1, 3, 31, 23, 30), uk(YEAR, 3, 31, 23, 30)]
    specs = []
    for n in range(count):
        route = draw.choice(ROUTES)
        if n < len(edges):
            contact = edges[n]
        else:
            start = uk(YEAR - 1, 12, 1)
            contact = start + timedelta(minutes=draw.randrange(0, 60 * 24 * 480))
        outcomes = ["disclose", "no_disclosure", "withdrawn", "open"]
        if route == "csods_application":
            outcomes.append("out_of_scope")
        if route == "csods_proactive":
            outcomes = ["disclose", "no_disclosure", "open"]
        outcome = draw.choice(outcomes)
        specs.append(
            Spec(
                route,
                contact,
                outcome,
                draw.randint(1, 50),
                route == "csods_application" and draw.random() < 0.5,
            )
        )
    # Each band's edges: 28 days is within 28, 29 and 35 are the middle band, 36 is later.
    edge_days = ((2, 28), (3, 29), (4, 35), (5, 36))
    specs += [Spec("right_to_know", uk(YEAR, 6, d, 9), "disclose", n, False) for d, n in edge_days]
    return specs


def _build(db: Session, clock: TimeMachineFixture, specs: list[Spec]) -> Principal:
    cast = make_cast(db)
    today = utcnow()
    for spec in sorted(specs, key=lambda s: s.contact):
        if spec.delivered is not None:
            offending = REGISTERED if spec.registered else None
            case = decided_case(db, cast, clock, spec.route, spec.contact, spec.outcome, offending=offending)
            deliver(db, cast, clock, case, spec.delivered)
            continue
        clock.move_to(spec.contact + timedelta(hours=1), tick=True)
        case = make_request(db, cast.clerk, route=spec.route, first_contact_at=spec.contact)
        if spec.outcome == "withdrawn":
            requests.withdraw(db, cast.clerk, case.id, {"reason": "No longer wishes to proceed"})
        elif spec.outcome == "out_of_scope":
            requests.close_out_of_scope(db, cast.clerk, case.id, {"reason": "general_enquiry"})
    clock.move_to(today, tick=True)
    return cast.clerk


def _expected(specs: list[Spec], year: FinancialYear) -> dict[str, dict[str, int]]:
    def applied(route: str, outcome: str | None = None) -> int:
        return sum(
            1 for s in specs if s.route == route and year.holds(s.contact) and outcome in (None, s.outcome)
        )

    def told(routes: tuple[str, ...], outcome: str) -> int:
        return sum(
            1
            for s in specs
            if s.route in routes and s.outcome == outcome and s.delivered and year.holds(s.delivered)
        )

    csods = [s for s in specs if s.route == "csods_application" and year.holds(s.contact)]
    return {
        "dvds": {
            "rta-applications": applied("right_to_ask"),
            "rta-withdrawn": applied("right_to_ask", "withdrawn"),
            "rta-disclosures": told(("right_to_ask",), "disclose"),
            "rta-no-disclosure": told(("right_to_ask",), "no_disclosure"),
            "rtk-applications": applied("right_to_know"),
            "rtk-disclosures": told(("right_to_know",), "disclose"),
            "rtk-no-disclosure": told(("right_to_know",), "no_disclosure"),
        },
        "csods": {
            "applications": len(csods),
            # A researched application records the registration (yes, or no by default); others do not.
            "registered-applications": sum(1 for s in csods if s.registered and s.delivered),
            "unrecorded-applications": sum(1 for s in csods if not s.delivered),
            "withdrawn": applied("csods_application", "withdrawn"),
            "out-of-scope": applied("csods_application", "out_of_scope"),
            "disclosures": told(("csods_application", "csods_proactive"), "disclose"),
            "proactive-disclosures": told(("csods_proactive",), "disclose"),
        },
    }


def _bands(specs: list[Spec], year: FinancialYear) -> tuple[int, int, int]:
    days = [
        (s.delivered.astimezone(UK_TIME).date() - s.contact.astimezone(UK_TIME).date()).days
        for s in specs
        if s.delivered and year.holds(s.delivered)
    ]
    return sum(d <= 28 for d in days), sum(28 < d <= 35 for d in days), sum(d > 35 for d in days)


def test_forty_generated_cases_give_the_known_answers(db: Session, time_machine: TimeMachineFixture) -> None:
    specs = _specs(seed=18, count=40)
    clerk = _build(db, time_machine, specs)
    for year in (FinancialYear(YEAR - 1), FinancialYear(YEAR), FinancialYear(YEAR + 1)):
        found = {
            r.key: {line.figure.key: line.value for line in r.lines} for r in returns.returns(db, clerk, year)
        }
        expected = _expected(specs, year)
        assert found["dvds"] == expected["dvds"], year.label
        assert found["csods"] == expected["csods"], year.label
        every = timeliness.timeliness(db, clerk, timeliness.Selection(timeliness.Period.of_year(year))).bands[
            -1
        ]
        assert (every.within_28, every.within_35, every.later) == _bands(specs, year), year.label
    assert sum(_expected(specs, FinancialYear(YEAR))["dvds"].values()) > 5  # the year is not empty
