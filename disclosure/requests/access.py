"""Need to know for requests: a case is visible to its team; anyone else with a case role must state a
reason first, which is recorded [APP-MoPI]. Administrators and auditors never see case content."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from disclosure import grants
from disclosure.accounts.roles import require_case_role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import NeedsStatedReason, NotFound
from disclosure.requests.models import AccessGrant, CaseMember, CaseParty, DisclosureRequest


class NeedToKnow(NeedsStatedReason):
    """The user has a case role but is not on this case's team: they may open it after stating a reason."""

    def __init__(self, request_id: uuid.UUID) -> None:
        super().__init__(f"/requests/{request_id}/access")
        self.request_id = request_id


def is_on_team(session: Session, actor: Principal, request: DisclosureRequest) -> bool:
    if request.assignee_id == actor.user_id:
        return True
    member = session.get(CaseMember, (request.id, actor.user_id))
    return member is not None


def has_grant(session: Session, actor: Principal, request_id: uuid.UUID) -> bool:
    return grants.holds(session, actor, AccessGrant, AccessGrant.request_id == request_id)


def access_basis(session: Session, actor: Principal, request: DisclosureRequest) -> str:
    """Why this actor may see the case (the justification in the audit trail), or NeedToKnow."""
    require_case_role(actor)
    if is_on_team(session, actor, request):
        return "Case team"
    if has_grant(session, actor, request.id):
        return "Stated reason (see access grant)"
    raise NeedToKnow(request.id)


def readable(actor: Principal) -> Any:
    """A condition on DisclosureRequest: the actor leads the case, is on its team or stated a reason for it
    in this shift (the SQL form of `access_basis`, for lists)."""
    return or_(
        DisclosureRequest.assignee_id == actor.user_id,
        exists().where(CaseMember.request_id == DisclosureRequest.id, CaseMember.user_id == actor.user_id),
        exists().where(
            AccessGrant.request_id == DisclosureRequest.id,
            AccessGrant.user_id == actor.user_id,
            AccessGrant.expires_at > utcnow(),
        ),
    )


def person_basis(session: Session, actor: Principal, person_id: uuid.UUID) -> str | None:
    """The people index's hook: the actor may see a person who is on a case they may open."""
    on_a_case = session.scalar(
        select(DisclosureRequest.id)
        .join(CaseParty, CaseParty.request_id == DisclosureRequest.id)
        .where(CaseParty.person_id == person_id, readable(actor))
        .limit(1)
    )
    return "On a case the user may open" if on_a_case is not None else None


def get_request(session: Session, request_id: uuid.UUID) -> DisclosureRequest:
    request = session.get(DisclosureRequest, request_id)
    if request is None:
        raise NotFound("There is no such request")
    return request


def open_with_reason(session: Session, actor: Principal, request_id: uuid.UUID, reason: str) -> None:
    """Record a stated reason for opening a case outside one's team; access lasts one working shift."""
    require_case_role(actor)
    request = get_request(session, request_id)
    row = AccessGrant(request_id=request.id)
    values = {"reason": reason}
    grants.grant(session, actor, row, values, what="this case", object_type="request", object_id=request.id)


def add_member(session: Session, request: DisclosureRequest, user_id: uuid.UUID) -> None:
    if session.get(CaseMember, (request.id, user_id)) is None:
        session.add(CaseMember(request_id=request.id, user_id=user_id))
