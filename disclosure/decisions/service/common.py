"""What the decision verbs share: who convenes and who sits, loading meetings and items with need to know,
the quorum, the current policy and audit events.

Need to know (QUALITY.md check 2): a meeting is visible to its members and to conveners, so that any of the
unit can set it up. A case's panel papers (the item page, its frozen package and panel pack, its decision and
its part of the minutes) are for that panel [issue 14 §2]: the meeting's convener and chair, the members
taking part in the case (present and without a conflict of interest; before attendance is taken, every
member) and the case team. Anyone else with a case role states a reason on the case first, as on the case
page, and it is audited; a member who declared a conflict of interest is refused even so. Everyone without a
case role gets "not found", so guessed addresses learn nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role, require_case_role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    PanelAgency,
    PanelMeeting,
    PanelMember,
    PanelPolicy,
)
from disclosure.errors import NotFound, PermissionDenied
from disclosure.requests import access
from disclosure.requests.models import DisclosureRequest

# Conveners set panels up (members, agenda, attendance): data administrators (the MASH coordinators) and
# panel chairs.
CONVENER_ROLES = frozenset({Role.DATA_ADMINISTRATOR.value, Role.PANEL_CHAIR.value})
PANEL_ROLES = frozenset({Role.PANEL_MEMBER.value, Role.PANEL_CHAIR.value})


def record(
    session: Session,
    actor: Principal,
    action: str,
    category: AuditCategory,
    justification: str,
    *,
    object_type: str,
    object_id: uuid.UUID,
    recipients: str | None = None,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"decisions.{action}",
        category=category,
        object_type=object_type,
        object_id=object_id,
        justification=justification,
        recipients=recipients,
        details=details or None,
    )


def is_convener(actor: Principal) -> bool:
    return bool(actor.roles & CONVENER_ROLES)


def require_convener(actor: Principal) -> None:
    if not is_convener(actor):
        raise PermissionDenied()


def membership(session: Session, meeting: PanelMeeting, actor: Principal) -> PanelMember | None:
    return session.scalar(
        select(PanelMember).where(PanelMember.meeting_id == meeting.id, PanelMember.user_id == actor.user_id)
    )


def load_meeting(session: Session, actor: Principal, meeting_id: uuid.UUID) -> PanelMeeting:
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None or not (is_convener(actor) or membership(session, meeting, actor) is not None):
        raise NotFound("There is no such panel meeting")
    return meeting


def attendance_of(session: Session, item: AgendaItem, member: PanelMember) -> Attendance | None:
    return session.get(Attendance, (item.id, member.id))


UNREAD: Any = object()
"""A fact the caller has not read for this item (so it is read here): `papers_basis` for one item reads
the member's attendance itself; the agenda passes it in, read for every item at once [issue 17]."""


def takes_part(
    session: Session, item: AgendaItem, member: PanelMember | None, attended: Attendance | None = UNREAD
) -> bool:
    """A member takes part in a case unless recorded absent or conflicted for it."""
    if member is None:
        return False
    if attended is UNREAD:
        attended = attendance_of(session, item, member)
    return attended is None or attended.takes_part


def declared_conflict(
    session: Session, item: AgendaItem, member: PanelMember | None, attended: Attendance | None = UNREAD
) -> bool:
    if attended is UNREAD:
        attended = attendance_of(session, item, member) if member else None
    return member is not None and attended is not None and attended.conflict


def papers_basis(
    session: Session,
    actor: Principal,
    item: AgendaItem,
    *,
    member: PanelMember | None = UNREAD,
    attended: Attendance | None = UNREAD,
) -> str | None:
    """Why this actor may read the case's panel papers without stating a reason (the audit justification),
    or None: the meeting's chair or convener, a member taking part, the case team, or a reason stated on the
    case in this shift. A declared conflict of interest outweighs every other tie to the meeting. `member`
    (the actor's seat, or None) and `attended` (that seat's attendance for the item, or None) may be given
    when already read."""
    meeting = item.meeting
    if member is UNREAD:
        member = membership(session, meeting, actor)
    if declared_conflict(session, item, member, attended):
        return None
    case = session.get(DisclosureRequest, item.request_id)
    ties: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("Chair of the meeting", lambda: actor.user_id == meeting.chair_id),
        ("Convener of the meeting", lambda: actor.user_id == meeting.convened_by_id),
        ("Panel member taking part", lambda: takes_part(session, item, member, attended)),
        ("Case team", lambda: case is not None and access.is_on_team(session, actor, case)),
        ("Stated reason (see access grant)", lambda: access.has_grant(session, actor, item.request_id)),
    )
    return next((basis for basis, holds in ties if holds()), None)


def can_see_item(session: Session, actor: Principal, item: AgendaItem, **known: Any) -> bool:
    return papers_basis(session, actor, item, **known) is not None


def require_papers(session: Session, actor: Principal, item: AgendaItem) -> str:
    """The basis for reading the papers, or the refusal: a declared conflict is final; anyone else with a
    case role is asked for a reason on the case (NeedToKnow), and comes back here once it is recorded."""
    basis = papers_basis(session, actor, item)
    if basis is not None:
        return basis
    if declared_conflict(session, item, membership(session, item.meeting, actor)):
        raise PermissionDenied(
            "You declared a conflict of interest for this case, so its papers are closed to you"
        )
    require_case_role(actor)
    raise access.NeedToKnow(item.request_id)


def load_item(session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID) -> AgendaItem:
    meeting = load_meeting(session, actor, meeting_id)
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("There is no such case on this agenda")
    require_papers(session, actor, item)
    return item


def decision_for(session: Session, item: AgendaItem) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.agenda_item_id == item.id))


def current_policy(session: Session) -> PanelPolicy:
    policy = session.scalar(select(PanelPolicy).limit(1))
    if policy is None:  # migration 0007 seeds it; a hand-made database may not have it
        policy = PanelPolicy(required_agency_codes=["police"], min_other_agencies=1, signer_not_drafter=True)
        session.add(policy)
        session.flush()
    return policy


@dataclass
class Quorum:
    """Who takes part in one case and whether the panel's quorum rule is met."""

    met: bool
    problems: list[str] = field(default_factory=list)
    participants: list[dict[str, str]] = field(default_factory=list)
    agencies: list[PanelAgency] = field(default_factory=list)

    def as_record(self, policy: PanelPolicy) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "rule": {
                "required_agencies": list(policy.required_agency_codes),
                "min_other_agencies": policy.min_other_agencies,
                "signer_not_drafter": policy.signer_not_drafter,
            },
        }


def quorum(session: Session, item: AgendaItem) -> Quorum:
    """The chair, every required agency and at least `min_other_agencies` more must take part, by recorded
    attendance (DOMAIN.md "Decision": no national quorum exists, so the rule is configuration)."""
    from disclosure.accounts.models import User

    policy = current_policy(session)
    meeting = item.meeting
    rows = {a.member_id: a for a in item.attendance}
    taking_part = [m for m in meeting.members if m.id in rows and rows[m.id].takes_part]
    problems: list[str] = []
    if not rows:
        problems.append("Record who is present for this case")
    if meeting.chair_id not in {m.user_id for m in taking_part}:
        problems.append("The chair must take part in this case")
    codes = {m.agency.code for m in taking_part}
    names = {a.code: a.name for a in session.scalars(select(PanelAgency))}
    problems.extend(
        f"{names.get(code, code)} must take part in this case"
        for code in policy.required_agency_codes
        if code not in codes
    )
    others = codes - set(policy.required_agency_codes)
    if len(others) < policy.min_other_agencies:
        wanted = policy.min_other_agencies
        problems.append(
            f"At least {wanted} other agenc{'y' if wanted == 1 else 'ies'} must take part in this case"
        )
    people = {
        u.id: u.display_name
        for u in session.scalars(select(User).where(User.id.in_([m.user_id for m in taking_part])))
    }
    agencies: list[PanelAgency] = []
    for member in taking_part:
        if member.agency not in agencies:
            agencies.append(member.agency)
    agencies.sort(key=lambda a: (a.position, a.name))
    return Quorum(
        met=not problems,
        problems=problems,
        participants=[
            {
                "name": people.get(m.user_id, ""),
                "agency": m.agency.name,
                "chair": str(m.user_id == meeting.chair_id),
            }
            for m in taking_part
        ],
        agencies=agencies,
    )
