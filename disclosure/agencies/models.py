"""Partner agencies (reference data seeded by migration, edited by administrators) and which agency each
partner user works for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
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
