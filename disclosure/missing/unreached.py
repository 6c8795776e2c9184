"""Urgent missing-person events that reached nobody at once [Wales-SP]: a child on a child-protection plan
reported missing, or a rise to an urgent risk level, with no one known to tell, the one told without a
mailbox, or the person still to be confirmed. Each is recorded and audited in the transaction of the event,
listed in red on the episode and the data administrators' home page, and settled when a later urgent
notice about the episode reaches someone's mailbox."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditCategory, SystemActor
from disclosure.missing.models import Episode, UnreachedNotice
from disclosure.missing.vocabulary import EpisodeStatus, UnreachedReason


def record(
    session: Session,
    episode: Episode,
    kind: str,
    reason: UnreachedReason,
    *,
    agency_id: uuid.UUID | None = None,
    notification_id: uuid.UUID | None = None,
) -> None:
    """Record and audit an urgent event that reached nobody at once [Wales-SP]; the audit trail holds no
    case text, only the kind of event and the reason."""
    record = UnreachedNotice(
        episode_id=episode.id,
        kind=kind,
        reason=reason.value,
        agency_id=agency_id,
        notification_id=notification_id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=SystemActor("notifications"),
        action="missing.urgent_unreached",
        category=AuditCategory.COLLECTION,
        object_type="missing_episode",
        object_id=episode.id,
        justification=f"Urgent missing-person notice reached nobody: {reason.label.lower()}",
        details={"kind": kind, "reason": reason.value, "unreached_notice": str(record.id)},
    )


def settle(session: Session, episode: Episode, now: datetime) -> None:
    """An urgent notice has reached someone: the episode's earlier unreached events are settled."""
    for record in session.scalars(
        select(UnreachedNotice).where(
            UnreachedNotice.episode_id == episode.id, UnreachedNotice.resolved_at.is_(None)
        )
    ):
        record.resolved_at = now


def for_episode(session: Session, episode_id: uuid.UUID) -> list[UnreachedNotice]:
    """The episode's urgent events that reached nobody and are not yet settled, oldest first."""
    return list(
        session.scalars(
            select(UnreachedNotice)
            .where(UnreachedNotice.episode_id == episode_id, UnreachedNotice.resolved_at.is_(None))
            .order_by(UnreachedNotice.created_at)
        )
    )


def still_missing(session: Session, *, limit: int = 100) -> list[tuple[UnreachedNotice, Episode]]:
    """Unsettled urgent events that reached nobody, about people still missing, newest first: the list in
    red on the data administrators' home page."""
    rows = session.execute(
        select(UnreachedNotice, Episode)
        .join(Episode, Episode.id == UnreachedNotice.episode_id)
        .where(UnreachedNotice.resolved_at.is_(None), Episode.status == EpisodeStatus.OPEN.value)
        .order_by(UnreachedNotice.created_at.desc())
        .limit(limit)
    )
    return [(record, episode) for record, episode in rows]


def reasons(session: Session, episode_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Each episode's unsettled reasons, oldest first (the API's `unreached`), in one query."""
    found: dict[uuid.UUID, list[str]] = {}
    if not episode_ids:
        return found
    for episode_id, reason in session.execute(
        select(UnreachedNotice.episode_id, UnreachedNotice.reason)
        .where(UnreachedNotice.episode_id.in_(episode_ids), UnreachedNotice.resolved_at.is_(None))
        .order_by(UnreachedNotice.created_at)
    ):
        found.setdefault(episode_id, []).append(reason)
    return found
