"""Missing episodes: the form, recording one (typed or imported), reviewing its risk, closing it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from disclosure import chronology, paging
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import Conflict, FormInvalid
from disclosure.forms import in_page_order, parse_datetime, raise_if, text
from disclosure.missing import notify
from disclosure.missing.models import Episode, RiskChange, RiskLevel
from disclosure.missing.rules import risk_levels
from disclosure.missing.service.common import _record, get_episode, require_coordinator
from disclosure.missing.service.considerations import raise_considerations
from disclosure.missing.service.history import repeat_status
from disclosure.missing.service.interviews import new_interview
from disclosure.missing.service.settings import partner_choices
from disclosure.missing.vocabulary import CareStatus, EpisodeStatus, RiskFactor, SafeAndWell
from disclosure.missing.workflow import EPISODES, EpisodeVerb
from disclosure.people import service as people
from disclosure.text import as_list, format_datetime


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


def _risk_factors(values: dict[str, Any], errors: dict[str, str]) -> dict[str, bool]:
    """Each risk factor, whether it was chosen; a value that is none of them is refused, not dropped."""
    chosen = as_list(values.get("risk_factors"))
    known = {factor.value for factor in RiskFactor}
    if any(value not in known for value in chosen):
        errors["risk_factors"] = "Select only the risk factors listed"
    return {factor.value: factor.value in chosen for factor in RiskFactor}


EPISODE_FIELDS = (
    "person",
    "police_reference",
    "care_status",
    "placing_authority_id",
    "placement",
    "reported",
    "reported_by",
    "last_seen",
    "last_seen_place",
    "clothing",
    "risk_level",
    "risk_rationale",
    "risk_source",
    "risk_factors",
    "social_worker_id",
    "school_id",
    "health_id",
)
"""The episode form's fields in the order the page asks them (`missing/new.html`): the error summary lists
its errors in this order. `person` is the refusal of the chosen person, shown above the form."""


def parse_episode(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The episode form's fields, every error at once at its field, in page order [APP-missing][Lewisham]."""
    errors: dict[str, str] = {}
    fields = _episode_fields(session, values, errors)
    raise_if(in_page_order(errors, EPISODE_FIELDS), values)
    return fields


def episode_problems(
    session: Session, values: dict[str, Any], person_id: uuid.UUID | None = None
) -> dict[str, str]:
    """Everything wrong with a new episode's answers, in page order, without raising: for a form that
    also asks for the person, so the person's errors and the episode's come in one pass. With `person_id`,
    also whether that person is already missing."""
    errors: dict[str, str] = {}
    _episode_fields(session, values, errors)
    if person_id is not None:
        errors.update(_already_missing(session, person_id))
    return in_page_order(errors, EPISODE_FIELDS)


def _already_missing(session: Session, person_id: uuid.UUID) -> dict[str, str]:
    """One open episode per person: a second report updates the first, it is not a new episode."""
    person = people.resolve(session, person_id)
    if session.scalar(
        select(Episode.id).where(Episode.person_id == person.id, Episode.status == EpisodeStatus.OPEN.value)
    ):
        return {"person": "This person already has an open missing episode: review that one"}
    return {}


def _episode_fields(session: Session, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The episode's fields as stored, each refusal added to `errors` at its field."""
    care = text(values, "care_status")
    if care not in {c.value for c in CareStatus}:
        errors["care_status"] = "Select the person's care status"
    reported_at = parse_datetime(values, "reported", "Date reported", errors)
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
    chronology.check("missing.episode", {"reported": reported_at, "last_seen": last_seen_at}, errors)
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
    # A child on a child-protection plan with no social worker allocated is still recorded: the urgent
    # notice then goes to the placing authority or children's social care (`notify.episode_event`).
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
        **_risk_factors(values, errors),
    }


def record_episode(
    session: Session, actor: Principal, person_id: uuid.UUID, values: dict[str, Any]
) -> Episode:
    """A person reported missing: the episode with its first risk assessment; partners are told (a child on
    a child-protection plan at once, to the social worker [Wales-SP]); a repeat is flagged [Bromley]; and a
    Right to Know consideration is raised if the person is on an open disclosure case."""
    require_coordinator(actor)
    errors: dict[str, str] = {}
    fields = _episode_fields(session, values, errors)
    errors.update(_already_missing(session, person_id))
    raise_if(in_page_order(errors, EPISODE_FIELDS), values)
    person = people.resolve(session, person_id)
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
    """What follows any new episode, typed in or imported: partners told (a child on a child-protection
    plan, or an urgent risk, at once [Wales-SP]), repeat flagged, cases linked. A feed row whose person is
    still to be confirmed is told once they are; an urgent one meanwhile is listed as reaching nobody."""
    level = session.scalar(select(RiskLevel).where(RiskLevel.code == episode.risk_level))
    notify.episode_event(
        session,
        episode,
        "reported",
        f"Reported missing {_when(episode.reported_at)}; risk {level.label if level else episode.risk_level}",
        urgent=episode.care_status == CareStatus.CP_PLAN or bool(level and level.urgent),
    )
    if episode.person_id is None:
        return
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


def episodes_by_status(
    session: Session,
    actor: Principal,
    status: str,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[Episode]:
    """Open or closed episodes, newest report first, a page at a time (the API's list) [issue 17]."""
    require_coordinator(actor)
    return paging.page(
        session,
        select(Episode)
        .options(selectinload(Episode.interview))  # every episode's interview in one statement
        .where(Episode.status == status),
        [Episode.reported_at, Episode.id],
        after=after,
        before=before,
        limit=limit,
        descending=True,
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
    chronology.check("missing.risk", {"reported": episode.reported_at, "obtained": obtained_at}, errors)
    factors = _risk_factors(values, errors)
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
    safe-and-well check [APP-missing]; a child's return home interview becomes due 72 hours after the
    return [MissingPeople-2024], an adult is offered an optional prevention interview."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    check_version(episode.version, values.get("version"), what="this episode")
    if not EPISODES.can(EpisodeStatus(episode.status), EpisodeVerb.CLOSE):  # a Conflict: see EPISODES
        raise Conflict("This episode is already closed")
    errors: dict[str, str] = {}
    returned_at = parse_datetime(values, "returned", "Date found or returned", errors)
    chronology.check("missing.close", _return_times(episode, returned_at), errors)
    place = text(values, "return_place", limit=300)
    if not place:
        errors["return_place"] = "Enter where the person was found or returned to"
    elif len(place) > 300:
        errors["return_place"] = "Where must be 300 characters or fewer"
    check = text(values, "safe_and_well")
    if check not in {s.value for s in SafeAndWell}:
        errors["safe_and_well"] = "Select the outcome of the police safe-and-well check"
    raise_if(in_page_order(errors, RETURN_FIELDS), values)
    fields = {
        "returned_at": returned_at,
        "return_place": place,
        "returned_with": text(values, "returned_with", limit=300)[:300],
        "safe_and_well": check,
        "safe_and_well_notes": text(values, "safe_and_well_notes", limit=4000),
    }
    finish_episode(session, actor, episode, **fields)
    return episode


RETURN_FIELDS = ("returned", "return_place", "returned_with", "safe_and_well", "safe_and_well_notes")
"""The return form's fields in page order (`missing/close.html`)."""


def _return_times(episode: Episode, returned_at: datetime | None) -> dict[str, datetime | None]:
    return {"reported": episode.reported_at, "last_seen": episode.last_seen_at, "returned": returned_at}


def finish_episode(session: Session, actor: Actor, episode: Episode, **fields: Any) -> None:
    """Close an episode (typed in or from the feed) and set its interview going: a child's return home
    interview, due 72 hours after the return [MissingPeople-2024], or an adult's optional prevention
    interview, with no clock (`rules.adult_at`)."""
    closed = EPISODES.next(EpisodeStatus(episode.status), EpisodeVerb.CLOSE)
    returned_at = fields.get("returned_at", episode.returned_at)
    if returned_at is None:
        raise FormInvalid({"returned": "Enter when the person was found or returned"})
    errors: dict[str, str] = {}
    chronology.check("missing.close", _return_times(episode, returned_at), errors)
    raise_if(errors, {})
    for name, value in fields.items():
        setattr(episode, name, value)
    episode.returned_at = returned_at
    episode.status = closed.value
    episode.updated_at = utcnow()
    session.add(new_interview(session, episode))
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
