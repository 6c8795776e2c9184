"""Each user's choice of waiting-work email and what they were last told, so a message goes only when
something new waits (immediate) or once a day (daily summary)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base, one_of
from disclosure.waiting.vocabulary import EmailChoice


class WaitingMail(Base):
    """One row per user who has chosen, or been told; a user without a row has the default (immediate)."""

    __tablename__ = "waiting_mail"
    __table_args__ = (
        CheckConstraint(one_of("choice", EmailChoice), name="known_choice"),
        {"comment": "Each user's waiting-work email choice and what the last message covered."},
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), primary_key=True, comment="The user this is for."
    )
    choice: Mapped[str] = mapped_column(
        String(20), default=EmailChoice.IMMEDIATE.value, comment="immediate, daily or none."
    )
    told_keys: Mapped[str] = mapped_column(
        Text, default="", comment="The tasks the last message covered (opaque keys, no personal data)."
    )
    told_at: Mapped[datetime | None] = mapped_column(comment="When the last message was queued (UTC).")
    summary_on: Mapped[date | None] = mapped_column(
        Date, comment="The day (Europe/London) the last daily summary was queued for."
    )
