"""Users, their roles, sessions, one-time links, API tokens and sign-in attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.accounts.roles import Role
from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, utcnow

_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


class User(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "users"
    __table_args__ = {"comment": "People who sign in to the service (staff and partner users)."}

    username: Mapped[str] = mapped_column(String(120), unique=True, comment="Sign-in name, lower case.")
    display_name: Mapped[str] = mapped_column(String(200), comment="Name shown to colleagues.")
    email: Mapped[str] = mapped_column(String(320), comment="Work email address.")
    password_hash: Mapped[str | None] = mapped_column(
        String(255), comment="argon2id hash; empty until the invitation is accepted."
    )
    totp_secret: Mapped[str | None] = mapped_column(
        String(64), comment="Authenticator app key once enrolled."
    )
    totp_pending_secret: Mapped[str | None] = mapped_column(
        String(64), comment="Key shown during enrolment, kept until the first code confirms it."
    )
    totp_last_step: Mapped[int | None] = mapped_column(
        comment="Time step of the last accepted code; a code is accepted once."
    )
    disabled_at: Mapped[datetime | None] = mapped_column(comment="When the account was disabled.")
    password_changed_at: Mapped[datetime | None] = mapped_column(comment="When the password was last set.")

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def mfa_enrolled(self) -> bool:
        return self.totp_secret is not None


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_VALUES})", name="known_role"),
        {"comment": "Roles held by each user; a user may hold several."},
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, comment="The user."
    )
    role: Mapped[str] = mapped_column(
        String(40), primary_key=True, comment="A role from accounts.roles.Role."
    )
    user: Mapped[User] = relationship(back_populates="roles")


class UserSession(IdMixin, Base):
    __tablename__ = "user_sessions"
    __table_args__ = (
        Index("ix_user_sessions_user_open", "user_id", "ended_at"),
        {"comment": "Server-side sign-in sessions; the cookie holds a random token whose hash is stored."},
    )

    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the cookie token.")
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who signed in.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When the password was accepted.")
    last_seen_at: Mapped[datetime] = mapped_column(
        default=utcnow, comment="Last request (for the idle timeout)."
    )
    mfa_completed_at: Mapped[datetime | None] = mapped_column(comment="When the security code was accepted.")
    reauthenticated_at: Mapped[datetime | None] = mapped_column(
        comment="Last password-and-code confirmation (for sensitive actions)."
    )
    ended_at: Mapped[datetime | None] = mapped_column(comment="When the session ended.")
    end_reason: Mapped[str | None] = mapped_column(
        String(40), comment="signed out, idle, expired, disabled..."
    )
    client: Mapped[str] = mapped_column(String(200), default="", comment="Browser description, for the user.")


class OneTimeLink(IdMixin, Base):
    __tablename__ = "one_time_links"
    __table_args__ = (
        CheckConstraint("purpose IN ('first_administrator', 'invitation')", name="known_purpose"),
        {"comment": "Expiring single-use links: the first administrator's set-up link and invitations."},
    )

    purpose: Mapped[str] = mapped_column(String(30), comment="first_administrator or invitation.")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the link's token.")
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), comment="Invited user.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When the link was made.")
    expires_at: Mapped[datetime] = mapped_column(comment="After this the link no longer works.")
    used_at: Mapped[datetime | None] = mapped_column(comment="When the link was used (it works once).")


class ApiToken(IdMixin, Base):
    __tablename__ = "api_tokens"
    __table_args__ = {
        "comment": "Per-user bearer tokens for the JSON API, issued and revoked by administrators."
    }

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="Whose access the token carries."
    )
    name: Mapped[str] = mapped_column(String(120), comment="What the token is for.")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the token.")
    prefix: Mapped[str] = mapped_column(String(12), comment="First characters, to recognise the token.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was issued.")
    created_by: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="Administrator who issued it."
    )
    expires_at: Mapped[datetime] = mapped_column(comment="When it stops working.")
    last_used_at: Mapped[datetime | None] = mapped_column(comment="Last request made with it.")
    revoked_at: Mapped[datetime | None] = mapped_column(comment="When it was revoked.")


class SignInAttempt(IdMixin, Base):
    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_name_time", "username_key", "occurred_at"),
        {"comment": "Password attempts by user name (known or not), for throttling and lockout."},
    )

    username_key: Mapped[str] = mapped_column(String(120), comment="The user name tried, normalised.")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When.")
    succeeded: Mapped[bool] = mapped_column(comment="Whether the password was right.")
