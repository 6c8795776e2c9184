"""What the public side keeps in the database [issue 21]."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base


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
