"""Generated letters (each version kept, with its SHA-256, contents in the attachment store) and the
delivery record that completes a request [issue 6]."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base, IdMixin, one_of, utcnow
from disclosure.letters.vocabulary import Acknowledgement, DeliveryMethod, LetterKind


class GeneratedLetter(IdMixin, Base):
    """One generation of one letter for a case: version n of that kind (per target, for partner requests);
    earlier versions are kept when a change makes a new one."""

    __tablename__ = "generated_letters"
    __table_args__ = (
        UniqueConstraint("request_id", "kind", "target_id", "number", name="uq_generated_letters_version"),
        CheckConstraint(one_of("kind", LetterKind), name="known_kind"),
        {"comment": "Generated letters: each version kept with the SHA-256 of its PDF and Word files."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id"), index=True, comment="The case.")
    kind: Mapped[str] = mapped_column(String(40), comment="Which letter.")
    target_id: Mapped[str] = mapped_column(
        String(36),
        default="",
        comment="What it is about when a case has several (a partner request).",
    )
    number: Mapped[int] = mapped_column(comment="Version of this letter for this case, from 1.")
    title: Mapped[str] = mapped_column(String(200), comment="The letter's title.")
    template_version: Mapped[int] = mapped_column(
        default=0, comment="Version of the wording used (0: the bundled template)."
    )
    addressee: Mapped[str] = mapped_column(Text, default="", comment="Who it is addressed to.")
    pdf_key: Mapped[str] = mapped_column(String(64), comment="PDF in the attachment store.")
    pdf_sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the PDF.")
    docx_key: Mapped[str] = mapped_column(String(64), comment="Word file in the attachment store.")
    docx_sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the Word file.")
    generated_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who generated it.")
    generated_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC).")


class Delivery(IdMixin, Base):
    """How the outcome reached the recipient: the in-person disclosure, or the communication of a decision
    not to disclose. One per request; recording it completes the request's clock."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("request_id", name="uq_deliveries_request_id"),
        Index("ix_deliveries_occurred", "occurred_at"),  # the returns' disclosures of a year
        CheckConstraint(one_of("method", DeliveryMethod), name="known_method"),
        CheckConstraint(
            one_of("acknowledgement", Acknowledgement, nullable=True), name="known_acknowledgement"
        ),
        {"comment": "The record of each disclosure delivered or outcome communicated."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id"), comment="The case.")
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), comment="The signed decision.")
    disclosure: Mapped[bool] = mapped_column(comment="A disclosure (true) or a no-disclosure outcome.")
    method: Mapped[str] = mapped_column(String(20), comment="In person, by telephone or by letter.")
    occurred_at: Mapped[datetime] = mapped_column(comment="When it happened (UTC).")
    place: Mapped[str] = mapped_column(String(200), default="", comment="Where it happened.")
    officer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="The officer who delivered."
    )
    present: Mapped[str] = mapped_column(Text, default="", comment="Anyone else present, e.g. an IDVA.")
    identity_reconfirmed: Mapped[bool | None] = mapped_column(comment="Recipient's identity re-confirmed.")
    warning_given: Mapped[bool | None] = mapped_column(comment="Confidentiality warning given.")
    acknowledgement: Mapped[str | None] = mapped_column(String(20), comment="Signed undertaking or verbal.")
    undertaking_letter_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("generated_letters.id"), comment="The signed undertaking's letter, when signed."
    )
    safety_plan_agreed: Mapped[bool | None] = mapped_column(comment="Safety plan agreed with the recipient.")
    support: Mapped[str] = mapped_column(Text, default="", comment="Support services signposted.")
    reaction: Mapped[str] = mapped_column(Text, default="", comment="The recipient's reaction.")
    subject_told: Mapped[bool | None] = mapped_column(comment="Whether the subject was told.")
    subject_told_at: Mapped[datetime | None] = mapped_column(comment="When the subject was told.")
    subject_told_difference: Mapped[str] = mapped_column(
        Text,
        default="",
        server_default="",
        comment="Why telling the subject differs from the panel's decision, where it does.",
    )
    chair_agreed_difference: Mapped[bool | None] = mapped_column(
        comment="The panel's chair agreed to the difference from its decision on telling the subject."
    )
    notes: Mapped[str] = mapped_column(Text, default="", comment="Anything else recorded.")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded (UTC).")


class LetterTemplate(IdMixin, Base):
    """A published wording of one letter kind. The newest version is used; every version is kept. With
    none published, the bundled file under `templates/letters/` is used (version 0)."""

    __tablename__ = "letter_templates"
    __table_args__ = (
        UniqueConstraint("kind", "version", name="uq_letter_templates_kind_version"),
        CheckConstraint(one_of("kind", LetterKind), name="known_kind"),
        {"comment": "Published wordings of each letter, every version kept."},
    )

    kind: Mapped[str] = mapped_column(String(40), comment="Which letter.")
    version: Mapped[int] = mapped_column(comment="Version of this letter's wording, from 1.")
    body: Mapped[str] = mapped_column(Text, comment="The wording: letter markup with Jinja fields.")
    note: Mapped[str] = mapped_column(Text, default="", comment="What changed and why.")
    published_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who published it.")
    published_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC).")
