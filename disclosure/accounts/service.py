"""Account verbs: the first administrator, invitations, sign-in with TOTP, sessions, roles and API tokens.

Framework-free: every verb takes the database session and the acting principal (or the settings it needs)
and writes its audit event in the same transaction (DPA 2018 s.62; QUALITY.md checks 5 to 8).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.accounts import mfa, passwords
from disclosure.accounts.models import ApiToken, OneTimeLink, SignInAttempt, User, UserRole, UserSession
from disclosure.accounts.roles import Role
from disclosure.audit import SYSTEM, Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.errors import Conflict, DisclosureError, FormInvalid, NotFound, PermissionDenied

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


# ---------------------------------------------------------------- first administrator and invitations


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
    raw_roles = values.get("roles") or []
    role_list = [raw_roles] if isinstance(raw_roles, str) else list(raw_roles)  # type: ignore[call-overload]
    problems = {
        "display_name": _display_name_problem(display_name),
        "username": _username_problem(session, raw_username, username),
        "email": _email_problem(email),
        "roles": (
            "Select at least one role"
            if not role_list
            else "Select roles from the list"
            if set(role_list) - {r.value for r in Role}
            else None
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
    """Create the first account from the console's set-up link; it holds the administrator role only."""
    check_setup_link(session, token)
    new = validate_new_user(session, {**values, "roles": [Role.ADMINISTRATOR.value]})
    password = str(values.get("password", ""))
    _check_new_password(password, str(values.get("confirm_password", "")), new, values)
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


def _check_new_password(
    password: str, confirm: str, who: NewUser | User, values: Mapping[str, object]
) -> None:
    errors: dict[str, str] = {}
    problem = passwords.password_problem(password, personal=[who.username, who.display_name, who.email])
    if problem:
        errors["password"] = problem
    elif password != confirm:
        errors["confirm_password"] = "Passwords must match"  # noqa: S105 (a message, not a password)
    if errors:
        raise FormInvalid(errors, {k: v for k, v in values.items() if "password" not in k})


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


# ---------------------------------------------------------------- signing in


def sign_in(session: Session, settings: Settings, username: str, password: str, client: str = "") -> str:
    """Check the password and start a session that still needs the security code; returns its token.

    Unknown user names and wrong passwords get the same message and the same work (QUALITY.md check 6).
    A user name with `lockout_threshold` failures (of the password or of the security code) inside the
    window is locked for `lockout_minutes`, whether or not it exists, so the lock reveals nothing either.
    Only a complete sign-in (password and code) clears the count: a right password alone does not, or
    anyone holding it could guess codes without end.
    """
    key = normalise_username(username)
    now = utcnow()
    user = session.scalar(select(User).where(User.username == key))
    _refuse_if_locked(session, settings, key, now, user)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    if not ok or user is None:
        session.add(SignInAttempt(username_key=key, succeeded=False, occurred_at=now))
        audit.record(
            session,
            actor=audit.SystemActor(label=f"unauthenticated:{key}"),
            action="sign_in.failed",
            category=AuditCategory.SECURITY,
            object_type="user",
            object_id=user.id if user else None,
            justification="Wrong user name or password",
        )
        raise FormInvalid({"username": SIGN_IN_FAILED}, {"username": username})
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(token_hash=token_hash(token), user_id=user.id, client=_CONTROL.sub("", client)[:200])
    )
    audit.record(
        session,
        actor=_user_actor(user),
        action="sign_in.password",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Password accepted; security code next",
    )
    return token


def _refuse_if_locked(
    session: Session, settings: Settings, key: str, now: datetime, user: User | None = None
) -> None:
    window_start = now - timedelta(minutes=settings.lockout_window_minutes)
    last_success = session.scalar(
        select(func.max(SignInAttempt.occurred_at)).where(
            SignInAttempt.username_key == key, SignInAttempt.succeeded.is_(True)
        )
    )
    since = max(window_start, last_success) if last_success else window_start
    failures = session.scalars(
        select(SignInAttempt.occurred_at)
        .where(
            SignInAttempt.username_key == key,
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.occurred_at > since,
        )
        .order_by(SignInAttempt.occurred_at.desc())
        .limit(settings.lockout_threshold)
    ).all()
    if len(failures) >= settings.lockout_threshold:
        unlock_at = failures[0] + timedelta(minutes=settings.lockout_minutes)
        if unlock_at > now:
            minutes = max(1, round((unlock_at - now).total_seconds() / 60))
            audit.record(
                session,
                actor=_user_actor(user) if user else audit.SystemActor(label=f"unauthenticated:{key}"),
                action="sign_in.locked",
                category=AuditCategory.SECURITY,
                object_type="user",
                object_id=user.id if user else None,
                justification="Refused: too many failed attempts for this user name",
            )
            raise SignInLocked(
                f"Too many failed attempts. Wait {minutes} minute{'s' if minutes != 1 else ''} and try again"
            )


def _session_for(session: Session, principal: Principal) -> UserSession:
    row = session.get(UserSession, principal.session_id) if principal.session_id else None
    if row is None or row.ended_at is not None:
        raise PermissionDenied()
    return row


def start_enrolment(session: Session, principal: Principal) -> str:
    """Show a new authenticator key until the user confirms it with a code."""
    user = get_user(session, principal.user_id)
    if user.mfa_enrolled:
        raise Conflict("Your authenticator app is already set up")
    if user.totp_pending_secret is None:
        user.totp_pending_secret = mfa.new_secret()
    return user.totp_pending_secret


def confirm_enrolment(session: Session, settings: Settings, principal: Principal, code: str) -> str:
    """The first code from the app confirms the key; the session is re-issued fully signed in."""
    user = get_user(session, principal.user_id)
    _refuse_if_locked(session, settings, user.username, utcnow(), user)
    secret = user.totp_pending_secret
    step = mfa.matching_step(secret, code, utcnow(), None) if secret else None
    if secret is None or step is None:
        _record_code_failure(session, user, "enrol")
        raise FormInvalid({"code": CODE_FAILED})
    user.totp_secret, user.totp_pending_secret, user.totp_last_step = secret, None, step
    audit.record(
        session,
        actor=principal,
        action="mfa.enrol",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Authenticator app set up",
    )
    return _complete_mfa(session, principal)


def verify_code(session: Session, settings: Settings, principal: Principal, code: str) -> str:
    """The second factor: a current code, accepted once; re-issues the session under a new token.

    Wrong codes count towards the user name's lock like wrong passwords (QUALITY.md check 6)."""
    user = get_user(session, principal.user_id)
    _refuse_if_locked(session, settings, user.username, utcnow(), user)
    _accept_code(session, user, code, "sign_in")
    audit.record(
        session,
        actor=principal,
        action="sign_in.complete",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Security code accepted",
    )
    return _complete_mfa(session, principal)


def _accept_code(session: Session, user: User, code: str, purpose: str) -> None:
    step = (
        mfa.matching_step(user.totp_secret, code, utcnow(), user.totp_last_step) if user.totp_secret else None
    )
    if step is None:
        _record_code_failure(session, user, purpose)
        raise FormInvalid({"code": CODE_FAILED})
    user.totp_last_step = step


def _record_code_failure(session: Session, user: User, purpose: str) -> None:
    session.add(SignInAttempt(username_key=user.username, succeeded=False, occurred_at=utcnow()))
    audit.record(
        session,
        actor=_user_actor(user),
        action=f"mfa.failed.{purpose}",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Wrong or reused security code",
    )


def _complete_mfa(session: Session, principal: Principal) -> str:
    """A new session id at the change of privilege (session fixation defence); a complete sign-in clears
    the user name's count of failures."""
    old = _session_for(session, principal)
    old.ended_at, old.end_reason = utcnow(), "renewed"
    session.add(SignInAttempt(username_key=principal.username, succeeded=True, occurred_at=utcnow()))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=old.user_id,
            client=old.client,
            created_at=old.created_at,
            mfa_completed_at=now,
            reauthenticated_at=now,
        )
    )
    return token


def reauthenticate(
    session: Session, settings: Settings, principal: Principal, password: str, code: str
) -> None:
    """Confirm password and code again before a sensitive action (QUALITY.md check 7); failures count
    towards the user name's lock, so a borrowed session cannot be used to guess the password."""
    user = get_user(session, principal.user_id)
    _refuse_if_locked(session, settings, user.username, utcnow(), user)
    errors: dict[str, str] = {}
    if not passwords.verify_password(user.password_hash, password):
        errors["password"] = "Enter your correct password"  # noqa: S105 (a message, not a password)
    if (
        user.totp_secret is None
        or mfa.matching_step(user.totp_secret, code, utcnow(), user.totp_last_step) is None
    ):
        errors["code"] = CODE_FAILED
    if errors:
        _record_code_failure(session, user, "reauthenticate")
        raise FormInvalid(errors)
    _accept_code(session, user, code, "reauthenticate")
    _session_for(session, principal).reauthenticated_at = utcnow()
    session.add(SignInAttempt(username_key=user.username, succeeded=True, occurred_at=utcnow()))
    audit.record(
        session,
        actor=principal,
        action="sign_in.reauthenticate",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Identity confirmed for a sensitive action",
    )


def sign_out(session: Session, principal: Principal) -> None:
    row = _session_for(session, principal)
    row.ended_at, row.end_reason = utcnow(), "signed out"
    audit.record(
        session,
        actor=principal,
        action="sign_out",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=principal.user_id,
        justification="Signed out",
    )


def change_password(
    session: Session, settings: Settings, principal: Principal, values: Mapping[str, object]
) -> None:
    """A new password ends every other session of the user. A wrong current password is a failed attempt
    like any other (logged, and counted towards the lock)."""
    user = get_user(session, principal.user_id)
    _refuse_if_locked(session, settings, user.username, utcnow(), user)
    if not passwords.verify_password(user.password_hash, str(values.get("current_password", ""))):
        session.add(SignInAttempt(username_key=user.username, succeeded=False, occurred_at=utcnow()))
        audit.record(
            session,
            actor=principal,
            action="user.change_password.failed",
            category=AuditCategory.SECURITY,
            object_type="user",
            object_id=user.id,
            justification="Wrong current password",
        )
        raise FormInvalid({"current_password": "Enter your current password correctly"})
    _check_new_password(str(values.get("password", "")), str(values.get("confirm_password", "")), user, {})
    user.password_hash = passwords.hash_password(str(values["password"]))
    user.password_changed_at = utcnow()
    _end_sessions(session, user.id, "password changed", keep=principal.session_id)
    audit.record(
        session,
        actor=principal,
        action="user.change_password",
        category=AuditCategory.SECURITY,
        object_type="user",
        object_id=user.id,
        justification="Password changed by its owner",
    )


# ---------------------------------------------------------------- resolving credentials


def resolve(factory: sessionmaker[Session], settings: Settings, kind: str, token: str) -> Principal | None:
    """Turn a cookie or bearer token into a principal, ending sessions past their timeouts."""
    if len(token) > 200:
        return None
    with unit_of_work(factory) as session:
        if kind == "api":
            return _resolve_api_token(session, token)
        return _resolve_session(session, settings, token)


def _resolve_session(session: Session, settings: Settings, token: str) -> Principal | None:
    row = session.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    user = session.get(User, row.user_id)
    reason = None
    if user is None or not user.is_active:
        reason = "disabled"
    elif now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        reason = "idle"
    elif now - row.created_at > timedelta(hours=settings.session_absolute_hours):
        reason = "expired"
    if reason or user is None:
        row.ended_at, row.end_reason = now, reason
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        row.last_seen_at = now
    reauth_until = (
        row.reauthenticated_at + timedelta(minutes=settings.reauth_minutes)
        if row.reauthenticated_at
        else None
    )
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=user.role_set,
        session_id=row.id,
        mfa_pending=row.mfa_completed_at is None,
        reauthenticated_until=reauth_until,
    )


def _resolve_api_token(session: Session, token: str) -> Principal | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_INTERVAL:
        row.last_used_at = now
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=user.role_set,
        session_id=None,
        via_api_token=True,
    )


# ---------------------------------------------------------------- administration


def _require_administrator(actor: Actor) -> None:
    """Web and API users need the role; the command line is trusted like the server's own console."""
    if isinstance(actor, Principal) and Role.ADMINISTRATOR not in actor.roles:
        raise PermissionDenied()


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such user")
    return user


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
    """Replace a user's roles. An administrator cannot remove their own administrator role (no lock-out)."""
    _require_administrator(actor)
    wanted = set(roles)
    if not wanted:
        raise FormInvalid({"roles": "Select at least one role"})
    if wanted - {r.value for r in Role}:
        raise FormInvalid({"roles": "Select roles from the list"})
    user = get_user(session, user_id)
    if user.id == actor.user_id and Role.ADMINISTRATOR.value not in wanted:
        raise FormInvalid({"roles": "You cannot remove your own administrator role"})
    before = sorted(user.role_set)
    user.roles = [UserRole(role=r) for r in sorted(wanted)]
    user.updated_at = utcnow()
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


def _end_sessions(session: Session, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None) -> None:
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    session.execute(statement.values(ended_at=utcnow(), end_reason=reason))


def issue_api_token(session: Session, actor: Principal, user_id: uuid.UUID, name: str) -> str:
    """A bearer token for the JSON API, shown once; it carries the user's own roles."""
    _require_administrator(actor)
    name = name.strip()
    if not name:
        raise FormInvalid({"token_name": "Enter what the token is for"})
    if len(name) > 120:
        raise FormInvalid({"token_name": "Token name must be 120 characters or fewer"}, {"token_name": name})
    if _CONTROL.search(name):
        raise FormInvalid(
            {"token_name": "Token name must only include letters, numbers, spaces and punctuation"},
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


@dataclass(frozen=True)
class _UserActor:
    user_id: uuid.UUID
    label: str
    role_names: frozenset[str]


def _user_actor(user: User) -> _UserActor:
    return _UserActor(user.id, user.username, user.role_set)
