"""Panel meetings: convening, members by agency, the agenda of submitted packages, attendance per case, and
what members may read: the package version put to them, for the cases they take part in [issue 5]."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from disclosure import chronology, paging
from disclosure.accounts.directory import active_users_with
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_date, uk_today
from disclosure.db import check_version, utcnow
from disclosure.decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    PanelAgency,
    PanelMeeting,
    PanelMember,
)
from disclosure.decisions.service.common import (
    PANEL_ROLES,
    can_see_item,
    decision_for,
    declared_conflict,
    is_convener,
    load_item,
    load_meeting,
    membership,
    record,
    require_convener,
    require_papers,
)
from disclosure.decisions.vocabulary import DecisionStatus, Forum, MeetingStatus
from disclosure.decisions.workflow import MEETINGS, MeetingVerb
from disclosure.errors import InvalidTransition, NotFound
from disclosure.forms import (
    choice,
    identifier,
    optional_text,
    parse_datetime,
    present,
    raise_if,
    required_text,
    yes_no,
)
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.queue import people_on
from disclosure.requests.workflow import RequestStatus
from disclosure.research.models import PackageVersion, ResearchPackage
from disclosure.text import format_date, format_datetime


def chairs(session: Session) -> list[User]:
    return active_users_with(session, [Role.PANEL_CHAIR])


def panel_users(session: Session) -> list[User]:
    return active_users_with(session, PANEL_ROLES)


def panel_agencies(session: Session, *, active_only: bool = True) -> list[PanelAgency]:
    query = select(PanelAgency).order_by(PanelAgency.position, PanelAgency.name)
    if active_only:
        query = query.where(PanelAgency.active.is_(True))
    return list(session.scalars(query))


def _meeting_values(
    session: Session, values: dict[str, Any], meeting: PanelMeeting | None = None
) -> tuple[str, datetime, str, uuid.UUID, bool]:
    """The meeting's forum, time, place and chair, and whether the convener records a meeting already held
    (`held`: yes). A meeting is scheduled for today or later; a date that has passed is refused at the field
    unless the meeting is recorded as already held (a panel met before its record was made), and a meeting
    held cannot be in the future. Changing other details of a meeting whose date has passed is allowed."""
    errors: dict[str, str] = {}
    forum = choice(values, "forum", Forum, "Select the forum", errors)
    meets_at = parse_datetime(values, "meets_at", "Meeting", errors)
    if meets_at is None and "meets_at" not in errors and "meets_at-time" not in errors:
        errors["meets_at"] = "Enter the date of the meeting"
    held = bool(yes_no(values, "held", "", {}, required=False))
    moved = meets_at is not None and (meeting is None or meets_at != meeting.meets_at)
    now = utcnow()
    if moved and meets_at is not None and not held and uk_date(meets_at) < uk_today(now):
        errors["meets_at"] = (
            f"The date of the meeting has passed (today is {format_date(uk_today(now))}): enter today or a "
            "later date, or say that you are recording a meeting that has already taken place"
        )
    first_signed = None
    if meeting is not None:
        first_signed = session.scalar(
            select(func.min(Decision.signed_at))
            .join(AgendaItem, AgendaItem.id == Decision.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id)
        )
    chronology.check("decisions.meeting", {"meets_at": meets_at, "first_signed": first_signed}, errors)
    if held and meets_at is not None and meets_at > now + chronology.CLOCK_DRIFT and "meets_at" not in errors:
        errors["held"] = (
            f"A meeting on {format_datetime(meets_at)} has not taken place yet: check its date and time, or "
            "untick this"
        )
    location = optional_text(values, "location", "Where it meets", errors)
    chair_id = identifier(values, "chair_id", "Select the chair", errors)
    if chair_id and chair_id not in {u.id for u in chairs(session)}:
        errors["chair_id"] = "Select an active user with the panel chair role"
    raise_if(errors, values)
    return present(forum).value, present(meets_at), location, present(chair_id), held


def convene(session: Session, actor: Principal, values: dict[str, Any]) -> PanelMeeting:
    """A new meeting: forum, date and time, place and chair; the chair sits for the police unless another
    agency is chosen when members are added."""
    require_convener(actor)
    forum, meets_at, location, chair_id, held = _meeting_values(session, values)
    meeting = PanelMeeting(
        forum=forum, meets_at=meets_at, location=location, chair_id=chair_id, convened_by_id=actor.user_id
    )
    session.add(meeting)
    session.flush()
    _seat_chair(session, meeting)
    record(
        session,
        actor,
        "meeting.convene",
        AuditCategory.COLLECTION,
        "Panel meeting convened",
        object_type="panel_meeting",
        object_id=meeting.id,
        forum=forum,
        meets_at=meets_at.isoformat(),
        recorded_after_it_was_held=held,
    )
    session.flush()
    return meeting


def update_meeting(session: Session, actor: Principal, meeting_id: uuid.UUID, values: dict[str, Any]) -> None:
    require_convener(actor)
    meeting = _open_meeting(session, actor, meeting_id)
    check_version(meeting.version, values.get("version"), what="this meeting")
    meeting.forum, meeting.meets_at, meeting.location, meeting.chair_id, _held = _meeting_values(
        session, values, meeting
    )
    if membership_of_user(meeting, meeting.chair_id) is None:
        police = session.scalar(select(PanelAgency).where(PanelAgency.code == "police"))
        if police is not None:
            session.add(
                PanelMember(meeting_id=meeting.id, user_id=meeting.chair_id, panel_agency_id=police.id)
            )
    record(
        session,
        actor,
        "meeting.update",
        AuditCategory.ALTERATION,
        "Panel meeting details changed",
        object_type="panel_meeting",
        object_id=meeting.id,
    )


def _seat_chair(session: Session, meeting: PanelMeeting) -> None:
    """The chair is a member of their meeting, for the police unless added for another agency first."""
    police = session.scalar(select(PanelAgency).where(PanelAgency.code == "police"))
    if police is not None and membership_of_user(meeting, meeting.chair_id) is None:
        session.add(PanelMember(meeting_id=meeting.id, user_id=meeting.chair_id, panel_agency_id=police.id))
        session.flush()
        session.expire(meeting, ["members"])


def membership_of_user(meeting: PanelMeeting, user_id: uuid.UUID) -> PanelMember | None:
    return next((m for m in meeting.members if m.user_id == user_id), None)


def _open_meeting(session: Session, actor: Principal, meeting_id: uuid.UUID) -> PanelMeeting:
    meeting = load_meeting(session, actor, meeting_id)
    if meeting.status != MeetingStatus.SCHEDULED.value:
        raise InvalidTransition("This meeting is closed")
    return meeting


def add_member(session: Session, actor: Principal, meeting_id: uuid.UUID, values: dict[str, Any]) -> None:
    require_convener(actor)
    meeting = _open_meeting(session, actor, meeting_id)
    errors: dict[str, str] = {}
    user_id = identifier(values, "user_id", "Select who sits on the panel", errors)
    agency_id = identifier(values, "panel_agency_id", "Select the agency they represent", errors)
    if user_id and user_id not in {u.id for u in panel_users(session)}:
        errors["user_id"] = "Select an active user with the panel member or panel chair role"
    elif user_id and membership_of_user(meeting, user_id) is not None:
        errors["user_id"] = "They are already on this panel"
    if agency_id and agency_id not in {a.id for a in panel_agencies(session)}:
        errors["panel_agency_id"] = "Select an agency from the list"
    raise_if(errors, values)
    member = PanelMember(meeting_id=meeting.id, user_id=present(user_id), panel_agency_id=present(agency_id))
    session.add(member)
    session.flush()
    record(
        session,
        actor,
        "meeting.add_member",
        AuditCategory.ALTERATION,
        "Member added to a panel meeting",
        object_type="panel_meeting",
        object_id=meeting.id,
        user_id=str(user_id),
        agency_id=str(agency_id),
    )


def remove_member(session: Session, actor: Principal, meeting_id: uuid.UUID, member_id: uuid.UUID) -> None:
    require_convener(actor)
    meeting = _open_meeting(session, actor, meeting_id)
    member = session.get(PanelMember, member_id)
    if member is None or member.meeting_id != meeting.id:
        raise NotFound("There is no such member of this panel")
    if member.user_id == meeting.chair_id:
        raise InvalidTransition("The chair stays on the panel; change the chair instead")
    if session.scalar(select(func.count()).select_from(Attendance).where(Attendance.member_id == member.id)):
        raise InvalidTransition("Attendance is recorded for this member; they stay on the record")
    session.delete(member)
    record(
        session,
        actor,
        "meeting.remove_member",
        AuditCategory.ALTERATION,
        "Member taken off a panel meeting",
        object_type="panel_meeting",
        object_id=meeting.id,
        user_id=str(member.user_id),
    )


# ---------------------------------------------------------------- the agenda


@dataclass(frozen=True)
class Candidate:
    request_id: uuid.UUID
    reference: str
    scheme: str
    version: int
    submitted_at: datetime


def latest_version(session: Session, request_id: uuid.UUID) -> PackageVersion | None:
    return _latest_versions(session, [request_id]).get(request_id)


def _latest_versions(session: Session, request_ids: list[uuid.UUID]) -> dict[uuid.UUID, PackageVersion]:
    """Each case's newest submitted package version, in one statement."""
    rows = session.execute(
        select(ResearchPackage.request_id, PackageVersion)
        .join(ResearchPackage, ResearchPackage.id == PackageVersion.package_id)
        .where(ResearchPackage.request_id.in_(request_ids))
        .order_by(PackageVersion.number)
    ).all()
    return dict(rows)  # by case: the highest number comes last, so it is the one kept


def _on_open_agendas(session: Session, request_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The cases on the agenda of a scheduled meeting and not yet decided there, in one statement."""
    rows = session.execute(
        select(AgendaItem.request_id, Decision.status)
        .join(PanelMeeting, PanelMeeting.id == AgendaItem.meeting_id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(
            AgendaItem.request_id.in_(request_ids),
            AgendaItem.removed_at.is_(None),
            PanelMeeting.status == MeetingStatus.SCHEDULED.value,
        )
    ).all()
    return {request_id for request_id, status in rows if status != DecisionStatus.SIGNED.value}


def _by_id(session: Session, model: Any, ids: list[Any]) -> dict[Any, Any]:
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}


def agenda_candidates(session: Session, actor: Principal) -> list[Candidate]:
    """Cases awaiting a decision whose latest submitted version is not on an open agenda (read for every
    case at once, in columns only: neither the cases nor the package snapshots are loaded, which at the
    country's size took 630 ms for 3,224 cases [issue 17])."""
    require_convener(actor)
    # Sorted here, not by the database: asked for them in reference order, SQLite walks every case ever by
    # reference rather than the few awaiting a decision by status.
    cases = sorted(
        session.execute(
            select(DisclosureRequest.id, DisclosureRequest.reference, DisclosureRequest.scheme).where(
                DisclosureRequest.status == RequestStatus.AWAITING_DECISION.value
            )
        ).all(),
        key=lambda case: case.reference,
    )
    ids = [case.id for case in cases]
    latest = {
        request_id: (number, submitted_at)
        for request_id, number, submitted_at in session.execute(
            select(ResearchPackage.request_id, PackageVersion.number, PackageVersion.submitted_at)
            .join(ResearchPackage, ResearchPackage.id == PackageVersion.package_id)
            .where(ResearchPackage.request_id.in_(ids))
            .order_by(PackageVersion.number)  # by case: the highest number comes last, so it is kept
        )
    }
    waiting = _on_open_agendas(session, ids)
    found = []
    for case in cases:
        version = latest.get(case.id)
        if version is None or case.id in waiting:
            continue
        found.append(Candidate(case.id, case.reference, case.scheme, version[0], version[1]))
    return found


def add_to_agenda(session: Session, actor: Principal, meeting_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Put a submitted package's latest version on the agenda."""
    require_convener(actor)
    meeting = _open_meeting(session, actor, meeting_id)
    errors: dict[str, str] = {}
    request_id = identifier(values, "request_id", "Select a case awaiting a decision", errors)
    candidates = {c.request_id for c in agenda_candidates(session, actor)} if request_id else set()
    if request_id and request_id not in candidates:
        errors["request_id"] = "Select a case awaiting a decision that is not already on an agenda"
    raise_if(errors, values)
    case_id = present(request_id)
    version = present(latest_version(session, case_id))
    # Counted in the database: the meeting's loaded agenda may not hold an item added earlier in this unit
    # of work, and two items must never share a place.
    last = session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    position = 1 + (last or 0)
    item = AgendaItem(
        meeting_id=meeting.id, request_id=case_id, package_version_id=version.id, position=position
    )
    session.add(item)
    session.flush()
    session.expire(meeting, ["items"])
    record(
        session,
        actor,
        "agenda.add",
        AuditCategory.ALTERATION,
        f"Case put on the panel agenda with package version {version.number}",
        object_type="agenda_item",
        object_id=item.id,
        request_id=str(request_id),
        version=version.number,
    )


def remove_from_agenda(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> None:
    require_convener(actor)
    item = load_item(session, actor, meeting_id, item_id)
    decision = decision_for(session, item)
    if decision is not None and decision.status == DecisionStatus.SIGNED.value:
        raise InvalidTransition("The panel has signed a decision on this case; it stays on the agenda")
    errors: dict[str, str] = {}
    reason = required_text(values, "reason", "Enter why the case is taken off the agenda", errors)
    raise_if(errors, values)
    if decision is not None:
        session.delete(decision)
    item.removed_at, item.removed_reason = utcnow(), reason
    record(
        session,
        actor,
        "agenda.remove",
        AuditCategory.ALTERATION,
        "Case taken off the agenda (reason on the agenda item)",
        object_type="agenda_item",
        object_id=item.id,
    )


def close_meeting(session: Session, actor: Principal, meeting_id: uuid.UUID) -> None:
    """Close a meeting once every case on it has a signed decision or has been taken off."""
    require_convener(actor)
    meeting = load_meeting(session, actor, meeting_id)
    closed = MEETINGS.next(MeetingStatus(meeting.status), MeetingVerb.CLOSE)
    for item in meeting.items:
        if item.removed_at is not None:
            continue
        decision = decision_for(session, item)
        if decision is None or decision.status != DecisionStatus.SIGNED.value:
            raise InvalidTransition("Every case on the agenda needs a signed decision, or taking off, first")
    meeting.status = closed.value
    record(
        session,
        actor,
        "meeting.close",
        AuditCategory.ALTERATION,
        "Panel meeting closed",
        object_type="panel_meeting",
        object_id=meeting.id,
    )


# ---------------------------------------------------------------- reading


def _meetings_for(actor: Principal, status: MeetingStatus) -> Select[Any]:
    """Conveners see every meeting; members see the meetings they sit on."""
    query = (
        select(PanelMeeting)
        .where(PanelMeeting.status == status.value)
        .options(selectinload(PanelMeeting.items))  # the list counts each agenda: one statement for all
    )
    if not is_convener(actor):
        sits_on = select(PanelMember.meeting_id).where(PanelMember.user_id == actor.user_id)
        query = query.where(PanelMeeting.id.in_(sits_on))
    return query


def meetings_page(
    session: Session,
    actor: Principal,
    status: MeetingStatus,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[PanelMeeting]:
    """A page of the meetings with this status the reader may see, a page at a time [issue 17]: scheduled
    ones soonest first (the country's forces hold over a thousand at once: 1,612 listed whole took 150 ms to
    show), closed ones newest first (years of weekly panels)."""
    return paging.page(
        session,
        _meetings_for(actor, status),
        [PanelMeeting.meets_at, PanelMeeting.id],
        after=after,
        before=before,
        limit=limit,
        descending=status == MeetingStatus.CLOSED,
    )


def scheduled_meetings(
    session: Session,
    actor: Principal,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[PanelMeeting]:
    return meetings_page(session, actor, MeetingStatus.SCHEDULED, after=after, before=before, limit=limit)


def past_meetings(
    session: Session,
    actor: Principal,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[PanelMeeting]:
    return meetings_page(session, actor, MeetingStatus.CLOSED, after=after, before=before, limit=limit)


@dataclass(frozen=True)
class AgendaLine:
    """`visible`: the reader sees which case it is (conveners, to run the agenda); `readable`: they may
    read its papers and outcome without stating a reason first (`papers_basis`)."""

    item: AgendaItem
    visible: bool
    readable: bool
    reference: str
    version: int
    decision_status: str | None
    outcome: str | None
    about: tuple[str, ...] = ()
    """Who the case is about ("Name (role)"), for a reader who may read its papers."""
    attended: bool = False
    """Attendance is recorded for this case (until it is, the convener's next step is to record it)."""


def agenda(session: Session, actor: Principal, meeting: PanelMeeting) -> list[AgendaLine]:
    """The agenda as this actor may see it: a case they do not take part in shows as a number only; a
    convener sees every case's reference, and its outcome only where they may read its papers."""
    mine = membership(session, meeting, actor)
    items = [item for item in meeting.items if item.removed_at is None]
    # Everything the lines read, for every item at once: no statement per case [issue 17].
    ids = [item.id for item in items]
    cases = _by_id(session, DisclosureRequest, [item.request_id for item in items])
    versions = _by_id(session, PackageVersion, [item.package_version_id for item in items])
    decided = {
        d.agenda_item_id: d for d in session.scalars(select(Decision).where(Decision.agenda_item_id.in_(ids)))
    }
    seat = {}
    if mine is not None:
        seat = {
            a.agenda_item_id: a
            for a in session.scalars(
                select(Attendance).where(Attendance.agenda_item_id.in_(ids), Attendance.member_id == mine.id)
            )
        }
    lines = []
    for item in items:
        attended = seat.get(item.id)
        readable = can_see_item(session, actor, item, member=mine, attended=attended)
        visible = readable or (is_convener(actor) and not declared_conflict(session, item, mine, attended))
        case = cases.get(item.request_id)
        version = versions.get(item.package_version_id)
        decision = decided.get(item.id)
        lines.append(
            AgendaLine(
                item=item,
                visible=visible,
                readable=readable,
                reference=case.reference if case and visible else "",
                version=version.number if version else 0,
                decision_status=decision.status if decision else None,
                outcome=decision.outcome if decision and readable else None,
            )
        )
    # Who each case is about, in one query, for the lines whose papers the reader may read, and which
    # cases have their attendance recorded, in another [issue 16].
    about = people_on(session, [line.item.request_id for line in lines if line.readable])
    recorded = set(
        session.scalars(
            select(Attendance.agenda_item_id)
            .where(Attendance.agenda_item_id.in_([line.item.id for line in lines]))
            .distinct()
        )
    )
    return [
        dataclasses.replace(
            line, about=tuple(about.get(line.item.request_id, ())), attended=line.item.id in recorded
        )
        for line in lines
    ]


def open_item(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> tuple[AgendaItem, DisclosureRequest, PackageVersion]:
    """An agenda item with its case and the frozen version put to the panel (need to know checked)."""
    item = load_item(session, actor, meeting_id, item_id)
    case = session.get(DisclosureRequest, item.request_id)
    frozen = session.get(PackageVersion, item.package_version_id)
    if case is None or frozen is None:
        raise NotFound("There is no such case on this agenda")
    return item, case, frozen


def package_for_item(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> tuple[AgendaItem, DisclosureRequest, PackageVersion]:
    """The frozen version put to the panel, for those who may read its papers (`papers_basis`); reading is
    audited with the basis."""
    item, case, frozen = open_item(session, actor, meeting_id, item_id)
    record(
        session,
        actor,
        "package.view",
        AuditCategory.CONSULTATION,
        f"Package version {frozen.number} read for the panel: {require_papers(session, actor, item)}",
        object_type="package_version",
        object_id=frozen.id,
        reference=case.reference,
    )
    return item, case, frozen
