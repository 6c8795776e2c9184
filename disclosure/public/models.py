"""What the public side keeps in the database [issue 21]."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base, IdMixin, TimestampMixin


class RateLimitCount(Base):
    """Submissions counted in one fixed window of one bucket (a sender's hashed address, or everyone), held
    in the database so that several servers agree on the count."""

    __tablename__ = "rate_limit_counts"
    __table_args__ = (
        Index("ix_rate_limit_counts_window_start", "window_start"),
        {"comment": "Public submissions counted per bucket and window, for rate limits (issue 21)."},
    )

    bucket: Mapped[str] = mapped_column(
        String(80),
        primary_key=True,
        comment="A limit's name and a keyed hash of the sender's address (never the address itself).",
    )
    window_start: Mapped[datetime] = mapped_column(primary_key=True, comment="When the window began (UTC).")
    hits: Mapped[int] = mapped_column(Integer, comment="Submissions accepted in the window so far.")


class PublicDraft(IdMixin, TimestampMixin, Base):
    """The answers of an online application being filled in, kept here under a token the browser holds only
    as a session cookie (`public.drafts`)."""

    __tablename__ = "public_drafts"
    __table_args__ = (
        Index("ux_public_drafts_token_hash", "token_hash", unique=True),
        Index("ix_public_drafts_expires_at", "expires_at"),
        {"comment": "Online applications being filled in, until submitted, exited or idle (issue 21)."},
    )

    token_hash: Mapped[str] = mapped_column(
        String(64), comment="SHA-256 of the draft's cookie token (the token itself is never stored)."
    )
    route: Mapped[str] = mapped_column(String(40), comment="The application being made (its journey).")
    answers: Mapped[str] = mapped_column(Text, default="{}", comment="The answers so far, as JSON.")
    expires_at: Mapped[datetime] = mapped_column(comment="When the draft ends unless it is changed first.")
