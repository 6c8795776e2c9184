"""Plain builder functions (and fixtures around them) that make realistic test data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
from sqlalchemy.orm import Session

from disclosure.accounts import passwords
from disclosure.accounts.models import User, UserRole, UserSession
from disclosure.accounts.roles import Role
from disclosure.accounts.service import token_hash
from disclosure.auth import Principal
from disclosure.db import utcnow

PASSWORD = "correct horse battery staple"
_hash_cache: dict[str, str] = {}


@dataclass
class SampleUser:
    user: User
    password: str = PASSWORD
    secret: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    def code(self, step_offset: int = 0) -> str:
        assert self.secret
        totp = pyotp.TOTP(self.secret)
        return totp.generate_otp(totp.timecode(utcnow()) + step_offset)


UK = ZoneInfo("Europe/London")


def date_time_fields(name: str, moment: datetime) -> dict[str, str]:
    """A GOV.UK date input with its time, for `name`, as a browser sends them (UK time, to the minute)."""
    local = moment.astimezone(UK)
    return {
        f"{name}-day": str(local.day),
        f"{name}-month": str(local.month),
        f"{name}-year": str(local.year),
        f"{name}-time": local.strftime("%H:%M"),
    }


def date_fields(name: str, day: date) -> dict[str, str]:
    """A GOV.UK date input for `name`, as a browser sends it."""
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def hashed(password: str) -> str:
    """argon2 costs ~0.2 s a hash; tests reuse one hash per password."""
    if password not in _hash_cache:
        _hash_cache[password] = passwords.hash_password(password)
    return _hash_cache[password]


def make_user(
    session: Session,
    *roles: Role | str,
    username: str | None = None,
    display_name: str = "Alex Example",
    password: str | None = PASSWORD,
    mfa: bool = True,
    disabled: bool = False,
) -> SampleUser:
    username = username or f"user-{secrets.token_hex(4)}"
    secret = pyotp.random_base32() if mfa else None
    user = User(
        username=username,
        display_name=display_name,
        email=f"{username}@police.example",
        password_hash=hashed(password) if password else None,
        totp_secret=secret,
        password_changed_at=utcnow() if password else None,
        disabled_at=utcnow() if disabled else None,
    )
    user.roles = [UserRole(role=str(r)) for r in (roles or (Role.DATA_ADMINISTRATOR,))]
    session.add(user)
    session.flush()
    return SampleUser(user, password or "", secret, frozenset(str(r) for r in roles))


def make_session(session: Session, user: User, *, mfa_done: bool = True, reauth: bool = True) -> str:
    """A signed-in session straight in the database (the sign-in journey has its own tests)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            mfa_completed_at=now if mfa_done else None,
            reauthenticated_at=now if reauth else None,
        )
    )
    session.flush()
    return token


def principal_for(user: User, *, reauth: bool = True) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=user.role_set,
        session_id=None,
        reauthenticated_until=utcnow() + timedelta(minutes=5) if reauth else None,
    )


@pytest.fixture
def admin(db: Session) -> SampleUser:
    return make_user(db, Role.ADMINISTRATOR, username="admin.one", display_name="Ada Admin")


@pytest.fixture
def auditor(db: Session) -> SampleUser:
    return make_user(db, Role.AUDITOR, username="audrey.auditor", display_name="Audrey Auditor")


def sign_in_as(db: Session, client: Any, principal: Principal, *, reauth: bool = True) -> Any:
    """The page client signed in as `principal`'s user (with a recent confirmation unless `reauth=False`)."""
    user = db.get(User, principal.user_id)
    assert user is not None
    return client.sign_in_as(make_session(db, user, reauth=reauth))
