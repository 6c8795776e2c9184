"""Administrators' verbs: users, roles, a partner user's agency, disabling, authenticator resets and API
tokens. Never case content."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from disclosure import audit, corrections
from disclosure.accounts.models import ApiToken, User, UserRole, UserSession
from disclosure.accounts.roles import Role, combination_problem
from disclosure.accounts.service.common import (
    _CONTROL,
    API_TOKEN_DAYS,
    _end_sessions,
    _require_administrator,
    get_user,
    record_case_role_grant,
    token_hash,
)
from disclosure.accounts.service.links import _display_name_problem, _email_problem
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied
from disclosure.forms import raise_if, text


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.display_name, User.username)))


def user_sessions(session: Session, user_id: uuid.UUID) -> list[UserSession]:
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            .order_by(UserSession.created_at.desc())
        )
    )


def api_tokens(session: Session, user_id: uuid.UUID) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at))
    )


def set_roles(session: Session, actor: Principal, user_id: uuid.UUID, roles: Iterable[str]) -> None:
    """Replace another user's roles. Nobody changes their own (an administrator could otherwise grant
    themselves a case role), and an administrator account holds no role that reads cases [issue 14]. Each
    grant of a role that reads cases is its own audit event (`user.grant_case_role`), for auditors."""
    _require_administrator(actor)
    wanted = set(roles)
    if not wanted:
        raise FormInvalid({"roles": "Select at least one role"})
    if wanted - {r.value for r in Role}:
        raise FormInvalid({"roles": "Select roles from the list"})
    user = get_user(session, user_id)
    if user.id == actor.user_id:
        raise PermissionDenied("Nobody changes their own roles: another administrator can")
    problem = combination_problem(wanted)
    if problem:
        raise FormInvalid({"roles": problem})
    before = sorted(user.role_set)
    user.roles.clear()
    session.flush()  # the old roles go first, so the database's check sees only the new set
    user.roles = [UserRole(role=r) for r in sorted(wanted)]
    user.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.set_roles",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="Roles changed by an administrator",
        details={"before": before, "after": sorted(wanted)},
    )
    record_case_role_grant(session, actor, user.id, set(before), wanted)


def disable_user(session: Session, actor: Principal, user_id: uuid.UUID) -> None:
    """Disabling ends every session and revokes every API token at once."""
    _require_administrator(actor)
    user = get_user(session, user_id)
    if user.id == actor.user_id:
        raise Conflict("You cannot disable your own account")
    if not user.is_active:
        raise Conflict("This account is already disabled")
    user.disabled_at = utcnow()
    _end_sessions(session, user.id, "disabled")
    # Revoked, not just refused while disabled: enabling the account later must not revive old tokens.
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(
        session,
        actor=actor,
        action="user.disable",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="Account disabled by an administrator",
    )


def enable_user(session: Session, actor: Principal, user_id: uuid.UUID) -> None:
    _require_administrator(actor)
    user = get_user(session, user_id)
    if user.is_active:
        raise Conflict("This account is already active")
    user.disabled_at = None
    audit.record(
        session,
        actor=actor,
        action="user.enable",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="Account enabled by an administrator",
    )


def reset_mfa(session: Session, actor: Actor, user_id: uuid.UUID) -> None:
    """Forget the authenticator key; the user sets a new one up at their next sign-in."""
    _require_administrator(actor)
    user = get_user(session, user_id)
    user.totp_secret = user.totp_pending_secret = user.totp_last_step = None
    _end_sessions(session, user.id, "security code reset")
    audit.record(
        session,
        actor=actor,
        action="user.reset_mfa",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Authenticator app reset",
    )


def issue_api_token(session: Session, actor: Principal, user_id: uuid.UUID, name: str) -> str:
    """A bearer token for the JSON API, shown once; it carries the user's own roles."""
    _require_administrator(actor)
    name = name.strip()
    # The messages below are about the token's name, not secrets (bandit's B105 reads "token" in the key).
    if not name:
        raise FormInvalid({"token_name": "Enter what the token is for"})  # nosec B105
    if len(name) > 120:
        raise FormInvalid({"token_name": "Token name must be 120 characters or fewer"}, {"token_name": name})  # nosec B105
    if _CONTROL.search(name):
        raise FormInvalid(
            {"token_name": "Token name must only include letters, numbers, spaces and punctuation"},  # nosec B105
            {"token_name": name},
        )
    user = get_user(session, user_id)
    if not user.is_active:
        raise Conflict("Enable the account before issuing a token")
    raw = "dsc_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(raw),
        prefix=raw[:10],
        created_by=actor.user_id,
        expires_at=utcnow() + timedelta(days=API_TOKEN_DAYS),
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="api_token.issue",
        category=AuditCategory.SECURITY,
        object_type="api_token",
        object_id=token.id,
        justification=f"API token issued for {user.username}",
    )
    return raw


def revoke_api_token(session: Session, actor: Principal, user_id: uuid.UUID, token_id: uuid.UUID) -> None:
    _require_administrator(actor)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("There is no such token")
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked")
    token.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="api_token.revoke",
        category=AuditCategory.SECURITY,
        object_type="api_token",
        object_id=token.id,
        justification="API token revoked",
    )


USER_FIELDS = [corrections.Field("display_name", "Full name"), corrections.Field("email", "Email")]


def correct_user(session: Session, actor: Principal, user_id: uuid.UUID, values: dict[str, Any]) -> User:
    """An administrator corrects an account's full name or email (a misspelling, a new work address), with
    a reason; the old values stay in the account's history [issue 16]. The user name never changes: it is
    the account's sign-in and its name in every audit event."""
    _require_administrator(actor)
    user = get_user(session, user_id)
    display_name = str(values.get("display_name", "")).strip()
    email = str(values.get("email", "")).strip()
    problems = {"display_name": _display_name_problem(display_name), "email": _email_problem(email)}
    errors = {field: problem for field, problem in problems.items() if problem}
    reason = corrections.reason_from(values, errors)
    raise_if(errors, values)
    corrections.amend(
        session,
        actor,
        user,
        USER_FIELDS,
        {"display_name": display_name, "email": email},
        reason,
        object_type="user",
        action="user.correct",
        values=values,
    )
    return user


def user_history(session: Session, user: User) -> list[corrections.Correction]:
    return corrections.history(session, "user", user.id)


def agency_of_user(session: Session, user_id: uuid.UUID) -> uuid.UUID | None:
    """The partner agency the user answers for, if any."""
    member = session.get(AgencyMember, user_id)
    return member.agency_id if member else None


def agencies_of_users(session: Session) -> dict[uuid.UUID, uuid.UUID]:
    """Every partner user's agency, by user."""
    return {m.user_id: m.agency_id for m in session.scalars(select(AgencyMember))}


def set_agency(session: Session, actor: Principal, user_id: uuid.UUID, values: Mapping[str, Any]) -> User:
    """Choose the partner agency a partner user answers for (`agency_id`; empty for none). A partner user
    answers for one agency only and sees only the requests addressed to it, so a MASH partner's information
    stays with that agency [APP-MoPI]; only a user holding the partner role answers for one. Audited with
    the agency before and after."""
    _require_administrator(actor)
    user = get_user(session, user_id)
    raw = text(dict(values), "agency_id")
    agency: Agency | None = None
    if raw:
        try:
            agency = session.get(Agency, uuid.UUID(raw))
        except ValueError:
            agency = None
        if agency is None:
            raise FormInvalid({"agency_id": "Select an agency from the list"}, dict(values))
        if Role.PARTNER.value not in user.role_set:
            raise FormInvalid(
                {"agency_id": "Only a partner agency user answers for an agency: give them that role first"},
                dict(values),
            )
    member = session.get(AgencyMember, user.id)
    before = member.agency_id if member else None
    after = agency.id if agency else None
    if before == after:
        return user
    if member is not None and agency is None:
        session.delete(member)
    elif member is not None and agency is not None:
        member.agency_id, member.added_at = agency.id, utcnow()
    elif agency is not None:
        session.add(AgencyMember(user_id=user.id, agency_id=agency.id))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user.set_agency",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="Partner agency chosen by an administrator" if agency else "Partner agency removed",
        details={"before": str(before) if before else None, "after": str(after) if after else None},
    )
    return user
