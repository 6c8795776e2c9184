"""Missing-person episodes: record one, review its risk (every change kept with rationale, source and time),
close it on return, and follow the return home interview; the repeat-missing rule; a person's history and
timeline; and the Right to Know considerations raised where missing and disclosure work meet.

Rules (DOMAIN.md "Missing-person coordination in a MASH"): the risk continuum and what each episode records
[APP-missing][Lewisham]; the interview within 72 hours of return, by someone independent of the placement,
with a reason when not offered [MissingPeople-2024]; a child on a child-protection plan notified to the
social worker at once [Wales-SP]; repeat missing as configuration [Bromley]. Every verb writes its audit
event in the caller's transaction (DPA 2018 s.62 [DPA-62]).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.agencies.vocabulary import AgencyKind
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied
from disclosure.missing import notify
from disclosure.missing.models import (
    Episode,
    LinkConsideration,
    MissingSettings,
    Notification,
    PendingMatch,
    ReturnInterview,
    RiskChange,
    RiskLevel,
)
from disclosure.missing.rules import current_settings, risk_labels, risk_levels
from disclosure.missing.vocabulary import (
    CareStatus,
    ConsiderationStatus,
    EpisodeStatus,
    InterviewOutcome,
    MatchStatus,
    RiskFactor,
    SafeAndWell,
)
from disclosure.people import matching
from disclosure.people import service as people
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.schemas import integer, parse_datetime, raise_if, text
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES
from disclosure.text import as_list, format_datetime

INTERVIEW_DUE = timedelta(hours=72)
"""A return home interview is due within 72 hours of the return [MissingPeople-2024][Lewisham]."""

LINKED_ROLES = (PartyRole.SUBJECT.value, PartyRole.PERSON_AT_RISK.value)
"""Roles on a disclosure case that make a missing episode worth a Right to Know consideration."""


def require_coordinator(actor: Principal) -> None:
    """Missing-person coordination is the MASH data administrator's work [issue 7]."""
    if not actor.has_any(Role.DATA_ADMINISTRATOR.value):
        raise PermissionDenied("Only data administrators coordinate missing-person episodes")


def require_administrator(actor: Principal) -> None:
    """The local rules and the risk continuum are settings: administrators change them."""
    if not actor.has_any(Role.ADMINISTRATOR.value):
        raise PermissionDenied("Only administrators change the missing-person rules")


def _record(
    session: Session,
    actor: Actor,
    episode: Episode,
    action: str,
    category: AuditCategory,
    justification: str,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"missing.{action}",
        category=category,
        object_type="missing_episode",
        object_id=episode.id,
        justification=justification,
        details=details or None,
    )


# ------------------------------------------------------------------------------------ reference data


def update_settings(session: Session, actor: Principal, values: dict[str, Any]) -> MissingSettings:
    """Change the local rules: repeat threshold (N episodes in M days), digest period, escalation time."""
    require_administrator(actor)
    row = current_settings(session)
    check_version(row.version, values.get("version"), what="the missing-person settings")
    errors: dict[str, str] = {}
    limits = {
        "repeat_episodes": ("Episodes that make a repeat", 2, 50),
        "repeat_days": ("Days", 1, 730),
        "digest_hours": ("Digest period", 1, 168),
        "escalate_hours": ("Escalation time", 1, 72),
    }
    parsed: dict[str, int] = {}
    for name, (label, low, high) in limits.items():
        number = integer(values, name, label, errors, low=low, high=high)
        if number is None:
            errors.setdefault(name, f"Enter {label.lower()}")
        else:
            parsed[name] = number
    raise_if(errors, values)
    before = {name: getattr(row, name) for name in limits}
    for name, number in parsed.items():
        setattr(row, name, number)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.settings",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_settings",
        object_id=row.id,
        justification="Missing-person rules changed",
        details={"before": before, "after": parsed},
    )
    return row


def add_risk_level(session: Session, actor: Principal, values: dict[str, Any]) -> RiskLevel:
    """A force that words the continuum with more steps adds one: a new code (kept for ever, so history
    keeps its meaning), its wording, its place on the continuum and whether it is urgent [APP-missing]."""
    require_administrator(actor)
    errors: dict[str, str] = {}
    code = text(values, "new_code", limit=40).lower()
    if not code:
        errors["new_code"] = "Enter a code, like very_high"
    elif not _CODE.fullmatch(code):
        errors["new_code"] = "The code must be lower-case letters, digits and underscores, up to 40"
    elif session.scalar(select(RiskLevel.id).where(RiskLevel.code == code)):
        errors["new_code"] = "There is already a risk level with this code"
    label = text(values, "new_label", limit=100)
    if not label:
        errors["new_label"] = "Enter the wording of the level"
    elif len(label) > 100:
        errors["new_label"] = "The wording must be 100 characters or fewer"
    rank = integer(values, "new_rank", "The place on the continuum", errors, low=1, high=99)
    if rank is None:
        errors.setdefault("new_rank", "Enter its place on the continuum, from 1 (lowest risk)")
    raise_if(errors, values)
    assert rank is not None
    level = RiskLevel(
        code=code,
        label=label,
        description=text(values, "new_description", limit=2000),
        rank=rank,
        urgent=values.get("new_urgent") in ("yes", "on", True),
    )
    session.add(level)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.risk_level_added",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_risk_level",
        object_id=level.id,
        justification="Risk level added",
        details={"code": code, "rank": rank, "urgent": level.urgent},
    )
    return level


_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def update_risk_level(
    session: Session, actor: Principal, level_id: uuid.UUID, values: dict[str, Any]
) -> RiskLevel:
    """Reword a risk level, mark it urgent or retire it; codes never change, so history keeps its meaning."""
    require_administrator(actor)
    level = session.get(RiskLevel, level_id)
    if level is None:
        raise NotFound("There is no such risk level")
    check_version(level.version, values.get("version"), what="this risk level")
    label = text(values, "label", limit=100)
    description = text(values, "description", limit=2000)
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "Enter the wording of the level"
    elif len(label) > 100:
        errors["label"] = "The wording must be 100 characters or fewer"
    active = values.get("active") in ("yes", "on", True)
    if not active and level.active and sum(1 for r in risk_levels(session, active_only=True)) <= 1:
        errors["active"] = "At least one risk level must stay in use"
    raise_if(errors, values)
    level.label, level.description = label, description
    level.urgent = values.get("urgent") in ("yes", "on", True)
    level.active = active
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.risk_level",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_risk_level",
        object_id=level.id,
        justification="Risk level wording or use changed",
        details={"code": level.code, "active": level.active, "urgent": level.urgent},
    )
    return level


# ---------------------------------------------------------------------------------------- partners


@dataclass(frozen=True)
class PartnerChoices:
    """What the episode form offers: agencies by kind and the partner users of social care agencies; every
    active agency for whom interview findings may be shared with."""

    agencies: list[tuple[str, str]]
    placing_authorities: list[tuple[str, str]]
    schools: list[tuple[str, str]]
    health: list[tuple[str, str]]
    social_workers: list[tuple[str, str]]


def partner_choices(session: Session) -> PartnerChoices:
    agencies = list(session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))

    def of(*kinds: AgencyKind) -> list[tuple[str, str]]:
        return [(str(a.id), a.name) for a in agencies if a.kind in {k.value for k in kinds}]

    care = {
        str(a.id)
        for a in agencies
        if a.kind in (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SOCIAL_CARE)
    }
    workers = session.execute(
        select(User.id, User.display_name, Agency.name, Agency.id)
        .join(AgencyMember, AgencyMember.user_id == User.id)
        .join(Agency, Agency.id == AgencyMember.agency_id)
        .where(User.disabled_at.is_(None))
        .order_by(User.display_name)
    ).all()
    return PartnerChoices(
        agencies=[(str(a.id), a.name) for a in agencies],
        placing_authorities=of(AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SOCIAL_CARE),
        schools=of(AgencyKind.EDUCATION),
        health=of(AgencyKind.HEALTH),
        social_workers=[
            (str(uid), f"{name} ({agency})") for uid, name, agency, aid in workers if str(aid) in care
        ],
    )


def _choice(
    values: dict[str, Any],
    name: str,
    allowed: Sequence[tuple[str, str]],
    message: str,
    errors: dict[str, str],
) -> uuid.UUID | None:
    raw = text(values, name)
    if not raw:
        return None
    if raw not in {value for value, _ in allowed}:
        errors[name] = message
        return None
    return uuid.UUID(raw)


# ---------------------------------------------------------------------------------------- episodes


def _not_future(moment: datetime | None, name: str, label: str, errors: dict[str, str]) -> None:
    if moment is not None and moment > utcnow() + timedelta(minutes=5):
        errors.setdefault(name, f"{label} must be now or in the past")


def _assessment(
    levels: dict[str, RiskLevel],
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    rationale: str,
    source: str,
    why: str,
) -> tuple[str, str, str]:
    """A risk assessment's level (one in use), rationale and the source of the information [APP-missing],
    read from the form's fields of those names."""
    level = text(values, "risk_level")
    if level not in levels or not levels[level].active:
        errors["risk_level"] = "Select the risk level"
    reasons = text(values, rationale, limit=4000)
    if not reasons:
        errors[rationale] = f"Enter why {why}"
    elif len(reasons) > 4000:
        errors[rationale] = "The rationale must be 4,000 characters or fewer"
    origin = text(values, source, limit=300)
    if not origin:
        errors[source] = "Enter where the information came from"
    elif len(origin) > 300:
        errors[source] = "The source must be 300 characters or fewer"
    return level, reasons, origin


def _levels(session: Session) -> dict[str, RiskLevel]:
    """Every risk level by code, retired ones too (earlier assessments may use them)."""
    return {level.code: level for level in risk_levels(session)}


def _risk_factors(values: dict[str, Any]) -> dict[str, bool]:
    chosen = as_list(values.get("risk_factors"))
    return {factor.value: factor.value in chosen for factor in RiskFactor}


def parse_episode(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The episode form's fields, each error at its field [APP-missing][Lewisham]."""
    errors: dict[str, str] = {}
    care = text(values, "care_status")
    if care not in {c.value for c in CareStatus}:
        errors["care_status"] = "Select the person's care status"
    reported_at = parse_datetime(values, "reported", "Date reported", errors)
    _not_future(reported_at, "reported", "The date reported", errors)
    reported_by = text(values, "reported_by", limit=200)
    if not reported_by:
        errors["reported_by"] = "Enter who reported the person missing"
    elif len(reported_by) > 200:
        errors["reported_by"] = "Who reported it must be 200 characters or fewer"
    last_seen_at = None
    if any(text(values, f"last_seen-{p}") for p in ("day", "month", "year", "time")) or text(
        values, "last_seen"
    ):
        last_seen_at = parse_datetime(values, "last_seen", "Date last seen", errors)
        _not_future(last_seen_at, "last_seen", "The date last seen", errors)
        if last_seen_at and reported_at and last_seen_at > reported_at:
            errors.setdefault("last_seen", "The date last seen must be before the report")
    police_reference = text(values, "police_reference", limit=40).upper()
    if len(police_reference) > 40:
        errors["police_reference"] = "The police reference must be 40 characters or fewer"
    elif police_reference and session.scalar(
        select(Episode.id).where(Episode.police_reference == police_reference)
    ):
        errors["police_reference"] = "An episode with this police reference is already recorded"
    risk, rationale, source = _assessment(
        _levels(session),
        values,
        errors,
        rationale="risk_rationale",
        source="risk_source",
        why="this risk level was given",
    )
    choices = partner_choices(session)
    fields = {
        "care_status": care,
        "placing_authority_id": _choice(
            values, "placing_authority_id", choices.placing_authorities, "Select a placing authority", errors
        ),
        "social_worker_id": _choice(
            values, "social_worker_id", choices.social_workers, "Select the allocated social worker", errors
        ),
        "school_id": _choice(values, "school_id", choices.schools, "Select the school", errors),
        "health_id": _choice(values, "health_id", choices.health, "Select the health service", errors),
    }
    if care == CareStatus.CP_PLAN and fields["social_worker_id"] is None:
        errors.setdefault(
            "social_worker_id",
            "Select the allocated social worker: a child on a child-protection plan is notified to them "
            "at once",
        )
    raise_if(errors, values)
    return {
        **fields,
        "police_reference": police_reference or None,
        "placement": text(values, "placement", limit=200)[:200],
        "reported_at": reported_at,
        "reported_by": reported_by,
        "last_seen_at": last_seen_at,
        "last_seen_place": text(values, "last_seen_place", limit=300)[:300],
        "clothing": text(values, "clothing", limit=2000),
        "risk_level": risk,
        "risk_rationale": rationale,
        "risk_source": source,
        **_risk_factors(values),
    }


def record_episode(
    session: Session, actor: Principal, person_id: uuid.UUID, values: dict[str, Any]
) -> Episode:
    """A person reported missing: the episode with its first risk assessment; partners are told (a child on
    a child-protection plan at once, to the social worker [Wales-SP]); a repeat is flagged [Bromley]; and a
    Right to Know consideration is raised if the person is on an open disclosure case."""
    require_coordinator(actor)
    fields = parse_episode(session, values)
    person = people.resolve(session, person_id)
    if session.scalar(
        select(Episode.id).where(Episode.person_id == person.id, Episode.status == EpisodeStatus.OPEN.value)
    ):
        raise FormInvalid(
            {"person": "This person already has an open missing episode: review that one"}, values
        )
    rationale, source = fields.pop("risk_rationale"), fields.pop("risk_source")
    episode = Episode(
        person_id=person.id, reported_name=person.display_name[:400], recorded_by_id=actor.user_id, **fields
    )
    session.add(episode)
    session.flush()
    session.add(
        RiskChange(
            episode_id=episode.id,
            level=episode.risk_level,
            rationale=rationale,
            source=source,
            obtained_at=episode.reported_at,
            recorded_by_id=actor.user_id,
        )
    )
    _record(
        session,
        actor,
        episode,
        "record",
        AuditCategory.COLLECTION,
        "Missing episode recorded",
        risk=episode.risk_level,
    )
    after_new_episode(session, actor, episode)
    return episode


def after_new_episode(session: Session, actor: Actor, episode: Episode) -> None:
    """What follows any new episode, typed in or imported: partners told, repeat flagged, cases linked."""
    if episode.person_id is None:
        return
    level = session.scalar(select(RiskLevel).where(RiskLevel.code == episode.risk_level))
    notify.episode_event(
        session,
        episode,
        "reported",
        f"Reported missing {_when(episode.reported_at)}; risk {level.label if level else episode.risk_level}",
        urgent=episode.care_status == CareStatus.CP_PLAN or bool(level and level.urgent),
    )
    status = repeat_status(session, episode.person_id)
    if status.flagged and status.count == status.threshold:
        notify.episode_event(
            session,
            episode,
            "repeat",
            f"Now repeat missing: {status.count} episodes in {status.days} days",
        )
    raise_considerations(session, actor, person_id=episode.person_id, episode=episode)


def _when(moment: datetime | None) -> str:
    return format_datetime(moment) if moment else "(time not known)"


def get_episode(session: Session, episode_id: uuid.UUID) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound("There is no such missing episode")
    return episode


def episodes_by_status(session: Session, actor: Principal, status: str, *, limit: int = 500) -> list[Episode]:
    """Open or closed episodes, newest report first (the API's list)."""
    require_coordinator(actor)
    return list(
        session.scalars(
            select(Episode).where(Episode.status == status).order_by(Episode.reported_at.desc()).limit(limit)
        )
    )


def view_episode(session: Session, actor: Principal, episode_id: uuid.UUID) -> Episode:
    """An episode opened by a coordinator: a consultation, audited."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    _record(session, actor, episode, "view", AuditCategory.CONSULTATION, "Missing episode opened")
    return episode


def change_risk(
    session: Session, actor: Principal, episode_id: uuid.UUID, values: dict[str, Any]
) -> RiskChange:
    """Review the risk: the new level with its rationale, the source of the information and when it was
    obtained; earlier assessments stay [APP-missing]. A change is told to partners, at once when urgent."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    check_version(episode.version, values.get("version"), what="this episode")
    if not episode.is_open:
        raise Conflict("The person has returned: the episode is closed")
    errors: dict[str, str] = {}
    levels = _levels(session)
    level, rationale, source = _assessment(
        levels, values, errors, rationale="rationale", source="source", why="the risk is at this level"
    )
    obtained_at = parse_datetime(values, "obtained", "Date the information was obtained", errors)
    _not_future(obtained_at, "obtained", "The date the information was obtained", errors)
    if obtained_at and obtained_at < episode.reported_at - timedelta(days=1):
        errors.setdefault("obtained", "The information must have been obtained around or after the report")
    factors = _risk_factors(values)
    raise_if(errors, values)
    assert obtained_at is not None
    change = RiskChange(
        episode_id=episode.id,
        level=level,
        previous_level=episode.risk_level,
        rationale=rationale,
        source=source,
        obtained_at=obtained_at,
        recorded_by_id=actor.user_id,
    )
    session.add(change)
    before = episode.risk_level
    episode.risk_level = level
    for name, chosen in factors.items():
        setattr(episode, name, chosen)
    episode.updated_at = utcnow()
    session.flush()
    _record(
        session, actor, episode, "risk", AuditCategory.ALTERATION, "Risk reviewed", before=before, after=level
    )
    if before != level:
        earlier = levels.get(before)
        direction = "raised" if earlier is None or levels[level].rank > earlier.rank else "lowered"
        notify.episode_event(
            session,
            episode,
            "risk",
            f"Risk {direction} to {levels[level].label} ({_when(obtained_at)})",
            urgent=levels[level].urgent and direction == "raised",
        )
    return change


def close_episode(
    session: Session, actor: Principal, episode_id: uuid.UUID, values: dict[str, Any]
) -> Episode:
    """The person is found or has returned: closing needs the return time, the place and the police
    safe-and-well check [APP-missing]; the return home interview becomes due 72 hours after the return
    [MissingPeople-2024]."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    check_version(episode.version, values.get("version"), what="this episode")
    if not episode.is_open:
        raise Conflict("This episode is already closed")
    errors: dict[str, str] = {}
    returned_at = parse_datetime(values, "returned", "Date found or returned", errors)
    _not_future(returned_at, "returned", "The date found or returned", errors)
    if returned_at and returned_at < episode.reported_at - timedelta(days=1):
        errors.setdefault("returned", "The return must be after the person went missing")
    place = text(values, "return_place", limit=300)
    if not place:
        errors["return_place"] = "Enter where the person was found or returned to"
    elif len(place) > 300:
        errors["return_place"] = "Where must be 300 characters or fewer"
    check = text(values, "safe_and_well")
    if check not in {s.value for s in SafeAndWell}:
        errors["safe_and_well"] = "Select the outcome of the police safe-and-well check"
    raise_if(errors, values)
    fields = {
        "returned_at": returned_at,
        "return_place": place,
        "returned_with": text(values, "returned_with", limit=300)[:300],
        "safe_and_well": check,
        "safe_and_well_notes": text(values, "safe_and_well_notes", limit=4000),
    }
    finish_episode(session, actor, episode, **fields)
    return episode


def finish_episode(session: Session, actor: Actor, episode: Episode, **fields: Any) -> None:
    """Close an episode (typed in or from the feed) and set its return home interview going."""
    for name, value in fields.items():
        setattr(episode, name, value)
    if episode.returned_at is None:
        raise FormInvalid({"returned": "Enter when the person was found or returned"})
    episode.status = EpisodeStatus.CLOSED.value
    episode.updated_at = utcnow()
    session.add(ReturnInterview(episode_id=episode.id, due_at=episode.returned_at + INTERVIEW_DUE))
    session.flush()
    _record(
        session, actor, episode, "close", AuditCategory.ALTERATION, "Person found or returned; episode closed"
    )
    if episode.person_id is not None:
        notify.episode_event(
            session,
            episode,
            "returned",
            f"Found or returned {_when(episode.returned_at)}; safe and well check: "
            f"{SafeAndWell(episode.safe_and_well or SafeAndWell.NOT_COMPLETED).label.lower()}",
        )


# -------------------------------------------------------------------------------- return interviews


def record_interview(
    session: Session, actor: Principal, episode_id: uuid.UUID, values: dict[str, Any]
) -> ReturnInterview:
    """Where the return home interview stands: offered, completed, declined, or not offered with a reason;
    the interviewer's organisation must be independent of the placement; who the findings went to
    [MissingPeople-2024][Lewisham]."""
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
    if outcome == InterviewOutcome.NOT_OFFERED and not reason:
        errors["reason"] = "Enter why the interview was not offered"
    offered_at, completed_at = _interview_times(values, outcome, errors)
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
        "Return home interview recorded",
        outcome=outcome,
        shared_with=interview.shared_with,
    )
    notify.episode_event(
        session, episode, "interview", f"Return home interview: {InterviewOutcome(outcome).label.lower()}"
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
        _not_future(offered_at, "offered", "The date offered", errors)
    if outcome == InterviewOutcome.COMPLETED:
        completed_at = parse_datetime(values, "completed", "Date of the interview", errors)
        _not_future(completed_at, "completed", "The date of the interview", errors)
        if completed_at and offered_at and completed_at < offered_at:
            errors.setdefault("completed", "The interview must be on or after the date it was offered")
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


def interview_state(interview: ReturnInterview | None, now: datetime | None = None) -> str:
    """`overdue` when still not offered after 72 hours, else the outcome (or empty with no interview)."""
    if interview is None:
        return ""
    now = now or utcnow()
    if interview.outcome == InterviewOutcome.DUE and interview.due_at < now:
        return "overdue"
    return interview.outcome


# ---------------------------------------------------------------------------------- repeat missing


@dataclass(frozen=True)
class RepeatStatus:
    """Whether the person meets the local repeat-missing rule: N episodes reported in the last M days."""

    count: int
    threshold: int
    days: int

    @property
    def flagged(self) -> bool:
        return self.count >= self.threshold


def repeat_status(session: Session, person_id: uuid.UUID, now: datetime | None = None) -> RepeatStatus:
    return repeat_statuses(session, [person_id], now)[person_id]


def repeat_statuses(
    session: Session, person_ids: Iterable[uuid.UUID], now: datetime | None = None
) -> dict[uuid.UUID, RepeatStatus]:
    """The repeat rule for many people in one grouped query (the export and the lists)."""
    ids = list(dict.fromkeys(person_ids))
    rules = current_settings(session)
    since = (now or utcnow()) - timedelta(days=rules.repeat_days)
    counts: dict[uuid.UUID, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(Episode.person_id, func.count())
            .where(Episode.person_id.in_(chunk), Episode.reported_at >= since)
            .group_by(Episode.person_id)
        )
        counts.update({person_id: count for person_id, count in rows if person_id is not None})
    return {pid: RepeatStatus(counts.get(pid, 0), rules.repeat_episodes, rules.repeat_days) for pid in ids}


# ----------------------------------------------------------------------------------- history


def person_episodes(session: Session, person_id: uuid.UUID) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode).where(Episode.person_id == person_id).order_by(Episode.reported_at.desc())
        )
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str
    episode_id: uuid.UUID


def timeline(session: Session, episodes: Sequence[Episode]) -> list[TimelineEntry]:
    """Every episode's events, newest first: reported, each risk review, returned, the interview."""
    labels = risk_labels(session)
    entries: list[TimelineEntry] = []
    for episode in episodes:
        reference = episode.police_reference or "No police reference"
        entries.append(
            TimelineEntry(
                episode.reported_at,
                "Reported missing",
                f"{reference}. Reported by {episode.reported_by or 'the police feed'}"
                + (f"; last seen at {episode.last_seen_place}" if episode.last_seen_place else ""),
                episode.id,
            )
        )
        entries.extend(
            TimelineEntry(
                change.obtained_at,
                f"Risk {labels.get(change.previous_level, change.previous_level)} to "
                f"{labels.get(change.level, change.level)}",
                f"{change.rationale} (source: {change.source})",
                episode.id,
            )
            for change in episode.risk_changes
            if change.previous_level
        )
        if episode.returned_at:
            entries.append(
                TimelineEntry(
                    episode.returned_at,
                    "Found or returned",
                    f"{episode.return_place}"
                    + (f", with {episode.returned_with}" if episode.returned_with else "")
                    + (
                        f"; safe and well: {SafeAndWell(episode.safe_and_well).label.lower()}"
                        if episode.safe_and_well
                        else ""
                    ),
                    episode.id,
                )
            )
        interview = episode.interview
        if interview and interview.outcome != InterviewOutcome.DUE:
            at = interview.completed_at or interview.offered_at or interview.updated_at
            entries.append(
                TimelineEntry(
                    at,
                    f"Return home interview {InterviewOutcome(interview.outcome).label.lower()}",
                    interview.reason or interview.interviewer_organisation,
                    episode.id,
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)


# ------------------------------------------------------------------- Right to Know considerations


def raise_considerations(
    session: Session,
    actor: Actor,
    *,
    person_id: uuid.UUID,
    episode: Episode | None = None,
    request_id: uuid.UUID | None = None,
) -> list[LinkConsideration]:
    """A person in a missing episode who is a subject or person at risk on an open disclosure case (found
    from either side) raises one consideration per case and person for the data administrator."""
    if episode is None:
        episode = session.scalar(
            select(Episode)
            .where(Episode.person_id == person_id)
            .order_by(Episode.reported_at.desc())
            .limit(1)
        )
        if episode is None:
            return []
    statement = (
        select(CaseParty.request_id, CaseParty.role)
        .join(DisclosureRequest, DisclosureRequest.id == CaseParty.request_id)
        .where(
            CaseParty.person_id == person_id,
            CaseParty.role.in_(LINKED_ROLES),
            DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]),
        )
    )
    if request_id is not None:
        statement = statement.where(CaseParty.request_id == request_id)
    already = set(
        session.scalars(select(LinkConsideration.request_id).where(LinkConsideration.person_id == person_id))
    )
    raised = []
    for case_id, role in session.execute(statement).all():
        if case_id in already:
            continue
        already.add(case_id)
        consideration = LinkConsideration(
            request_id=case_id, person_id=person_id, episode_id=episode.id, party_role=role
        )
        session.add(consideration)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="missing.link_raised",
            category=AuditCategory.COMBINATION,
            object_type="disclosure_request",
            object_id=case_id,
            justification="Person in a missing episode is on a disclosure case: Right to Know to consider",
            details={"episode": str(episode.id), "person": str(person_id), "role": role},
        )
        raised.append(consideration)
    return raised


def on_party_added(session: Session, actor: Principal, party: CaseParty) -> None:
    """The reverse direction: a person with missing episodes added to a case as subject or person at risk."""
    if party.role in LINKED_ROLES:
        raise_considerations(session, actor, person_id=party.person_id, request_id=party.request_id)


def considerations_for_case(session: Session, request_id: uuid.UUID) -> list[LinkConsideration]:
    return list(
        session.scalars(
            select(LinkConsideration)
            .where(LinkConsideration.request_id == request_id)
            .order_by(LinkConsideration.created_at)
        )
    )


def considerations_for_person(session: Session, person_id: uuid.UUID) -> list[LinkConsideration]:
    return list(
        session.scalars(
            select(LinkConsideration)
            .where(LinkConsideration.person_id == person_id)
            .order_by(LinkConsideration.created_at)
        )
    )


def get_consideration(session: Session, actor: Principal, consideration_id: uuid.UUID) -> LinkConsideration:
    require_coordinator(actor)
    consideration = session.get(LinkConsideration, consideration_id)
    if consideration is None:
        raise NotFound("There is no such consideration")
    return consideration


def case_references(session: Session, request_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Case references by id, for pages that name the cases a consideration is about."""
    ids = list(set(request_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(DisclosureRequest.id, DisclosureRequest.reference).where(DisclosureRequest.id.in_(ids))
    )
    return dict(rows.tuples().all())


def decide_consideration(
    session: Session, actor: Principal, consideration_id: uuid.UUID, values: dict[str, Any]
) -> LinkConsideration:
    """Accept (a Right to Know is worth pursuing) or dismiss a consideration, with a reason [DVDS-2023]."""
    consideration = get_consideration(session, actor, consideration_id)
    if consideration.status != ConsiderationStatus.OPEN:
        raise Conflict("This consideration has already been decided")
    errors: dict[str, str] = {}
    decision = text(values, "decision")
    if decision not in (ConsiderationStatus.ACCEPTED.value, ConsiderationStatus.DISMISSED.value):
        errors["decision"] = "Select accept or dismiss"
    reason = text(values, "reason", limit=4000)
    if not reason:
        errors["reason"] = "Enter the reason for your decision"
    raise_if(errors, values)
    consideration.status = decision
    consideration.reason = reason
    consideration.decided_by_id = actor.user_id
    consideration.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"missing.link_{decision}",
        category=AuditCategory.ALTERATION,
        object_type="disclosure_request",
        object_id=consideration.request_id,
        justification=f"Right to Know consideration {decision}: {reason}"[:2000],
        details={"episode": str(consideration.episode_id)},
    )
    return consideration


# --------------------------------------------------------------------------------------- queues


@dataclass(frozen=True)
class Overview:
    open_episodes: list[Episode]
    interviews_due: list[Episode]
    considerations: list[LinkConsideration]
    pending_matches: int
    escalated: int


def overview(session: Session, actor: Principal) -> Overview:
    """The coordinator's page: who is missing now (highest risk first), interviews due or overdue (soonest
    first), open Right to Know considerations, matches to confirm and escalated notifications."""
    require_coordinator(actor)
    open_episodes = list(
        session.scalars(
            select(Episode)
            .outerjoin(RiskLevel, RiskLevel.code == Episode.risk_level)
            .where(Episode.status == EpisodeStatus.OPEN.value)
            .order_by(RiskLevel.rank.desc(), Episode.reported_at)
            .limit(500)
        )
    )
    due = list(
        session.scalars(
            select(Episode)
            .join(ReturnInterview, ReturnInterview.episode_id == Episode.id)
            .where(ReturnInterview.outcome.in_([InterviewOutcome.DUE.value, InterviewOutcome.OFFERED.value]))
            .order_by(ReturnInterview.due_at)
            .limit(200)
        )
    )
    considerations = list(
        session.scalars(
            select(LinkConsideration)
            .where(LinkConsideration.status == ConsiderationStatus.OPEN.value)
            .order_by(LinkConsideration.created_at)
        )
    )
    pending = session.scalar(
        select(func.count()).select_from(PendingMatch).where(PendingMatch.status == MatchStatus.PENDING.value)
    )
    escalated = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.escalated_at.is_not(None), Notification.acknowledged_at.is_(None))
    )
    return Overview(open_episodes, due, considerations, pending or 0, escalated or 0)


def merge_considerations(session: Session, survivor_id: uuid.UUID, duplicate_id: uuid.UUID) -> None:
    """When two people are merged, one Right to Know consideration per case remains (the unique rule): the
    duplicate's goes where the survivor already has one for that case, unless only the duplicate's was
    decided, when the decision is kept in its place."""
    rows = session.scalars(
        select(LinkConsideration).where(LinkConsideration.person_id.in_([survivor_id, duplicate_id]))
    ).all()
    kept = {c.request_id: c for c in rows if c.person_id == survivor_id}
    for row in rows:
        theirs = kept.get(row.request_id)
        if row.person_id != duplicate_id or theirs is None:
            continue
        decided = row.status != ConsiderationStatus.OPEN and theirs.status == ConsiderationStatus.OPEN
        session.delete(theirs if decided else row)
    session.flush()
