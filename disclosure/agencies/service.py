"""Partner agencies: listing them, changing a response time or name (administrators), and which agency a
partner user answers for. Administrators manage these settings but never read case content."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.directory import active_users_with
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, NotFound, PermissionDenied, StaleRecord
from disclosure.forms import integer, raise_if, text, yes_no

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def agencies(session: Session, *, active_only: bool = False) -> list[Agency]:
    query = select(Agency).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(session.scalars(query))


def get_agency(session: Session, agency_id: uuid.UUID) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("There is no such agency")
    return agency


def agency_of(session: Session, user_id: uuid.UUID) -> Agency | None:
    """The agency a partner user answers for, if any."""
    member = session.get(AgencyMember, user_id)
    return member.agency if member else None


def _require_admin(actor: Principal) -> None:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()


def update_agency(session: Session, actor: Principal, agency_id: uuid.UUID, values: dict[str, Any]) -> Agency:
    """Change an agency's name, agreed response time (working days), secure mailbox or whether new
    requests may be sent to it. Requests already sent keep their due dates."""
    _require_admin(actor)
    agency = get_agency(session, agency_id)
    version = text(values, "version")
    if version and version != str(agency.version):
        raise StaleRecord(
            "Someone else changed this agency after you opened the form. Your answers are shown."
        )
    errors: dict[str, str] = {}
    name = text(values, "name", limit=200)
    if not name:
        errors["name"] = "Enter the agency's name"
    elif len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    days = integer(values, "response_working_days", "Response time", errors, low=1, high=60)
    if days is None and "response_working_days" not in errors:
        errors["response_working_days"] = "Enter the agreed response time in working days"
    email = text(values, "contact_email", limit=320)
    if email and not _EMAIL.match(email):
        errors["contact_email"] = "Enter an email address in the correct format, like name@example.gov.uk"
    active = yes_no(values, "active", "new requests may be sent to this agency", errors)
    raise_if(errors, values)
    before = {"name": agency.name, "days": agency.response_working_days, "active": agency.active}
    agency.name, agency.contact_email = name, email
    agency.response_working_days = int(days or 0)
    agency.active = bool(active)
    audit.record(
        session,
        actor=actor,
        action="agencies.update",
        category=AuditCategory.ALTERATION,
        object_type="agency",
        object_id=agency.id,
        justification="Agency settings changed",
        details={"before": before, "after": {"name": name, "days": days, "active": active}},
    )
    return agency


def partner_users_without_agency(session: Session) -> list[User]:
    """Active users holding the partner role who do not yet answer for an agency."""
    taken = set(session.scalars(select(AgencyMember.user_id)))
    return [u for u in active_users_with(session, [Role.PARTNER]) if u.id not in taken]


def members(session: Session, agency_id: uuid.UUID) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(AgencyMember, AgencyMember.user_id == User.id)
            .where(AgencyMember.agency_id == agency_id)
            .order_by(User.display_name)
        )
    )


def add_member(session: Session, actor: Principal, agency_id: uuid.UUID, values: dict[str, Any]) -> None:
    """A partner user answers for one agency only: they see the requests addressed to it and nothing else."""
    _require_admin(actor)
    agency = get_agency(session, agency_id)
    try:
        user_id = uuid.UUID(text(values, "user_id"))
    except ValueError:
        raise FormInvalid({"user_id": "Select a partner user"}, values) from None
    if user_id not in {u.id for u in partner_users_without_agency(session)}:
        raise FormInvalid({"user_id": "Select an active partner user who has no agency yet"}, values)
    session.add(AgencyMember(user_id=user_id, agency_id=agency.id))
    audit.record(
        session,
        actor=actor,
        action="agencies.add_member",
        category=AuditCategory.ALTERATION,
        object_type="agency",
        object_id=agency.id,
        justification="Partner user added to the agency",
        details={"user_id": str(user_id)},
    )


def remove_member(session: Session, actor: Principal, agency_id: uuid.UUID, user_id: uuid.UUID) -> None:
    _require_admin(actor)
    member = session.get(AgencyMember, user_id)
    if member is None or member.agency_id != agency_id:
        raise NotFound("That user is not a member of this agency")
    session.delete(member)
    audit.record(
        session,
        actor=actor,
        action="agencies.remove_member",
        category=AuditCategory.ALTERATION,
        object_type="agency",
        object_id=agency_id,
        justification="Partner user removed from the agency",
        details={"user_id": str(user_id)},
    )
