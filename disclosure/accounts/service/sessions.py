"""Turning a session cookie or API token into a principal, ending sessions past their timeouts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts.models import ApiToken, User, UserSession
from disclosure.accounts.service.common import _TOUCH_INTERVAL, token_hash
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow


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
