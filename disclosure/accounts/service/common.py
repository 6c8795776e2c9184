"""What the account verbs share: messages, token hashing, user-name rules and small helpers."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.models import User, UserSession
from disclosure.accounts.roles import READS_CASES, Role
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import DisclosureError, NotFound, PermissionDenied

SIGN_IN_FAILED = "Enter a correct user name and password"
CODE_FAILED = "Enter the current 6-digit code from your authenticator app"
LINK_FAILED = "This link has expired or has already been used. Ask an administrator for a new one"
# Writing last_seen_at on every request would make every page view a write; once a minute is enough.
_TOUCH_INTERVAL = timedelta(seconds=60)
API_TOKEN_DAYS = 365
# C0 and C1 controls, and the bidirectional overrides that would let a name display as another.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_USERNAME = re.compile(r"[a-z0-9._-]{3,120}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class SignInLocked(DisclosureError):
    """Too many failed attempts for this user name; it unlocks by itself."""

    status_code = 429
    title = "Too many attempts"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_username(username: str) -> str:
    """Lower case, trimmed; control characters (which no user name holds, and PostgreSQL cannot store)
    become U+FFFD so the name simply matches nobody."""
    return _CONTROL.sub("\ufffd", username.strip().lower()[:120])


@dataclass(frozen=True)
class _UserActor:
    user_id: uuid.UUID
    label: str
    role_names: frozenset[str]


def _user_actor(user: User) -> _UserActor:
    return _UserActor(user.id, user.username, user.role_set)


def _require_administrator(actor: Actor) -> None:
    """Web and API users need the role; the command line is trusted like the server's own console."""
    if isinstance(actor, Principal) and Role.ADMINISTRATOR not in actor.roles:
        raise PermissionDenied()


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user")
    return user


def _end_sessions(session: Session, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None) -> None:
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    session.execute(statement.values(ended_at=utcnow(), end_reason=reason))


def _session_for(session: Session, principal: Principal) -> UserSession:
    row = session.get(UserSession, principal.session_id) if principal.session_id else None
    if row is None or row.ended_at is not None:
        raise PermissionDenied()
    return row


def record_case_role_grant(
    session: Session, actor: Actor, user_id: uuid.UUID, before: set[str], after: set[str]
) -> None:
    """Each grant of a role that reads cases is its own audit event, `user.grant_case_role`, for auditors to
    filter on [issue 14]; nothing is recorded when no such role is newly held."""
    granted = sorted((after - before) & {r.value for r in READS_CASES})
    if granted:
        audit.record(
            session,
            actor=actor,
            action="user.grant_case_role",
            category=AuditCategory.ADMINISTRATION,
            object_type="user",
            object_id=user_id,
            justification="A role that reads cases granted by an administrator",
            details={"granted": granted},
        )
