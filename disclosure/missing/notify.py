"""Telling partners about missing episodes without flooding them: every event (reported, risk reviewed,
returned, interview, repeat flag) joins the one digest each partner has for that person in the current
period, sent when the period ends; a child on a child-protection plan going missing (or an urgent risk
rise) also goes at once to the allocated social worker, or without one to the placing authority's MASH
mailbox, or without either (for a child) to children's social care's MASH mailbox named in the rules
[Wales-SP]. An urgent event that reaches nobody is never silent: it is recorded (`UnreachedNotice`) and
audited, and shown in red on the episode and the data administrators' home page. Partners acknowledge in
the service; an urgent notice unacknowledged after the configured hours escalates to the agency's mailbox
and the MASH.

Mail goes through the outbox (`agencies.outbox`), written in the same transaction, carrying no case
content: only that there is something to read in the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from disclosure import audit, paging
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.agencies import inbox, outbox
from disclosure.agencies.inbox import Inbox, InboxView
from disclosure.agencies.models import Agency
from disclosure.agencies.service import agency_of
from disclosure.audit import AuditCategory, SystemActor
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import Conflict, NotFound
from disclosure.missing import unreached
from disclosure.missing.models import Episode, Notification, NotificationItem
from disclosure.missing.rules import current_settings, is_adult
from disclosure.missing.vocabulary import CareStatus, PartnerRole, UnreachedReason

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
BATCH = 500
"""Digests sent (and notices escalated) in one transaction: SQLite's pages wait while it writes."""


@dataclass(frozen=True)
class Recipient:
    role: PartnerRole
    agency_id: uuid.UUID
    user_id: uuid.UUID | None = None


URGENT_ORDER = (PartnerRole.SOCIAL_WORKER, PartnerRole.PLACING_AUTHORITY, PartnerRole.SOCIAL_CARE)
"""Who an urgent notice goes to, the first of these there is [Wales-SP]; never the school or health."""


def recipients(session: Session, episode: Episode) -> list[Recipient]:
    """Who is told about this episode: the allocated social worker (through their agency), the placing
    authority, the school and health, each once. A child with neither a social worker nor a placing
    authority is told to children's social care's MASH mailbox, when the rules name it [Wales-SP]."""
    found: list[Recipient] = []
    if episode.social_worker_id:
        agency = agency_of(session, episode.social_worker_id)
        if agency:
            found.append(Recipient(PartnerRole.SOCIAL_WORKER, agency.id, episode.social_worker_id))
    fallback = None
    if not found and episode.placing_authority_id is None:
        fallback = _childrens_social_care(session, episode)
    for role, agency_id in (
        (PartnerRole.PLACING_AUTHORITY, episode.placing_authority_id),
        (PartnerRole.SOCIAL_CARE, fallback),
        (PartnerRole.SCHOOL, episode.school_id),
        (PartnerRole.HEALTH, episode.health_id),
    ):
        # One digest per partner: the social worker's own covers their agency when it is also the
        # placing authority.
        if agency_id and not any(r.agency_id == agency_id for r in found):
            found.append(Recipient(role, agency_id))
    return found


def _childrens_social_care(session: Session, episode: Episode) -> uuid.UUID | None:
    """The configured children's social care, for a child's episode (a child-protection plan is one
    whatever the recorded date of birth says); never for an adult's."""
    if episode.care_status != CareStatus.CP_PLAN and is_adult(session, episode):
        return None
    return current_settings(session).childrens_social_care_id


def urgent_recipient(people: list[Recipient]) -> Recipient | None:
    """The one an urgent notice goes to at once (`URGENT_ORDER`), or None when nobody is known."""
    for role in URGENT_ORDER:
        found = next((r for r in people if r.role is role), None)
        if found is not None:
            return found
    return None


def period_of(moment: datetime, hours: int) -> tuple[datetime, datetime]:
    """The digest period holding `moment`: periods of `hours` counted from midnight UTC, 1 January 2000,
    so daily digests run midnight to midnight."""
    length = timedelta(hours=hours)
    start = _EPOCH + ((moment - _EPOCH) // length) * length
    return start, start + length


def episode_event(
    session: Session, episode: Episode, kind: str, summary: str, *, urgent: bool = False
) -> None:
    """Add an event to each partner's digest for this person and period; when urgent, also send a notice
    at once to the social worker, or without one the placing authority, or without either (for a child)
    children's social care [Wales-SP]. An urgent event that reaches nobody's mailbox is recorded, audited
    and shown to the MASH (`UnreachedNotice`); one that does reach someone settles the earlier ones."""
    if episode.person_id is None:
        if urgent:  # a feed row whose person is still to be confirmed: told once they are
            unreached.record(session, episode, kind, UnreachedReason.PERSON_TO_CONFIRM)
        return
    now = utcnow()
    rules = current_settings(session)
    start, end = period_of(now, rules.digest_hours)
    people = recipients(session, episode)
    for recipient in people:
        digest = _digest(session, recipient, episode.person_id, start, end)
        digest.items.append(
            NotificationItem(episode_id=episode.id, kind=kind, summary=summary, created_at=now)
        )
    first = urgent_recipient(people) if urgent else None
    if urgent and first is None:
        unreached.record(session, episode, kind, UnreachedReason.NO_RECIPIENT)
    elif first is not None:
        notice = Notification(
            agency_id=first.agency_id,
            user_id=first.user_id,
            role=first.role.value,
            person_id=episode.person_id,
            urgent=True,
            period_start=now,
            period_end=now,
            sent_at=now,
        )
        notice.items.append(
            NotificationItem(episode_id=episode.id, kind=kind, summary=summary, created_at=now)
        )
        session.add(notice)
        session.flush()
        if _queue_mail(session, notice, urgent=True):
            unreached.settle(session, episode, now)
        else:
            unreached.record(
                session,
                episode,
                kind,
                UnreachedReason.NO_MAILBOX,
                agency_id=first.agency_id,
                notification_id=notice.id,
            )
    session.flush()


def _digest(
    session: Session, recipient: Recipient, person_id: uuid.UUID, start: datetime, end: datetime
) -> Notification:
    """The recipient's digest for this person and period, created if need be. Its key is unique, so two
    events arriving at once cannot make two: the second insert fails and finds the first."""
    key = f"{recipient.agency_id}/{recipient.user_id or '-'}/{person_id}/{start:%Y-%m-%dT%H:%M}"
    found = session.scalar(select(Notification).where(Notification.digest_key == key))
    if found is not None:
        return found
    digest = Notification(
        agency_id=recipient.agency_id,
        user_id=recipient.user_id,
        role=recipient.role.value,
        person_id=person_id,
        period_start=start,
        period_end=end,
        digest_key=key,
    )
    try:
        with session.begin_nested():
            session.add(digest)
            session.flush()
    except IntegrityError:
        found = session.scalar(select(Notification).where(Notification.digest_key == key))
        if found is None:
            raise
        return found
    return digest


def _addresses(session: Session, notification: Notification) -> list[str]:
    if notification.user_id:
        email = session.scalar(select(User.email).where(User.id == notification.user_id))
        return [email] if email else []
    email = session.scalar(select(Agency.contact_email).where(Agency.id == notification.agency_id))
    return [email] if email else []


def _queue_mail(session: Session, notification: Notification, *, urgent: bool = False) -> int:
    """Queue the notification's mail; how many messages (none when the recipient has no mailbox)."""
    kind = "an urgent missing-person notice" if urgent else "a missing-person digest"
    addresses = _addresses(session, notification)
    for address in addresses:
        outbox.queue(
            session,
            to=address,
            subject="Urgent: missing-person notice to acknowledge" if urgent else "Missing-person digest",
            body=(
                f"There is {kind} for you in the disclosure service.\n\n"
                f"Sign in to read and acknowledge it: {{base_url}}/partner/missing/{notification.id}\n\n"
                "This message holds no personal details. OFFICIAL-SENSITIVE."
            ),
        )
    return len(addresses)


# ------------------------------------------------------------------------------------ dispatching


@dataclass(frozen=True)
class DispatchResult:
    digests_sent: int
    escalated: int

    def full(self) -> bool:
        """Whether a call hit the limit, so more may wait."""
        return max(self.digests_sent, self.escalated) >= BATCH


def dispatch(session: Session, now: datetime | None = None) -> DispatchResult:
    """Send the digests whose period has ended and escalate urgent notices unacknowledged for longer than
    the configured hours, at most BATCH of each (the earliest first), so that one transaction stays short
    however much has built up: the dispatcher calls again while a call comes back full. Safe to run as often
    as wanted, and from several workers at once: rows another round holds are skipped (PostgreSQL), and
    SQLite runs one writing transaction at a time."""
    now = now or utcnow()
    rules = current_settings(session)
    due = list(
        session.scalars(
            select(Notification)
            .where(Notification.sent_at.is_(None), Notification.period_end <= now)
            .order_by(Notification.period_end, Notification.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    for digest in due:
        digest.sent_at = now
        _queue_mail(session, digest)
    overdue = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.urgent.is_(True),
                Notification.acknowledged_at.is_(None),
                Notification.escalated_at.is_(None),
                Notification.sent_at <= now - timedelta(hours=rules.escalate_hours),
            )
            .order_by(Notification.sent_at, Notification.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    coordinators = [
        u.email
        for u in session.scalars(select(User).where(User.disabled_at.is_(None)))
        if Role.DATA_ADMINISTRATOR.value in u.role_set and u.email
    ]
    for notice in overdue:
        notice.escalated_at = now
        agency_mail = session.scalar(select(Agency.contact_email).where(Agency.id == notice.agency_id))
        for address in dict.fromkeys([a for a in (agency_mail, *coordinators) if a]):
            outbox.queue(
                session,
                to=address,
                subject="Escalation: urgent missing-person notice not acknowledged",
                body=(
                    f"An urgent missing-person notice sent {rules.escalate_hours} hours ago or more has not "
                    "been acknowledged.\n\n"
                    f"Sign in to see it: {{base_url}}/partner/missing/{notice.id} (partner) or "
                    "{base_url}/missing (MASH).\n\n"
                    "This message holds no personal details. OFFICIAL-SENSITIVE."
                ),
            )
        audit.record(
            session,
            actor=SystemActor("dispatcher"),
            action="missing.escalate",
            category=AuditCategory.DISCLOSURE,
            object_type="missing_notification",
            object_id=notice.id,
            justification="Urgent notice unacknowledged: escalated to the agency and the MASH",
        )
    session.flush()
    return DispatchResult(len(due), len(overdue))


# --------------------------------------------------------------------------------- partner inbox


def partner_agency(session: Session, actor: Principal) -> Agency | None:
    """The agency a partner user answers for; a partner account without one sees nothing."""
    return agency_of(session, actor.user_id)


def _visible_to(session: Session, actor: Principal) -> ColumnElement[bool]:
    agency = partner_agency(session, actor)
    if agency is None:
        return false()
    return (Notification.agency_id == agency.id) & or_(
        Notification.user_id.is_(None), Notification.user_id == actor.user_id
    )


def partner_notifications(
    session: Session,
    actor: Principal,
    *,
    view: InboxView = InboxView.WAITING,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> Inbox[Notification]:
    """A page of what a partner user's agency has been told (and what is addressed to them by name): those
    to acknowledge, urgent notices first, then newest (digests still collecting among them), or those
    acknowledged, the latest first [issue 17]."""
    agency = partner_agency(session, actor)
    if agency is None:
        return inbox.empty(None, view)
    mine = select(Notification).where(_visible_to(session, actor))
    waiting = mine.where(Notification.acknowledged_at.is_(None))
    order: tuple[InstrumentedAttribute[Any], ...]
    if view is InboxView.WAITING:
        statement = waiting
        order = (Notification.urgent, Notification.period_end, Notification.id)
    else:
        statement = mine.where(Notification.acknowledged_at.is_not(None))
        order = (Notification.acknowledged_at, Notification.id)
    found = paging.page(
        session,
        statement.options(selectinload(Notification.items)),
        order,
        after=after,
        before=before,
        limit=limit,
        descending=True,
    )
    count, more = inbox.waiting_count(session, waiting, view, found)
    return Inbox(agency, view, found, count, more)


def open_for_partner(session: Session, actor: Principal, notification_id: uuid.UUID) -> Notification:
    """One notification read by a partner: a disclosure to that agency, audited with the recipient."""
    notification = session.scalar(
        select(Notification).where(Notification.id == notification_id, _visible_to(session, actor))
    )
    if notification is None:
        raise NotFound("There is no such notification for your agency")
    audit.record(
        session,
        actor=actor,
        action="missing.partner_read",
        category=AuditCategory.DISCLOSURE,
        object_type="missing_notification",
        object_id=notification.id,
        justification="Partner read a missing-person notification addressed to their agency",
        recipients=str(notification.agency_id),
    )
    return notification


def acknowledge(session: Session, actor: Principal, notification_id: uuid.UUID) -> Notification:
    notification = open_for_partner(session, actor, notification_id)
    if notification.sent_at is None:
        raise Conflict("This digest is still collecting: acknowledge it once it has been sent")
    if notification.acknowledged_at is not None:
        raise Conflict("This notification has already been acknowledged")
    notification.acknowledged_at = utcnow()
    notification.acknowledged_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.acknowledge",
        category=AuditCategory.ALTERATION,
        object_type="missing_notification",
        object_id=notification.id,
        justification="Partner acknowledged a missing-person notification",
    )
    return notification


def for_person(session: Session, person_id: uuid.UUID) -> list[Notification]:
    """Every notification about a person, for the coordinator's view of who was told what and when."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.person_id == person_id)
            .order_by(Notification.period_end.desc())
        )
    )


def agency_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())
