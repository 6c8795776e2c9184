"""A person's missing history: the repeat rule, their episodes and timeline; the coordinator's overview."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.missing.models import (
    Episode,
    LinkConsideration,
    Notification,
    PendingMatch,
    ReturnInterview,
    RiskLevel,
)
from disclosure.missing.rules import current_settings, risk_labels
from disclosure.missing.service.common import require_coordinator
from disclosure.missing.vocabulary import (
    ConsiderationStatus,
    EpisodeStatus,
    InterviewKind,
    InterviewOutcome,
    MatchStatus,
    SafeAndWell,
)

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


def person_basis(session: Session, actor: Principal, person_id: uuid.UUID) -> str | None:
    """The people index's hook: the MASH's coordinators see everyone with a missing episode [issue 7]."""
    if not actor.has_any(Role.DATA_ADMINISTRATOR.value):
        return None
    episode = session.scalar(select(Episode.id).where(Episode.person_id == person_id).limit(1))
    return "Missing-person coordinator" if episode is not None else None


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
            outcome = InterviewOutcome(interview.outcome).label.lower()
            entries.append(
                TimelineEntry(
                    at,
                    f"{InterviewKind(interview.kind).label} {outcome}",
                    interview.reason or interview.interviewer_organisation,
                    episode.id,
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)


# --------------------------------------------------------------------------------------- queues


@dataclass(frozen=True)
class Overview:
    open_episodes: list[Episode]
    interviews_due: list[Episode]
    considerations: list[LinkConsideration]
    pending_matches: int
    escalated: int
    missing_now: int = 0
    """Everyone missing now: `open_episodes` lists the first OVERVIEW_LISTED of them."""
    interviews_total: int = 0


OVERVIEW_LISTED = 100
"""People missing now listed on the overview (the most at risk first); the count above it is of all. A list
worked from the top: at the country's size 500 lines (and 200 interviews) took 180 ms to show [issue 17]."""
INTERVIEWS_LISTED = 100


def overview(session: Session, actor: Principal) -> Overview:
    """The coordinator's page: who is missing now (highest risk first), children's return home interviews
    due or overdue (soonest first; an adult's prevention interview is optional and not followed up here),
    open Right to Know considerations, matches to confirm and escalated notifications."""
    require_coordinator(actor)
    still_open = Episode.status == EpisodeStatus.OPEN.value
    open_episodes = list(
        session.scalars(
            select(Episode)
            .outerjoin(RiskLevel, RiskLevel.code == Episode.risk_level)
            .where(still_open)
            .order_by(RiskLevel.rank.desc(), Episode.reported_at)
            .limit(OVERVIEW_LISTED)
        )
    )
    missing_now = len(open_episodes)
    if missing_now == OVERVIEW_LISTED:
        missing_now = session.scalar(select(func.count()).where(still_open)) or 0
    to_follow = (
        ReturnInterview.kind == InterviewKind.RETURN_HOME.value,
        ReturnInterview.outcome.in_([InterviewOutcome.DUE.value, InterviewOutcome.OFFERED.value]),
    )
    due = list(
        session.scalars(
            select(Episode)
            .join(ReturnInterview, ReturnInterview.episode_id == Episode.id)
            .where(*to_follow)
            .order_by(ReturnInterview.due_at)
            .limit(INTERVIEWS_LISTED)
        )
    )
    interviews_total = len(due)
    if interviews_total == INTERVIEWS_LISTED:
        interviews_total = session.scalar(select(func.count()).where(*to_follow)) or 0
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
    return Overview(
        open_episodes, due, considerations, pending or 0, escalated or 0, missing_now, interviews_total
    )
