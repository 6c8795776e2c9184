"""The first administrator's set-up link and invitations: one-time, expiring links and new accounts."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts import passwords
from disclosure.accounts.models import OneTimeLink, User, UserRole
from disclosure.accounts.roles import Role, combination_problem
from disclosure.accounts.service.common import (
    _CONTROL,
    _EMAIL,
    _USERNAME,
    LINK_FAILED,
    _require_administrator,
    _user_actor,
    get_user,
    normalise_username,
    record_case_role_grant,
    token_hash,
)
from disclosure.audit import SYSTEM, Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound
from disclosure.text import as_list


def needs_first_administrator(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def issue_setup_link(session: Session, settings: Settings) -> str | None:
    """A one-time link for the first administrator, only while no account exists; earlier links die."""
    if not needs_first_administrator(session):
        return None
    session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.purpose == "first_administrator", OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    link = OneTimeLink(
        purpose="first_administrator",
        token_hash=token_hash(token),
        expires_at=utcnow() + timedelta(minutes=settings.setup_link_minutes),
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor=SYSTEM,
        action="setup_link.issue",
        category=AuditCategory.SECURITY,
        object_type="one_time_link",
        object_id=link.id,
        justification="No account exists yet",
    )
    return f"{settings.base_url.rstrip('/')}/setup/{token}"


def _live_link(session: Session, purpose: str, token: str) -> OneTimeLink:
    link = session.scalar(
        select(OneTimeLink).where(OneTimeLink.token_hash == token_hash(token), OneTimeLink.purpose == purpose)
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise NotFound(LINK_FAILED)
    return link


def check_setup_link(session: Session, token: str) -> None:
    _live_link(session, "first_administrator", token)
    if not needs_first_administrator(session):
        raise NotFound(LINK_FAILED)


def check_invitation(session: Session, token: str) -> User:
    link = _live_link(session, "invitation", token)
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise NotFound(LINK_FAILED)
    return user


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    email: str
    roles: frozenset[str]


def validate_new_user(session: Session, values: Mapping[str, object]) -> NewUser:
    """Field-level checks for a new account, all reported at once."""
    raw_username = str(values.get("username", "")).strip()
    username = normalise_username(raw_username)
    display_name = str(values.get("display_name", "")).strip()
    email = str(values.get("email", "")).strip()
    role_list = as_list(values.get("roles"))
    problems = {
        "display_name": _display_name_problem(display_name),
        "username": _username_problem(session, raw_username, username),
        "email": _email_problem(email),
        "roles": (
            "Select at least one role"
            if not role_list
            else "Select roles from the list"
            if set(role_list) - {r.value for r in Role}
            else combination_problem(role_list)
        ),
    }
    errors = {name: problem for name, problem in problems.items() if problem}
    if errors:
        raise FormInvalid(errors, {k: v for k, v in values.items() if "password" not in k})
    return NewUser(username, display_name, email, frozenset(role_list))


def _display_name_problem(display_name: str) -> str | None:
    if not display_name:
        return "Enter the person's full name"
    if len(display_name) > 200:
        return "Full name must be 200 characters or fewer"
    if _CONTROL.search(display_name):
        return "Full name must only include letters, spaces and punctuation"
    return None


def _username_problem(session: Session, raw_username: str, username: str) -> str | None:
    if not username:
        return "Enter a user name"
    if len(raw_username) > 120:
        return "User name must be 120 characters or fewer"
    if not _USERNAME.fullmatch(username):
        # ASCII only: a Cyrillic letter that looks like a Latin one would make a second "ada.admin" in
        # the audit trail.
        return "User name must be 3 or more letters a to z, numbers, dots, hyphens or underscores"
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        return "That user name is already taken"
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return "Enter a work email address"
    if len(email) > 320:
        return "Email address must be 320 characters or fewer"
    if not _EMAIL.fullmatch(email) or _CONTROL.search(email):
        return "Enter an email address in the correct format, like name@police.uk"
    return None


def create_first_administrator(session: Session, token: str, values: Mapping[str, object]) -> User:
    """Create the first account from the console's set-up link; it holds the administrator role only.
    Every problem with the form is reported at once, in the order of its fields."""
    check_setup_link(session, token)
    password = str(values.get("password", ""))
    try:
        new = validate_new_user(session, {**values, "roles": [Role.ADMINISTRATOR.value]})
        errors: dict[str, str] = {}
    except FormInvalid as exc:
        new = None
        errors = exc.errors
    personal = [str(values.get(name, "")).strip() for name in ("username", "display_name", "email")]
    errors.update(_new_password_problems(password, str(values.get("confirm_password", "")), personal))
    if errors or new is None:
        raise FormInvalid(errors, _without_passwords(values))
    user = User(
        username=new.username,
        display_name=new.display_name,
        email=new.email,
        password_hash=passwords.hash_password(password),
        password_changed_at=utcnow(),
    )
    user.roles = [UserRole(role=Role.ADMINISTRATOR.value)]
    session.add(user)
    link = _live_link(session, "first_administrator", token)
    link.used_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=_user_actor(user),
        action="user.create_first_administrator",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="First administrator created with the console's set-up link",
        details={"roles": [Role.ADMINISTRATOR.value]},
    )
    return user


def _without_passwords(values: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if "password" not in k}


def _new_password_problems(password: str, confirm: str, personal: list[str]) -> dict[str, str]:
    """The new password's problem and the confirmation's, both at once: a refused password does not hide
    a confirmation left blank or typed differently."""
    errors: dict[str, str] = {}
    problem = passwords.password_problem(password, personal=personal)
    if problem:
        errors["password"] = problem
    if not confirm:
        errors["confirm_password"] = "Enter the password again to confirm it"  # noqa: S105 (a message)  # nosec B105
    elif password != confirm:
        errors["confirm_password"] = "Passwords must match"  # noqa: S105 (a message, not a password)  # nosec B105
    return errors


def _check_new_password(
    password: str, confirm: str, who: NewUser | User, values: Mapping[str, object]
) -> None:
    errors = _new_password_problems(password, confirm, [who.username, who.display_name, who.email])
    if errors:
        raise FormInvalid(errors, _without_passwords(values))


def create_user(
    session: Session, actor: Actor, settings: Settings, values: Mapping[str, object]
) -> tuple[User, str]:
    """An administrator (or an operator at the command line) creates an account; the person sets their
    password through a one-time link."""
    _require_administrator(actor)
    new = validate_new_user(session, values)
    user = User(username=new.username, display_name=new.display_name, email=new.email)
    user.roles = [UserRole(role=r) for r in sorted(new.roles)]
    session.add(user)
    session.flush()
    link = _invite(session, settings, user)
    audit.record(
        session,
        actor=actor,
        action="user.create",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="Account created by an administrator",
        details={"roles": sorted(new.roles)},
    )
    record_case_role_grant(session, actor, user.id, set(), set(new.roles))
    return user, link


def _invite(session: Session, settings: Settings, user: User) -> str:
    session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.user_id == user.id, OneTimeLink.purpose == "invitation", OneTimeLink.used_at.is_(None)
        )
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    session.add(
        OneTimeLink(
            purpose="invitation",
            token_hash=token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=settings.invitation_hours),
        )
    )
    return f"{settings.base_url.rstrip('/')}/invitation/{token}"


def reissue_invitation(session: Session, actor: Principal, settings: Settings, user_id: uuid.UUID) -> str:
    _require_administrator(actor)
    user = get_user(session, user_id)
    if user.password_hash is not None:
        raise Conflict("This person has already set their password. Reset their security code instead")
    link = _invite(session, settings, user)
    audit.record(
        session,
        actor=actor,
        action="user.reissue_invitation",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=user.id,
        justification="New invitation link issued",
    )
    return link


def accept_invitation(session: Session, token: str, values: Mapping[str, object]) -> User:
    """The invited person sets their password; they enrol their authenticator app at first sign-in."""
    user = check_invitation(session, token)
    password = str(values.get("password", ""))
    _check_new_password(password, str(values.get("confirm_password", "")), user, values)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    _live_link(session, "invitation", token).used_at = utcnow()
    audit.record(
        session,
        actor=_user_actor(user),
        action="user.accept_invitation",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Password set from invitation link",
    )
    return user
