"""Signing in: the password, the authenticator code (accepted once), lockout, re-authentication,
signing out and changing the password (QUALITY.md checks 5 to 8)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts import mfa, passwords
from disclosure.accounts.models import SignInAttempt, User, UserSession
from disclosure.accounts.service.common import (
    _CONTROL,
    CODE_FAILED,
    SIGN_IN_FAILED,
    SignInLocked,
    _end_sessions,
    _session_for,
    _user_actor,
    get_user,
    normalise_username,
    token_hash,
)
from disclosure.accounts.service.links import _check_new_password
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import keep_on_refusal, utcnow
from disclosure.errors import Conflict, FormInvalid


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
        keep_on_refusal(session)
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
            keep_on_refusal(session)
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
    keep_on_refusal(session)
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
    towards the user name's lock, so a borrowed session cannot be used to guess the password. The session
    is then recently authenticated."""
    confirm_identity(session, settings, principal, password, code)
    _session_for(session, principal).reauthenticated_at = utcnow()


def confirm_identity(
    session: Session, settings: Settings, principal: Principal, password: str, code: str
) -> None:
    """The user's password and a fresh security code, for one sensitive action: what `reauthenticate`
    checks, for an API call that carries them with the action itself (an API token has no session to mark)
    [issue 18]. A failure is a FormInvalid at `password` or `code`, and counts towards the lock."""
    user = get_user(session, principal.user_id)
    _refuse_if_locked(session, settings, user.username, utcnow(), user)
    errors: dict[str, str] = {}
    if not passwords.verify_password(user.password_hash, password):
        errors["password"] = "Enter your correct password"  # noqa: S105 (a message, not a password)  # nosec B105
    if (
        user.totp_secret is None
        or mfa.matching_step(user.totp_secret, code, utcnow(), user.totp_last_step) is None
    ):
        errors["code"] = CODE_FAILED
    if errors:
        _record_code_failure(session, user, "reauthenticate")
        raise FormInvalid(errors)
    _accept_code(session, user, code, "reauthenticate")
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
        keep_on_refusal(session)
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
        raise FormInvalid({"current_password": "Enter your current password correctly"})  # nosec B105  # a message
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
