"""The MASH's workload now, by role: open cases by stage and deadline band and by assignee; partner requests
overdue by agency; panels coming up with their agendas' size; return home interviews overdue; people
missing repeatedly; urgent missing-person notifications nobody has acknowledged. Counts only (no names): each
figure links to the list behind it, which keeps its own need to know [issue 18]."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.directory import user_names
from disclosure.accounts.roles import Role, require_case_role
from disclosure.agencies.models import Agency
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.db import utcnow
from disclosure.decisions.models import AgendaItem, PanelMeeting
from disclosure.decisions.vocabulary import Forum, MeetingStatus
from disclosure.missing import rules
from disclosure.missing.models import Episode, Notification, ReturnInterview
from disclosure.missing.vocabulary import InterviewKind, InterviewOutcome
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.queue import DUE_BANDS, due_condition
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES, RequestStatus
from disclosure.research.models import PartnerRequest
from disclosure.research.workflow import PartnerRequestStatus

PANELS_AHEAD = timedelta(days=14)
"""How far ahead the dashboard lists panels."""


@dataclass(frozen=True)
class Count:
    """A figure and the list behind it."""

    value: int
    href: str


@dataclass(frozen=True)
class StageRow:
    label: str
    bands: dict[str, Count]
    total: Count


@dataclass(frozen=True)
class AssigneeRow:
    name: str
    open: Count
    overdue: Count


@dataclass(frozen=True)
class AgencyRow:
    name: str
    count: int


@dataclass(frozen=True)
class PanelRow:
    id: uuid.UUID
    meets_at: datetime
    forum: str
    items: int


@dataclass(frozen=True)
class Workload:
    """What the reader's roles show: an empty list or None for a section they do not see."""

    stages: list[StageRow]
    assignees: list[AssigneeRow]
    partner_overdue: list[AgencyRow] | None
    panels: list[PanelRow] | None
    interviews_overdue: int | None
    repeat_people: int | None
    unacknowledged: list[AgencyRow] | None

    @property
    def open_total(self) -> int:
        return sum(row.total.value for row in self.stages)


def _queue(**filters: str) -> str:
    return "/requests?" + urlencode({"whose": "team", **filters})


def _stages(session: Session, now: datetime) -> list[StageRow]:
    bands = list(DUE_BANDS)
    rows = session.execute(
        select(
            DisclosureRequest.status,
            *(func.coalesce(func.sum(when((due_condition(b, now), 1), else_=0)), 0) for b in bands),
        )
        .where(DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]))
        .group_by(DisclosureRequest.status)
    )
    found = {row[0]: [int(v) for v in row[1:]] for row in rows}
    return [
        StageRow(
            status.label,
            {
                b: Count(n, _queue(status=status.value, due=b))
                for b, n in zip(bands, found[status.value], strict=True)
            },
            Count(sum(found[status.value]), _queue(status=status.value)),
        )
        for status in RequestStatus
        if status.value in found
    ]


def _assignees(session: Session, now: datetime) -> list[AssigneeRow]:
    overdue = func.coalesce(func.sum(when((due_condition("overdue", now), 1), else_=0)), 0)
    rows = session.execute(
        select(DisclosureRequest.assignee_id, func.count(), overdue)
        .where(DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]))
        .group_by(DisclosureRequest.assignee_id)
    ).all()
    names = user_names(session, [r[0] for r in rows])
    found = [
        AssigneeRow(
            names.get(assignee, "Not assigned") if assignee else "Not assigned",
            Count(int(count), _queue(assignee=str(assignee)) if assignee else _queue()),
            Count(
                int(late),
                _queue(assignee=str(assignee), due="overdue") if assignee else _queue(due="overdue"),
            ),
        )
        for assignee, count, late in rows
    ]
    return sorted(found, key=lambda r: (-r.overdue.value, -r.open.value, r.name))


def _partner_overdue(session: Session) -> list[AgencyRow]:
    rows = session.execute(
        select(Agency.name, func.count())
        .join(PartnerRequest, PartnerRequest.agency_id == Agency.id)
        .where(PartnerRequest.status == PartnerRequestStatus.OPEN.value, PartnerRequest.due_on < uk_today())
        .group_by(Agency.name)
        .order_by(func.count().desc(), Agency.name)
    )
    return [AgencyRow(name, int(count)) for name, count in rows]


def _panels(session: Session, now: datetime) -> list[PanelRow]:
    items = (
        select(func.count())
        .where(AgendaItem.meeting_id == PanelMeeting.id, AgendaItem.removed_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        select(PanelMeeting.id, PanelMeeting.meets_at, PanelMeeting.forum, items)
        .where(
            PanelMeeting.status == MeetingStatus.SCHEDULED.value,
            PanelMeeting.meets_at >= now - timedelta(hours=12),
            PanelMeeting.meets_at < now + PANELS_AHEAD,
        )
        .order_by(PanelMeeting.meets_at, PanelMeeting.id)
        .limit(50)
    )
    return [PanelRow(id_, at, Forum(forum).label, int(n)) for id_, at, forum, n in rows]


def _interviews_overdue(session: Session, now: datetime) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                ReturnInterview.kind == InterviewKind.RETURN_HOME.value,
                ReturnInterview.outcome == InterviewOutcome.DUE.value,
                ReturnInterview.due_at < now,
            )
        )
        or 0
    )


def _repeat_people(session: Session, now: datetime) -> int:
    """People who meet the repeat rule now: N episodes reported in the last M days."""
    settings = rules.current_settings(session)
    flagged = (
        select(Episode.person_id)
        .where(
            Episode.person_id.is_not(None), Episode.reported_at >= now - timedelta(days=settings.repeat_days)
        )
        .group_by(Episode.person_id)
        .having(func.count() >= settings.repeat_episodes)
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(flagged)) or 0)


def _unacknowledged(session: Session) -> list[AgencyRow]:
    rows = session.execute(
        select(Agency.name, func.count())
        .join(Notification, Notification.agency_id == Agency.id)
        .where(
            Notification.urgent.is_(True),
            Notification.sent_at.is_not(None),
            Notification.acknowledged_at.is_(None),
        )
        .group_by(Agency.name)
        .order_by(func.count().desc(), Agency.name)
    )
    return [AgencyRow(name, int(count)) for name, count in rows]


def workload(session: Session, actor: Principal, now: datetime | None = None) -> Workload:
    """The dashboard for the reader's roles: cases for every case role; partner requests for researchers
    and data administrators; panels for panel members, chairs and data administrators; missing people for
    data administrators (the MASH's coordinators)."""
    require_case_role(actor)
    now = now or utcnow()
    coordinator = actor.has_any(Role.DATA_ADMINISTRATOR.value)
    return Workload(
        stages=_stages(session, now),
        assignees=_assignees(session, now),
        partner_overdue=(
            _partner_overdue(session) if coordinator or actor.has_any(Role.RESEARCHER.value) else None
        ),
        panels=(
            _panels(session, now)
            if coordinator or actor.has_any(Role.PANEL_MEMBER.value, Role.PANEL_CHAIR.value)
            else None
        ),
        interviews_overdue=_interviews_overdue(session, now) if coordinator else None,
        repeat_people=_repeat_people(session, now) if coordinator else None,
        unacknowledged=_unacknowledged(session) if coordinator else None,
    )
