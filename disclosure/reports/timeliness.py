"""Timeliness: how long cases take, where they wait, and which clocks they miss, for any period, scheme and
route, as Freedom of Information requests ask it: disclosed within 28 days, within 35 and later, the longest,
the average days per stage [FOI-requests][BBC-2025] (DOMAIN.md "Statistics the service must produce").

Everything is read from the recorded events (first contact, the initial checks, the meeting, the start of
research, the signed decision that was delivered, the delivery, each pause and extension) and the clock
policy stored on each case, never from the time the report runs: a past period gives today the answer it
gave then, apart from corrections made since, which the report lists. Days are UK calendar days from first
contact to delivery (the day of first contact is day 0); stage times are elapsed days between steps.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from disclosure.clocks import start_of_uk_day, uk_date
from disclosure.db import utcnow
from disclosure.decisions.models import Decision
from disclosure.errors import FormInvalid
from disclosure.forms import parse_date, present, text
from disclosure.letters.models import Delivery
from disclosure.reports.periods import FinancialYear
from disclosure.reports.returns import LateCorrection, corrections_since, require_reader
from disclosure.reports.sql import days_between, seconds_between, uk_days_between
from disclosure.requests.models import ClockExtension, ClockPause, ClockReason, DisclosureRequest
from disclosure.requests.vocabulary import Route, Scheme
from disclosure.requests.workflow import CLOCK_RUNNING_STATUSES, RequestStatus

BANDS = (28, 35)
"""The limits FOI requests ask about: the statutory 28 days, and 35 (the limit with an extension or under
the older guidance) [FOI-requests]."""


@dataclass(frozen=True)
class Period:
    """The UK days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def begins(self) -> datetime:
        return start_of_uk_day(self.first)

    @property
    def ends(self) -> datetime:
        return start_of_uk_day(self.last + timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"

    @classmethod
    def of_year(cls, year: FinancialYear) -> Period:
        return cls(date(year.start, 4, 1), date(year.start + 1, 3, 31))


@dataclass(frozen=True)
class Selection:
    """Which cases: a period, and optionally one scheme or one route ("" for all)."""

    period: Period
    scheme: str = ""
    route: str = ""

    def routes(self) -> list[Route]:
        if self.route:
            return [Route(self.route)]
        return [r for r in Route if not self.scheme or r.scheme.value == self.scheme]


@dataclass(frozen=True)
class Bands:
    """Cases whose outcome was delivered in the period, on one route (or all): how many within 28 days, 29
    to 35 and later; the longest with its case; the median and mean days."""

    label: str
    count: int
    within_28: int
    within_35: int
    later: int
    longest: int | None
    longest_reference: str
    longest_id: uuid.UUID | None
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class StageTime:
    """Elapsed days from one step to the next, over the delivered cases that recorded both."""

    label: str
    cases: int
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class ClockResult:
    """One clock over the delivered cases it applies to: met in time, or breached."""

    label: str
    met: int
    breached: int


@dataclass(frozen=True)
class Hold:
    """Pauses or extensions of the delivered cases for one reason: how many cases, and the days."""

    kind: str
    reason: str
    cases: int
    days: float


@dataclass(frozen=True)
class Waiting:
    """Open cases at one stage now: how many, the oldest's days since first contact, how many overdue."""

    label: str
    count: int
    oldest_days: int | None
    overdue: int


@dataclass(frozen=True)
class Timeliness:
    selection: Selection
    bands: list[Bands]
    stages: list[StageTime]
    clocks: list[ClockResult]
    holds: list[Hold]
    waiting: list[Waiting]
    corrections: list[LateCorrection] = field(default_factory=list)


STAGES = (
    ("first_contact_at", "initial_checks_at", "First contact to initial checks"),
    ("initial_checks_at", "meeting_at", "Initial checks to the face-to-face meeting"),
    ("meeting_at", "research_started_at", "Meeting to the start of research"),
    ("initial_checks_at", "research_started_at", "Initial checks to the start of research (no meeting)"),
    ("research_started_at", "decided_at", "Research to the signed decision"),
    ("decided_at", "delivered_at", "Decision to delivery"),
)
"""Each stage as (from, to, label). Right to Know and proactive cases have no meeting: research follows the
initial checks, so that stage is timed for them alone."""


@dataclass(frozen=True)
class _Case:
    """A delivered case as the report needs it: numbers counted in SQL, never its datetimes."""

    reference: str
    route: str
    days: int
    """UK calendar days from first contact to delivery (the day of first contact is day 0)."""
    stages: tuple[int | None, ...]
    """Seconds taken by each of `STAGES` (None where a step is not recorded)."""


def _rounded(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(statistics.median(values), 1), round(statistics.mean(values), 1)


_STEP_COLUMNS = {
    "first_contact_at": DisclosureRequest.first_contact_at,
    "initial_checks_at": DisclosureRequest.initial_checks_at,
    "meeting_at": DisclosureRequest.meeting_at,
    "research_started_at": DisclosureRequest.research_started_at,
    "decided_at": Decision.signed_at,
    "delivered_at": Delivery.occurred_at,
}


def _delivered(session: Session, selection: Selection) -> list[_Case]:
    """The cases of the selection whose outcome was delivered in the period, oldest delivery first: their
    days and stage times counted by the database, so a country's year is a hundred thousand short rows of
    numbers (reading every step's datetime into Python took seconds)."""
    period = selection.period
    earliest = session.scalar(select(func.min(DisclosureRequest.first_contact_at)))
    begins = min(period.begins, earliest or period.begins)
    first, delivered = DisclosureRequest.first_contact_at, Delivery.occurred_at
    days = uk_days_between(session, first, delivered, begins, period.ends)
    rows = session.execute(
        select(
            DisclosureRequest.reference,
            DisclosureRequest.route,
            days,
            *(seconds_between(session, _STEP_COLUMNS[a], _STEP_COLUMNS[b]) for a, b, _ in STAGES),
        )
        .join(Delivery, Delivery.request_id == DisclosureRequest.id)
        .join(Decision, Decision.id == Delivery.decision_id)
        .where(
            DisclosureRequest.route.in_([r.value for r in selection.routes()]),
            Delivery.occurred_at >= period.begins,
            Delivery.occurred_at < period.ends,
        )
        .order_by(Delivery.occurred_at, DisclosureRequest.id)
    )
    return [_Case(reference, route, int(days), tuple(stages)) for reference, route, days, *stages in rows]


def _longest(cases: list[_Case]) -> _Case | None:
    """The case that took longest (of `cases`, oldest delivery first): the latest delivered of those."""
    return cases[max(range(len(cases)), key=lambda n: (cases[n].days, n))] if cases else None


def _bands(label: str, cases: list[_Case], ids: dict[str, uuid.UUID]) -> Bands:
    days = [c.days for c in cases]
    longest = _longest(cases)
    median, mean = _rounded([float(d) for d in days])
    return Bands(
        label=label,
        count=len(cases),
        within_28=sum(1 for d in days if d <= BANDS[0]),
        within_35=sum(1 for d in days if BANDS[0] < d <= BANDS[1]),
        later=sum(1 for d in days if d > BANDS[1]),
        longest=longest.days if longest else None,
        longest_reference=longest.reference if longest else "",
        longest_id=ids.get(longest.reference) if longest else None,
        median=median,
        mean=mean,
    )


def _longest_ids(session: Session, cases_by_band: list[list[_Case]]) -> dict[str, uuid.UUID]:
    """The ids of each band's longest case, for its link, in one statement."""
    wanted = {case.reference for case in map(_longest, cases_by_band) if case}
    found = session.execute(
        select(DisclosureRequest.reference, DisclosureRequest.id).where(
            DisclosureRequest.reference.in_(wanted)
        )
    )
    return {reference: id_ for reference, id_ in found}  # noqa: C416 (rows, not pairs, to mypy)


def _stages(cases: list[_Case]) -> list[StageTime]:
    found = []
    for n, (start, end, label) in enumerate(STAGES):
        values = []
        for case in cases:
            no_meeting = not Route(case.route).has_applicant
            if start == "initial_checks_at" and (end == "meeting_at") == no_meeting:
                continue  # the meeting's stages for cases with one, the direct stage for those without
            if start == "meeting_at" and no_meeting:
                continue
            seconds = case.stages[n]
            if seconds is not None:  # a step typed to the minute may precede its predecessor's stamp
                values.append(max(0, seconds) / 86400)  # by seconds
        found.append(StageTime(label, len(values), *_rounded(values)))
    return found


CLOCKS = (
    ("Initial checks", DisclosureRequest.initial_checks_met),
    ("Face-to-face meeting", DisclosureRequest.meeting_met),
    ("Whole process", DisclosureRequest.completion_met),
)
"""Each clock and the column keeping its result (`stored_deadlines.clock_results`, from `deadlines`)."""


def _delivered_in(selection: Selection) -> Any:
    """The ids of the selection's cases whose outcome was delivered in the period."""
    period = selection.period
    return (
        select(DisclosureRequest.id)
        .join(Delivery, Delivery.request_id == DisclosureRequest.id)
        .where(
            DisclosureRequest.route.in_([r.value for r in selection.routes()]),
            Delivery.occurred_at >= period.begins,
            Delivery.occurred_at < period.ends,
        )
    )


def _clocks(session: Session, selection: Selection) -> list[ClockResult]:
    """Each clock met or breached over the delivered cases it applies to: the results kept with each case
    (under its own clock policy, from its recorded pauses and extensions), counted in one statement."""
    sums = [
        func.coalesce(func.sum(when((column.is_(value), 1), else_=0)), 0)
        for _, column in CLOCKS
        for value in (True, False)
    ]
    row = session.execute(select(*sums).where(DisclosureRequest.id.in_(_delivered_in(selection)))).one()
    found = [ClockResult(label, int(row[2 * n]), int(row[2 * n + 1])) for n, (label, _) in enumerate(CLOCKS)]
    return [c for c in found if c.met or c.breached]


def _holds(session: Session, selection: Selection) -> list[Hold]:
    """Pauses and extensions of the delivered cases by reason: how many cases, and the days (a pause still
    open at delivery counts to the delivery)."""
    reasons = {(r.kind, r.code): r.label for r in session.scalars(select(ClockReason))}
    ids = _delivered_in(selection)
    ended = func.coalesce(ClockPause.ended_at, DisclosureRequest.completed_at, ClockPause.started_at)
    paused = session.execute(
        select(
            ClockPause.reason_code,
            func.count(func.distinct(ClockPause.request_id)),
            func.sum(days_between(session, ClockPause.started_at, ended)),
        )
        .join(DisclosureRequest, DisclosureRequest.id == ClockPause.request_id)
        .where(ClockPause.request_id.in_(ids))
        .group_by(ClockPause.reason_code)
    )
    extended = session.execute(
        select(
            ClockExtension.reason_code,
            func.count(func.distinct(ClockExtension.request_id)),
            func.sum(ClockExtension.days),
        )
        .where(ClockExtension.request_id.in_(ids))
        .group_by(ClockExtension.reason_code)
    )
    found = [
        Hold("Pause", reasons.get(("pause", code), code), int(cases), round(float(days or 0), 1))
        for code, cases, days in paused
    ] + [
        Hold("Extension", reasons.get(("extension", code), code), int(cases), int(days or 0))
        for code, cases, days in extended
    ]
    return sorted(found, key=lambda h: (h.kind != "Extension", h.reason))


def _waiting(session: Session, selection: Selection, now: datetime) -> list[Waiting]:
    """Open cases of the selection's scheme and route at each stage now (the period does not apply: this
    is where cases wait today)."""
    routes = [r.value for r in selection.routes()]
    overdue = and_(
        DisclosureRequest.next_deadline_at < now, DisclosureRequest.next_deadline_held_seconds.is_(None)
    )
    rows = session.execute(
        select(
            DisclosureRequest.status,
            func.count(),
            func.min(DisclosureRequest.first_contact_at),
            func.coalesce(func.sum(when((overdue, 1), else_=0)), 0),
        )
        .where(
            DisclosureRequest.route.in_(routes),
            DisclosureRequest.status.in_([s.value for s in CLOCK_RUNNING_STATUSES]),
        )
        .group_by(DisclosureRequest.status)
    )
    found = {status: (count, oldest, int(late)) for status, count, oldest, late in rows}
    return [
        Waiting(
            status.label,
            found[status.value][0],
            (uk_date(now) - uk_date(found[status.value][1])).days,
            found[status.value][2],
        )
        for status in RequestStatus
        if status.value in found
    ]


def timeliness(session: Session, actor: Any, selection: Selection, now: datetime | None = None) -> Timeliness:
    """The timeliness of the selection's cases: bands overall and by route, stage times, each clock met or
    breached, pauses and extensions by reason, where open cases wait now, and corrections made since the
    period to the dates it reads."""
    require_reader(actor)
    now = now or utcnow()
    cases = _delivered(session, selection)
    by_route: dict[str, list[_Case]] = defaultdict(list)
    for case in cases:
        by_route[case.route].append(case)
    banded = [(route.label, by_route[route.value]) for route in selection.routes()]
    if len(banded) > 1:
        banded.append(("All routes", cases))
    ids = _longest_ids(session, [cases for _, cases in banded])
    bands = [_bands(label, cases, ids) for label, cases in banded]
    return Timeliness(
        selection=selection,
        bands=bands,
        stages=_stages(cases),
        clocks=_clocks(session, selection),
        holds=_holds(session, selection),
        waiting=_waiting(session, selection, now),
        corrections=corrections_since(session, selection.period.ends, TIMED_FACTS),
    )


TIMED_FACTS = (("request", "first_contact_at"), ("delivery", "occurred_at"))
"""The corrected facts that move a case's days."""

SCHEMES = [("", "Both schemes"), *((s.value, s.label) for s in Scheme)]
ROUTES = [("", "Every route"), *((r.value, r.label) for r in Route)]


LONGEST_PERIOD = timedelta(days=3660)
"""The longest period one report covers: ten years, a force's history."""


def parse_selection(values: dict[str, Any], default: Period) -> Selection:
    """The selection asked for (the period's `from` and `to` dates, GOV.UK date inputs or ISO dates; a
    scheme; a route), or FormInvalid with a message at each field. With no dates, `default`."""
    errors: dict[str, str] = {}
    asked = any(
        text(values, f"{name}{part}") for name in ("from", "to") for part in ("", "-day", "-month", "-year")
    )
    first = parse_date(values, "from", "Start date", errors) if asked else default.first
    last = parse_date(values, "to", "End date", errors) if asked else default.last
    if first and last and last < first:
        errors["to"] = "The end date must be the same as or after the start date"
    elif first and last and last - first > LONGEST_PERIOD:
        errors["to"] = "The period must be ten years or shorter"
    elif first and first.year < 2014 and "from" not in errors:
        errors["from"] = "The start date must be in 2014 or later: the schemes began then"
    scheme, route = text(values, "scheme"), text(values, "route")
    if scheme not in {s for s, _ in SCHEMES}:
        errors["scheme"] = "Select a scheme"
    if route not in {r for r, _ in ROUTES}:
        errors["route"] = "Select a route"
    elif route and scheme and Route(route).scheme.value != scheme:
        errors["route"] = (
            f"{Route(route).label} is not a {Scheme(scheme).label} route: choose another or every route"
        )
    if errors:
        raise FormInvalid(errors, values)
    return Selection(Period(present(first), present(last)), scheme, route)


def form_values(selection: Selection) -> dict[str, str]:
    """The selection as the form shows it."""
    period = selection.period
    return {
        **{
            f"from-{k}": str(v)
            for k, v in (
                ("day", period.first.day),
                ("month", period.first.month),
                ("year", period.first.year),
            )
        },
        **{
            f"to-{k}": str(v)
            for k, v in (("day", period.last.day), ("month", period.last.month), ("year", period.last.year))
        },
        "scheme": selection.scheme,
        "route": selection.route,
    }
