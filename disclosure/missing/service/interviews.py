"""The interview after a return: a child's return home interview, due 72 hours after the return, or an
adult's optional prevention interview with no clock; recorded, and where it stands."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import chronology
from disclosure.agencies.models import Agency
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import Conflict
from disclosure.forms import parse_datetime, raise_if, text
from disclosure.missing import notify, rules
from disclosure.missing.models import Episode, ReturnInterview
from disclosure.missing.service.common import _record, get_episode, require_coordinator
from disclosure.missing.vocabulary import InterviewKind, InterviewOutcome
from disclosure.people import matching
from disclosure.text import as_list

INTERVIEW_DUE = timedelta(hours=72)
"""A return home interview is due within 72 hours of the return [MissingPeople-2024][Lewisham]."""


def new_interview(session: Session, episode: Episode) -> ReturnInterview:
    """The interview a closed episode sets going: a child's return home interview, due 72 hours after the
    return; an adult's (18 or over when reported, or an adult with care and support needs: `rules.adult_at`)
    prevention interview, optional and with no due time [MissingPeople-2024]."""
    assert episode.returned_at is not None
    kind = InterviewKind.PREVENTION if rules.is_adult(session, episode) else InterviewKind.RETURN_HOME
    due_at = episode.returned_at + INTERVIEW_DUE if kind is InterviewKind.RETURN_HOME else None
    return ReturnInterview(episode_id=episode.id, kind=kind.value, due_at=due_at)


def record_interview(
    session: Session, actor: Principal, episode_id: uuid.UUID, values: dict[str, Any]
) -> ReturnInterview:
    """Where the interview stands: offered, completed, declined or not offered; the interviewer's
    organisation must be independent of the placement; who the findings went to [MissingPeople-2024]
    [Lewisham]. Not offering a child's return home interview needs a reason; an adult's prevention
    interview is optional, so not offering one needs none."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    interview = episode.interview
    if interview is None:
        raise Conflict("The interview is due once the person has returned")
    check_version(interview.version, values.get("version"), what="this interview")
    errors: dict[str, str] = {}
    outcome = text(values, "outcome")
    if outcome not in {o.value for o in InterviewOutcome} - {InterviewOutcome.DUE.value}:
        errors["outcome"] = "Select where the interview stands"
    reason = text(values, "reason", limit=4000)
    kind = InterviewKind(interview.kind)
    if outcome == InterviewOutcome.NOT_OFFERED and not reason and kind is InterviewKind.RETURN_HOME:
        errors["reason"] = "Enter why the interview was not offered"
    offered_at, completed_at = _interview_times(values, outcome, errors)
    chronology.check(
        "missing.interview",
        {"returned": episode.returned_at, "offered": offered_at, "completed": completed_at},
        errors,
    )
    interviewer, organisation, findings = _interviewer(values, outcome, episode.placement, errors)
    agencies = {str(a.id): a for a in session.scalars(select(Agency).where(Agency.active.is_(True)))}
    shared = as_list(values.get("shared_with"))
    if any(s not in agencies for s in shared):
        errors["shared_with"] = "Select partner agencies from the list"
    raise_if(errors, values)
    interview.outcome = outcome
    interview.reason = reason
    interview.offered_at = offered_at
    interview.completed_at = completed_at
    interview.interviewer_name = interviewer
    interview.interviewer_organisation = organisation
    interview.findings = findings if outcome == InterviewOutcome.COMPLETED else ""
    interview.shared_with = sorted(agencies[s].code for s in shared)
    interview.recorded_by_id = actor.user_id
    session.flush()
    _record(
        session,
        actor,
        episode,
        "interview",
        AuditCategory.ALTERATION,
        f"{kind.label} recorded",
        outcome=outcome,
        kind=kind.value,
        shared_with=interview.shared_with,
    )
    notify.episode_event(
        session, episode, "interview", f"{kind.label}: {InterviewOutcome(outcome).label.lower()}"
    )
    return interview


_TAKEN_UP = (InterviewOutcome.OFFERED, InterviewOutcome.DECLINED, InterviewOutcome.COMPLETED)


def _interview_times(
    values: dict[str, Any], outcome: str, errors: dict[str, str]
) -> tuple[datetime | None, datetime | None]:
    """When it was offered (if it was) and when it took place (if it did)."""
    offered_at = completed_at = None
    if outcome in _TAKEN_UP:
        offered_at = parse_datetime(values, "offered", "Date offered", errors)
    if outcome == InterviewOutcome.COMPLETED:
        completed_at = parse_datetime(values, "completed", "Date of the interview", errors)
    return offered_at, completed_at


def _interviewer(
    values: dict[str, Any], outcome: str, placement: str, errors: dict[str, str]
) -> tuple[str, str, str]:
    """Who interviewed, their organisation (independent of the placement [MissingPeople-2024]) and the
    findings."""
    interviewer = text(values, "interviewer_name", limit=200)
    organisation = text(values, "interviewer_organisation", limit=200)
    findings = text(values, "findings", limit=8000)
    for name, value, label, most in (
        ("interviewer_name", interviewer, "The interviewer's name", 200),
        ("interviewer_organisation", organisation, "The organisation", 200),
        ("findings", findings, "The findings", 8000),
    ):
        if len(value) > most:
            errors[name] = f"{label} must be {most:,} characters or fewer"
    if outcome in _TAKEN_UP:
        if not organisation:
            errors["interviewer_organisation"] = "Enter the interviewer's organisation"
        elif _same_organisation(organisation, placement):
            errors["interviewer_organisation"] = "The interviewer must be independent of the placement"
        elif values.get("independent") not in ("yes", "on"):
            errors["independent"] = "Confirm the interviewer is independent of the placement"
    if outcome == InterviewOutcome.COMPLETED:
        if not interviewer:
            errors["interviewer_name"] = "Enter who carried out the interview"
        if not findings:
            errors["findings"] = "Enter what the interview found"
    return interviewer, organisation, findings


def _same_organisation(a: str, b: str) -> bool:
    """One name within the other, ignoring case, accents and punctuation (Oak House / Oak House Ltd)."""
    first, second = matching.normalise(a), matching.normalise(b)
    return bool(first and second) and (first in second or second in first)


OVERDUE = "overdue"
OPTIONAL = "optional"


def interview_state(interview: ReturnInterview | None, now: datetime | None = None) -> str:
    """Where an interview stands for the lists: a child's return home interview is `overdue` when still
    not offered after 72 hours; an adult's prevention interview is `optional` until something is recorded
    and is never overdue; otherwise the outcome (or empty with no interview)."""
    if interview is None:
        return ""
    if interview.kind == InterviewKind.PREVENTION:
        return OPTIONAL if interview.outcome == InterviewOutcome.DUE else interview.outcome
    now = now or utcnow()
    if interview.outcome == InterviewOutcome.DUE and interview.due_at is not None and interview.due_at < now:
        return OVERDUE
    return interview.outcome
