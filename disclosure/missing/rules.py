"""The local rules and the risk continuum as configured (both seeded by migration 0009), and who counts as
an adult: read by the services, the notifications and the feed alike."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.errors import NotFound
from disclosure.missing.models import Episode, MissingSettings, PendingMatch, RiskLevel
from disclosure.missing.vocabulary import CareStatus
from disclosure.people.models import Person

ADULT_AGE = 18
UK = ZoneInfo("Europe/London")


def current_settings(session: Session) -> MissingSettings:
    """The one row of local rules: repeat threshold, digest period, escalation time."""
    row = session.scalar(select(MissingSettings).limit(1))
    if row is None:
        raise NotFound("The missing-person settings are not set up: run the migrations")
    return row


def risk_levels(session: Session, *, active_only: bool = False) -> list[RiskLevel]:
    """The continuum, lowest risk first (retired levels too, unless `active_only`)."""
    statement = select(RiskLevel).order_by(RiskLevel.rank)
    if active_only:
        statement = statement.where(RiskLevel.active.is_(True))
    return list(session.scalars(statement))


def risk_labels(session: Session) -> dict[str, str]:
    return {level.code: level.label for level in risk_levels(session)}


def adult_at(care_status: str, born: date | None, reported_at: datetime) -> bool:
    """An adult is 18 or over on the (UK) day the episode is reported, from the date of birth; an adult with
    care and support needs is one too. Without a date of birth the child's rules apply: a child's return home
    interview and notifications must not be lost to a gap in the record [MissingPeople-2024]."""
    if care_status == CareStatus.ADULT_CARE_NEEDS:
        return True
    if born is None:
        return False
    day = reported_at.astimezone(UK).date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day)) >= ADULT_AGE


def date_of_birth(session: Session, episode: Episode) -> date | None:
    """The person's date of birth, or, while the feed's person is still to be confirmed, the one reported."""
    if episode.person_id is not None:
        return session.scalar(select(Person.date_of_birth).where(Person.id == episode.person_id))
    return session.scalar(
        select(PendingMatch.date_of_birth).where(PendingMatch.episode_id == episode.id).limit(1)
    )


def is_adult(session: Session, episode: Episode) -> bool:
    """Whether the episode is an adult's (`adult_at`)."""
    return adult_at(episode.care_status, date_of_birth(session, episode), episode.reported_at)
