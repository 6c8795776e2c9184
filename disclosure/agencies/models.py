"""Partner agencies (reference data seeded by migration, edited by administrators) and which agency each
partner user works for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.agencies.vocabulary import AgencyKind
from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, utcnow

_KINDS = ", ".join(f"'{k.value}'" for k in AgencyKind)


class Agency(IdMixin, TimestampMixin, VersionMixin, Base):
    """A MASH partner asked for information during research [SafeLives]; its agreed response time sets
    the due date of every request sent to it."""

    __tablename__ = "agencies"
    __table_args__ = (
        UniqueConstraint("code", name="uq_agencies_code"),
        CheckConstraint(f"kind IN ({_KINDS})", name="known_kind"),
        CheckConstraint("response_working_days >= 1 AND response_working_days <= 60", name="response_range"),
        {
            "comment": "Partner agencies that research asks for information "
            "(probation, social care, health...)."
        },
    )

    code: Mapped[str] = mapped_column(String(40), comment="Short stable code, e.g. probation.")
    name: Mapped[str] = mapped_column(String(200), comment="Name shown to staff, e.g. Probation Service.")
    kind: Mapped[str] = mapped_column(String(40), comment="Kind of agency (probation, health, education...).")
    response_working_days: Mapped[int] = mapped_column(
        comment="Agreed time to answer an information request, in working days."
    )
    contact_email: Mapped[str] = mapped_column(
        String(320), default="", comment="Secure mailbox for information requests (may be empty)."
    )
    active: Mapped[bool] = mapped_column(default=True, comment="Whether new requests may be sent to it.")

    members: Mapped[list[AgencyMember]] = relationship(back_populates="agency", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": VersionMixin.version}


class AgencyMember(Base):
    """A partner user belongs to one agency and sees only the requests addressed to it."""

    __tablename__ = "agency_members"
    __table_args__ = {"comment": "Which partner agency each partner user answers for."}

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, comment="The partner user."
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True, comment="Their agency."
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When they were added.")

    agency: Mapped[Agency] = relationship(back_populates="members")


class OutboxMessage(IdMixin, Base):
    """A message waiting for (or sent by) the mail server. Written in the same transaction as what it
    announces, so nothing is sent for work that rolled back and nothing is lost if the server is down;
    messages carry no case content, only a pointer into the service [APP-MoPI]."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_unsent", "sent_at", "created_at"),
        {"comment": "Mail to partners: queued in the transaction, sent by `disclosure outbox send`."},
    )

    to_address: Mapped[str] = mapped_column(String(320), comment="Recipient address.")
    subject: Mapped[str] = mapped_column(String(200), comment="Subject line (no personal data).")
    body: Mapped[str] = mapped_column(Text, comment="Plain-text body (no personal data).")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was queued (UTC).")
    sent_at: Mapped[datetime | None] = mapped_column(comment="When the mail server accepted it (UTC).")
    attempts: Mapped[int] = mapped_column(default=0, comment="Sending attempts so far.")
    last_error: Mapped[str] = mapped_column(Text, default="", comment="The last sending error, if any.")
