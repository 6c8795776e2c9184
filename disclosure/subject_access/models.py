"""A subject access request and the items gathered for it, each with the officer's decision [issue 19]."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of
from disclosure.subject_access.vocabulary import Exemption, ItemDecision, ItemKind, RequestStatus


class SubjectAccessRequest(IdMixin, TimestampMixin, VersionMixin, Base):
    """A data subject's request for everything the service holds about them (DPA 2018 s.45), answered within
    one month of receipt (s.54). Part of the person's record: it goes when they are disposed of."""

    __tablename__ = "subject_access_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", RequestStatus), name="known_status"),
        Index("ix_subject_access_requests_status_due", "status", "due_on", "id"),
        {"comment": "Subject access requests (DPA 2018 s.45): whose, when received, when due, and status."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), comment="The data subject.")
    received_on: Mapped[date] = mapped_column(comment="When the request was received.")
    due_on: Mapped[date] = mapped_column(comment="When the answer is due (one month from receipt).")
    how_received: Mapped[str] = mapped_column(Text, comment="How it came and how identity was verified.")
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN.value, comment="Its stage.")
    opened_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who opened it.")
    exported_at: Mapped[datetime | None] = mapped_column(comment="When the bundle was last exported (UTC).")
    exported_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who last exported the bundle."
    )

    items: Mapped[list[SubjectAccessItem]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="SubjectAccessItem.position"
    )


class SubjectAccessItem(IdMixin, Base):
    """One thing held about the person, as gathered when the request was opened, and whether it is
    disclosed, disclosed with passages redacted, or withheld under a restriction of s.45(4)."""

    __tablename__ = "subject_access_items"
    __table_args__ = (
        CheckConstraint(one_of("kind", ItemKind), name="known_kind"),
        CheckConstraint(one_of("decision", ItemDecision), name="known_decision"),
        CheckConstraint(one_of("exemption", Exemption, nullable=True), name="known_exemption"),
        CheckConstraint(
            "decision IN ('pending', 'disclose') OR exemption IS NOT NULL", name="restriction_has_exemption"
        ),
        {"comment": "What a subject access request found, item by item, with the officer's decisions."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subject_access_requests.id", ondelete="CASCADE"), comment="The request."
    )
    position: Mapped[int] = mapped_column(comment="Order in the bundle.")
    kind: Mapped[str] = mapped_column(String(20), comment="What kind of thing it is.")
    object_id: Mapped[str] = mapped_column(String(40), comment="The record it was gathered from.")
    label: Mapped[str] = mapped_column(String(200), comment="What it is, as the officer reads it.")
    content: Mapped[str] = mapped_column(Text, comment="Its text as gathered (a file's description).")
    suggested: Mapped[str | None] = mapped_column(
        String(30), comment="A restriction the officer should consider, where one may apply."
    )
    suggestion: Mapped[str] = mapped_column(Text, default="", comment="Why it may apply.")
    decision: Mapped[str] = mapped_column(String(20), default=ItemDecision.PENDING.value, comment="Decided.")
    exemption: Mapped[str | None] = mapped_column(String(30), comment="The s.45(4) restriction relied on.")
    redactions: Mapped[str] = mapped_column(Text, default="", comment="Passages redacted, one a line.")
    note: Mapped[str] = mapped_column(Text, default="", comment="The officer's reasoning.")
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), comment="Who decided.")
    decided_at: Mapped[datetime | None] = mapped_column(comment="When (UTC).")

    request: Mapped[SubjectAccessRequest] = relationship(back_populates="items")
