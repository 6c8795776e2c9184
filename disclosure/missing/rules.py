"""The local rules and the risk continuum as configured (both seeded by migration 0009): read by the
services, the notifications and the feed alike."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.errors import NotFound
from disclosure.missing.models import MissingSettings, RiskLevel


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
