"""Builders for the returns' known answers: cases and episodes taken through the service verbs at chosen
moments of a past financial year (the clock moved there by time-machine), so every figure is known before
the reports run."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.clocks import UK_TIME
from disclosure.decisions import service as decisions
from disclosure.letters import delivery as deliveries
from disclosure.missing import service as missing
from disclosure.missing.models import Episode
from disclosure.reports.periods import containing
from disclosure.requests.models import DisclosureRequest
from disclosure.research import service as research
from tests.builders import date_time_fields
from tests.decisions.builders import all_present, disclose_values, no_disclosure_values, panel_with
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery
from tests.letters.conftest import SAFE_ADDRESS
from tests.missing.builders import episode_values, return_values
from tests.research.builders import case_in_research, ready_to_submit

YEAR = containing().start - 2
"""The year the known answers are built in: two years back, so it and the year after it are over whatever
the date the tests run."""


def uk(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment as a UK clock shows it (BST in summer)."""
    return datetime(year, month, day, hour, minute, tzinfo=UK_TIME)


def decided_case(
    db: Session,
    cast: Cast,
    clock: TimeMachineFixture,
    route: str,
    contact: datetime,
    outcome: str = "disclose",
    *,
    offending: dict[str, Any] | None = None,
) -> DisclosureRequest:
    """A case first contacted at `contact`, researched, decided (`outcome`) and signed off by a panel that
    met two hours after first contact, all within three hours of it."""
    clock.move_to(contact + timedelta(hours=3), tick=True)
    case = case_in_research(db, cast.clerk, cast.researcher, route=route, first_contact_at=contact)
    ready_to_submit(db, cast.researcher, cast.reviewer, case, offending=offending)
    research.submit(db, cast.researcher, case.id, {"version": str(research.package_for(db, case).version)})
    for party in case.parties:
        if party.role == "applicant":  # an outcome without disclosure may go by post to a safe address
            party.safe_channels += ",post"
            party.safe_address = SAFE_ADDRESS
    meeting, [item] = panel_with(
        db, cast.clerk, cast.chair, [(cast.probation, "probation")], case, at=contact + timedelta(hours=2)
    )
    decisions.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    agencies = decisions.quorum(db, item).agencies
    reasons = "The child's mother, who lives with him." if case.scheme == "csods" else ""
    form = (
        disclose_values(db, case, cast.officer, agencies, recipient_reasons=reasons)
        if outcome == "disclose"
        else no_disclosure_values(db, agencies)
    )
    decisions.record_decision(db, cast.probation, meeting.id, item.id, form)
    decisions.sign(db, cast.chair, meeting.id, item.id, {})
    db.refresh(case)
    return case


def deliver(
    db: Session, cast: Cast, clock: TimeMachineFixture, case: DisclosureRequest, at: datetime
) -> None:
    """The outcome reaches the recipient at `at`: the disclosure in person, or a letter saying none."""
    clock.move_to(at + timedelta(minutes=5), tick=True)
    occurred = date_time_fields("occurred", at)
    if case.disclosed:
        values = disclosure_delivery(**occurred)
    else:
        values = {"method": "letter", **occurred, "notes": "Outcome letter sent to the safe address."}
    actor = cast.officer if case.disclosed else cast.clerk  # the officer the panel named; else the MASH
    deliveries.record_delivery(db, actor, case.id, values)


def episode(
    db: Session,
    clock: TimeMachineFixture,
    actor: Any,
    person_id: Any,
    reported: datetime,
    returned: datetime,
    **overrides: Any,
) -> Episode:
    """An episode reported at `reported` and closed at `returned`, each recorded five minutes after."""
    clock.move_to(reported + timedelta(minutes=5), tick=True)
    values = {
        **episode_values(),
        **date_time_fields("reported", reported),
        **date_time_fields("last_seen", reported - timedelta(hours=1)),
        **overrides,
    }
    made = missing.record_episode(db, actor, person_id, values)
    clock.move_to(returned + timedelta(minutes=5), tick=True)
    missing.close_episode(db, actor, made.id, {**return_values(), **date_time_fields("returned", returned)})
    return made


def interview(
    db: Session,
    clock: TimeMachineFixture,
    actor: Any,
    made: Episode,
    outcome: str,
    offered: datetime,
    completed: datetime | None = None,
) -> None:
    """The return home interview offered at `offered` and, when completed, held at `completed`."""
    clock.move_to((completed or offered) + timedelta(minutes=5), tick=True)
    values: dict[str, Any] = {
        "outcome": outcome,
        **date_time_fields("offered", offered),
        "interviewer_name": "Robin Reyes",
        "interviewer_organisation": "Safer Futures",
        "independent": "yes",
        "reason": "Did not want to talk about it" if outcome == "declined" else "",
        "findings": "Stayed with a friend" if completed else "",
    }
    if completed:
        values |= date_time_fields("completed", completed)
    missing.record_interview(db, actor, made.id, values)
