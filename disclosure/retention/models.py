"""Review groups, the kind of record each group covers by default, each closed record's place in the review
schedule, and every decision a reviewer takes [issue 19]."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of, utcnow
from disclosure.retention.vocabulary import Decision, RecordKind, Rule


class RetentionGroup(VersionMixin, Base):
    """A MoPI review group and its periods, editable by administrators (confirm them locally [NPCC])."""

    __tablename__ = "retention_groups"
    __table_args__ = (
        CheckConstraint(one_of("rule", Rule), name="known_rule"),
        CheckConstraint("rule != 'until_age' OR until_age IS NOT NULL", name="age_rule_has_age"),
        {"comment": "MoPI review groups: how long their records are kept and when they are reviewed."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, comment="Group number, e.g. 1.")
    name: Mapped[str] = mapped_column(String(120), comment="What the group holds, as reviewers read it.")
    rule: Mapped[str] = mapped_column(String(20), comment="How its records reach review.")
    clear_years: Mapped[int] = mapped_column(comment="Years from the last activity to the first review.")
    review_years: Mapped[int] = mapped_column(comment="Years to the next review when retained.")
    until_age: Mapped[int | None] = mapped_column(comment="'until_age': the age kept until.")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When last changed (UTC).")


class RetentionDefault(Base):
    """The group a new retention record of each kind joins (a reviewer may move one record to another)."""

    __tablename__ = "retention_defaults"
    __table_args__ = (
        CheckConstraint(one_of("kind", RecordKind), name="known_kind"),
        {"comment": "The review group each kind of record joins unless a reviewer moves it."},
    )

    kind: Mapped[str] = mapped_column(String(30), primary_key=True, comment="Kind of record.")
    group_id: Mapped[int] = mapped_column(ForeignKey("retention_groups.id"), comment="Its group.")


class RetentionRecord(IdMixin, TimestampMixin, VersionMixin, Base):
    """A closed record's place in the review schedule: when its clear period began, when it is due for
    review, from when it may be disposed of, and any legal hold. Written by the schedule's scan; removed
    with the record when it is disposed of (the erasure event in the audit trail remains)."""

    __tablename__ = "retention_records"
    __table_args__ = (
        UniqueConstraint("kind", "record_id", name="uq_retention_records_record"),
        CheckConstraint(one_of("kind", RecordKind), name="known_kind"),
        Index("ix_retention_records_due", "review_due_on", "id"),
        Index("ix_retention_records_held", "held_at", "id"),
        {"comment": "Each closed record's review schedule and legal hold (MoPI)."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    kind: Mapped[str] = mapped_column(String(30), comment="Kind of record.")
    record_id: Mapped[uuid.UUID] = mapped_column(comment="The case, episode or person's identifier.")
    label: Mapped[str] = mapped_column(String(60), comment="Its reference as staff know it (no names).")
    group_id: Mapped[int] = mapped_column(ForeignKey("retention_groups.id"), comment="Its review group.")
    clear_from: Mapped[date] = mapped_column(comment="Last activity: the clear period runs from here.")
    born_on: Mapped[date | None] = mapped_column(comment="The subject's date of birth, for age rules.")
    review_due_on: Mapped[date | None] = mapped_column(
        comment="When it is due for review; empty while the record is open again."
    )
    retained_until: Mapped[date | None] = mapped_column(comment="The next review date a reviewer chose.")
    held_reason: Mapped[str] = mapped_column(Text, default="", comment="Why a legal hold blocks disposal.")
    held_at: Mapped[datetime | None] = mapped_column(comment="When the legal hold was placed (UTC).")
    held_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), comment="Who placed it.")

    group: Mapped[RetentionGroup] = relationship(lazy="joined")
    reviews: Mapped[list[RetentionReview]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RetentionReview.decided_at"
    )

    @property
    def held(self) -> bool:
        return self.held_at is not None


class RetentionReview(IdMixin, Base):
    """One reviewer's decision on a record: retained (with the next review date), moved to another group,
    or a legal hold placed or released; always with the reviewer's rationale."""

    __tablename__ = "retention_reviews"
    __table_args__ = (
        CheckConstraint(one_of("decision", Decision), name="known_decision"),
        {"comment": "Reviewers' decisions on records under the review schedule (MoPI)."},
    )

    record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("retention_records.id", ondelete="CASCADE"), comment="The record reviewed."
    )
    decision: Mapped[str] = mapped_column(String(20), comment="What the reviewer decided.")
    rationale: Mapped[str] = mapped_column(Text, comment="Why.")
    next_review_on: Mapped[date | None] = mapped_column(comment="For a retention: the next review date.")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("retention_groups.id"), comment="For a move: the group it joined."
    )
    decided_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="The reviewer.")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC).")

    record: Mapped[RetentionRecord] = relationship(back_populates="reviews")
