"""The statutory clocks of one case, explained: the deadlines under the clock policy in force at first
contact, moved by pauses and extensions, with the completion limit chosen by the outcome where the policy
says so. Used by the work queue and the case page (`queue`), the API and the verbs that must not act after a
deadline (`service.extend_deadline`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import clocks
from disclosure.db import utcnow
from disclosure.force.service import current_profile
from disclosure.requests.models import ClockPolicy, DisclosureRequest
from disclosure.requests.vocabulary import ClosureReason, Route
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES


@dataclass(frozen=True)
class DeadlineView:
    key: str
    name: str
    due_at: datetime
    explanation: str
    status: str
    remaining: str
    completed: bool


NAMES = {
    "initial_checks": "Initial checks",
    "meeting": "Face-to-face meeting",
    "completion": "Whole process",
    "completion_no_disclosure": "Whole process (no disclosure)",
}
"""A stored next deadline's name in words, where the case's own deadlines are not computed (home pages)."""


def calendar_for(session: Session) -> clocks.WorkingCalendar:
    """Working days exclude weekends and the bank holidays of the force's nation [Sussex-2014]."""
    return clocks.WorkingCalendar(clocks.Nation(current_profile(session).nation))


@dataclass(frozen=True)
class NextDeadline:
    """What the work queue orders by (kept in columns by `stored_deadlines`): the nearest unmet deadline of
    an open case, and, while an open pause holds it, the seconds that were left when the clock stopped."""

    key: str | None = None
    due_at: datetime | None = None
    held_seconds: int | None = None


def next_deadline(
    case: DisclosureRequest, policy: ClockPolicy, calendar: clocks.WorkingCalendar
) -> NextDeadline:
    """The nearest unmet deadline, computed without reference to the time now, so it can be stored: an open
    pause counts as ending the moment it began (the due time as it stood when the clock stopped) and
    holds the deadline only if it began before the deadline passed, as `clocks.compute_deadline` counts
    [DVDS-2023]. A finished case has none."""
    if case.status not in {s.value for s in OPEN_REQUEST_STATUSES}:
        return NextDeadline()
    open_pause = next((p for p in case.pauses if p.ended_at is None), None)
    as_of = open_pause.started_at if open_pause is not None else case.first_contact_at
    unmet = [d for d in deadlines(case, policy, calendar, now=as_of) if not d.completed]
    nearest = min(unmet, key=lambda d: d.due_at, default=None)
    if nearest is None:
        return NextDeadline()
    held = None
    if open_pause is not None and nearest.due_at > open_pause.started_at:
        held = int((nearest.due_at - open_pause.started_at).total_seconds())
    return NextDeadline(nearest.key, nearest.due_at, held)


def deadlines(
    case: DisclosureRequest,
    policy: ClockPolicy,
    calendar: clocks.WorkingCalendar,
    now: datetime | None = None,
) -> list[DeadlineView]:
    """The case's deadlines under the clock policy in force at first contact: initial checks (hours), the
    face-to-face meeting (working days; none for Right to Know) and the whole process (calendar days plus
    recorded extensions) [DVDS-2023][Sussex-2014][ASP-CSODS]. Pauses move every deadline still open."""
    now = now or utcnow()
    pauses = [clocks.Pause(start=p.started_at, end=p.ended_at, reason=p.reason) for p in case.pauses]
    rules: list[tuple[str, clocks.ClockRule, datetime | None, str]] = [
        (
            "initial_checks",
            clocks.ClockRule(NAMES["initial_checks"], policy.initial_checks_hours, "hours", policy.source),
            case.initial_checks_at,
            "",
        ),
    ]
    if Route(case.route).has_applicant and policy.meeting_working_days:
        rules.append(
            (
                "meeting",
                clocks.ClockRule(
                    NAMES["meeting"], policy.meeting_working_days, "working_days", policy.source
                ),
                case.meeting_at,
                "",
            )
        )
    extra = sum(e.days for e in case.extensions)
    note = "".join(f" Extended by {e.days} days: {e.reason}." for e in case.extensions)
    completion_end = case.completed_at or (case.closed_at if case.closure_reason else None)
    for key, name, days in completion_rules(case, policy):
        rules.append(
            (key, clocks.ClockRule(name, days + extra, "calendar_days", policy.source), completion_end, note)
        )
    views = []
    for key, rule, completed_at, suffix in rules:
        deadline = clocks.compute_deadline(rule, case.first_contact_at, pauses, calendar, now=now)
        status = clocks.status(deadline, now, completed_at=completed_at)
        views.append(
            DeadlineView(
                key=key,
                name=rule.name,
                due_at=deadline.due_at,
                explanation=deadline.explanation + suffix,
                status=status.value,
                remaining=_remaining(deadline, now, status, completed_at),
                completed=completed_at is not None,
            )
        )
    return views


def completion_rules(case: DisclosureRequest, policy: ClockPolicy) -> list[tuple[str, str, int]]:
    """The whole-process limit as (key, name, days). Where the policy closes cases without a disclosure
    sooner (the 2010 Sarah's Law clock: no concern by day 35, disclosures by day 45 [WYP-CSODS][Cleveland]),
    the outcome decides which applies: until there is one both are shown; a case withdrawn or closed out of
    scope ended without a disclosure."""
    if policy.no_disclosure_days is None:
        return [("completion", "Whole process", policy.completion_days)]
    ended_without = case.disclosed is False or case.closure_reason in (
        ClosureReason.WITHDRAWN.value,
        ClosureReason.OUT_OF_SCOPE.value,
    )
    without = ("completion", "Whole process (no disclosure)", policy.no_disclosure_days)
    disclosing = ("completion", "Whole process (disclosure)", policy.completion_days)
    if ended_without:
        return [without]
    if case.disclosed:
        return [disclosing]
    return [("completion_no_disclosure", *without[1:]), disclosing]


def _remaining(
    deadline: clocks.Deadline, now: datetime, status: clocks.DeadlineStatus, done: datetime | None
) -> str:
    if done is not None:
        return "Met" if status is clocks.DeadlineStatus.MET else "Missed"
    return clocks.remaining(deadline, now)


def policies(session: Session) -> dict[str, ClockPolicy]:
    return {p.code: p for p in session.scalars(select(ClockPolicy))}
