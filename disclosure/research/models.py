"""Research records: the configurable check list, checks done, partner-agency information requests, evidence
items with their provenance and attachments, and the evidence package with its frozen versions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of, utcnow
from disclosure.research.vocabulary import (
    CheckKind,
    CheckResult,
    DiscloseTo,
    HandlingCode,
    InformationGrade,
    MappaCategory,
    MappaLead,
    MappaLevel,
    Nature,
    OnwardConsent,
    OwnerConsent,
    Recommendation,
    SourceGrade,
)
from disclosure.research.workflow import PackageStatus, PartnerRequestStatus


class CheckType(IdMixin, Base):
    """One line of a scheme's check list: reference data seeded by migration 0005, changed by administrators.
    Required lines are the minimum before the panel: PNC, PND, ViSOR and force intelligence [WMP]."""

    __tablename__ = "check_types"
    __table_args__ = (
        UniqueConstraint("scheme", "code", name="uq_check_types_scheme_code"),
        CheckConstraint(one_of("kind", CheckKind), name="known_kind"),
        {"comment": "The check list per scheme: police systems to search and partner agencies to ask."},
    )

    scheme: Mapped[str] = mapped_column(String(10), comment="dvds or csods.")
    code: Mapped[str] = mapped_column(String(40), comment="Stable code, e.g. pnc.")
    name: Mapped[str] = mapped_column(String(200), comment="System or agency, as researchers know it.")
    kind: Mapped[str] = mapped_column(String(20), comment="police_system or partner_agency.")
    agency_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"), comment="For partner checks: the agency asked."
    )
    required: Mapped[bool] = mapped_column(comment="Must be done before the package can go to the panel.")
    position: Mapped[int] = mapped_column(comment="Order on the check list.")
    active: Mapped[bool] = mapped_column(default=True, comment="Shown on new check lists.")


class Check(IdMixin, Base):
    """A check done: system or agency, who, when, result, reference and whether the owner consents to
    onward disclosure [DOMAIN.md "Checks"][WMP]."""

    __tablename__ = "checks"
    __table_args__ = (
        CheckConstraint(one_of("result", CheckResult), name="known_result"),
        CheckConstraint(one_of("onward_consent", OnwardConsent), name="known_consent"),
        Index("ix_checks_request", "request_id", "check_type_id"),
        {"comment": "Checks recorded for a case: police systems searched and partner returns received."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    check_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("check_types.id"), comment="The check-list line it satisfies (empty: an extra check)."
    )
    name: Mapped[str] = mapped_column(String(200), comment="System or agency checked.")
    kind: Mapped[str] = mapped_column(String(20), comment="police_system or partner_agency.")
    result: Mapped[str] = mapped_column(String(20), comment="nil_return or information_found.")
    reference: Mapped[str] = mapped_column(String(120), default="", comment="Reference in that system.")
    onward_consent: Mapped[str] = mapped_column(
        String(20), comment="Whether the owning agency consents to onward disclosure."
    )
    notes: Mapped[str] = mapped_column(Text, default="", comment="What was searched and found, briefly.")
    performed_at: Mapped[datetime] = mapped_column(comment="When the check was done.")
    performed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    partner_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partner_requests.id"), comment="The partner request this return answered."
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was entered.")
    removed_at: Mapped[datetime | None] = mapped_column(
        comment="When it was struck out (kept for the record)."
    )
    removed_reason: Mapped[str] = mapped_column(Text, default="", comment="Why it was struck out.")


class PartnerRequest(IdMixin, TimestampMixin, VersionMixin, Base):
    """A request for information to a named partner agency, due after the agency's agreed response time in
    working days; chased when overdue; answered by the partner in the service [SafeLives]."""

    __tablename__ = "partner_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", PartnerRequestStatus), name="known_status"),
        CheckConstraint(one_of("result", CheckResult, nullable=True), name="known_result"),
        CheckConstraint(one_of("onward_consent", OnwardConsent, nullable=True), name="known_consent"),
        Index("ix_partner_requests_agency_status", "agency_id", "status", "due_on"),
        Index("ix_partner_requests_request", "request_id"),
        Index("ix_partner_requests_agency_sent", "agency_id", "sent_at", "id"),  # answered, newest first
        Index("ix_partner_requests_status_due", "status", "due_on", "sent_at"),  # researchers' list to chase
        {"comment": "Information requests to partner agencies and their answers."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), comment="The agency asked.")
    check_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("check_types.id"), comment="The check-list line its answer satisfies."
    )
    asked: Mapped[str] = mapped_column(Text, comment="What the agency is asked (shown to the partner).")
    status: Mapped[str] = mapped_column(
        String(20), default=PartnerRequestStatus.OPEN.value, comment="open, answered or closed."
    )
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When the request was sent.")
    sent_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Researcher who sent it.")
    due_on: Mapped[date] = mapped_column(comment="Answer due by the end of this day (agreed working days).")
    chase_count: Mapped[int] = mapped_column(default=0, comment="How many times it has been chased.")
    last_chased_at: Mapped[datetime | None] = mapped_column(comment="When it was last chased.")
    result: Mapped[str | None] = mapped_column(
        String(20), comment="The partner's result: nil or information."
    )
    response: Mapped[str] = mapped_column(Text, default="", comment="The partner's answer.")
    response_reference: Mapped[str] = mapped_column(
        String(120), default="", comment="The partner's own reference for its answer."
    )
    onward_consent: Mapped[str | None] = mapped_column(
        String(20), comment="Whether the partner consents to onward disclosure of what it returned."
    )
    responded_at: Mapped[datetime | None] = mapped_column(comment="When the answer was recorded.")
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"),
        comment="Partner user (or researcher, for an answer by phone) who recorded it.",
    )
    closed_reason: Mapped[str] = mapped_column(
        Text, default="", comment="Why it was closed without an answer."
    )

    people: Mapped[list[PartnerRequestPerson]] = relationship(
        back_populates="partner_request", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}


class PartnerRequestPerson(Base):
    """The people a partner is asked about: the partner sees their identifying details and nothing else."""

    __tablename__ = "partner_request_people"
    __table_args__ = {"comment": "People a partner-agency request asks about (shown to that agency)."}

    partner_request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_requests.id", ondelete="CASCADE"), primary_key=True, comment="The request."
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id"), primary_key=True, comment="A person on the case."
    )
    role: Mapped[str] = mapped_column(String(30), comment="Their role on the case (subject, child...).")

    partner_request: Mapped[PartnerRequest] = relationship(back_populates="people")


class EvidenceItem(IdMixin, TimestampMixin, VersionMixin, Base):
    """One fact or opinion found, with its provenance: source and reference, date of the information, who
    recorded it and when, the 3x5x2 grading, and whether, to whom and with whose consent it may be
    disclosed [DOMAIN.md "What DVDS may disclose"][Middlesbrough]."""

    __tablename__ = "evidence_items"
    __table_args__ = (
        CheckConstraint(one_of("source_grade", SourceGrade), name="known_source_grade"),
        CheckConstraint(one_of("information_grade", InformationGrade), name="known_information_grade"),
        CheckConstraint(one_of("handling_code", HandlingCode), name="known_handling_code"),
        CheckConstraint(one_of("nature", Nature), name="known_nature"),
        CheckConstraint(one_of("disclose_to", DiscloseTo, nullable=True), name="known_recipient"),
        CheckConstraint(one_of("owner_consent", OwnerConsent), name="known_owner_consent"),
        Index("ix_evidence_items_request", "request_id", "number"),
        {"comment": "Facts and opinions found in research, each with its provenance and disclosability."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    number: Mapped[int] = mapped_column(comment="Item number within the case (E1, E2...).")
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id"), comment="Who the item is about (a person on the case, mostly the subject)."
    )
    check_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checks.id"), comment="The check it was found in, where there is one."
    )
    source: Mapped[str] = mapped_column(String(200), comment="Source system or agency.")
    source_reference: Mapped[str] = mapped_column(
        String(120), default="", comment="Reference of the record in the source."
    )
    information_date: Mapped[date | None] = mapped_column(comment="When the information dates from.")
    summary: Mapped[str] = mapped_column(Text, comment="The fact or opinion, in the researcher's words.")
    source_grade: Mapped[str] = mapped_column(String(1), comment="3x5x2 source evaluation: A, B or C.")
    information_grade: Mapped[str] = mapped_column(String(1), comment="3x5x2 intelligence assessment: 1-5.")
    handling_code: Mapped[str] = mapped_column(String(1), comment="3x5x2 handling code: P or C.")
    nature: Mapped[str] = mapped_column(String(10), comment="fact or opinion.")
    disclosable: Mapped[bool] = mapped_column(comment="Whether it could be disclosed.")
    disclose_to: Mapped[str | None] = mapped_column(String(30), comment="To whom it could be disclosed.")
    owner_consent: Mapped[str] = mapped_column(
        String(20), comment="The owning agency's consent to disclosure."
    )
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded.")
    removed_at: Mapped[datetime | None] = mapped_column(
        comment="When it was struck out (kept for the record)."
    )
    removed_reason: Mapped[str] = mapped_column(Text, default="", comment="Why it was struck out.")

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", order_by="Attachment.uploaded_at"
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}


class Attachment(IdMixin, Base):
    """A file supporting an evidence item: type checked from its content, stored under a random key outside
    any served folder, with its SHA-256 (QUALITY.md check 14)."""

    __tablename__ = "attachments"
    __table_args__ = {"comment": "Files attached to evidence items (contents in the attachment store)."}

    evidence_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), index=True, comment="The evidence item."
    )
    filename: Mapped[str] = mapped_column(String(200), comment="Cleaned original file name, for display.")
    content_type: Mapped[str] = mapped_column(String(100), comment="Type detected from the content.")
    size: Mapped[int] = mapped_column(comment="Size in bytes.")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the content, hex.")
    storage_key: Mapped[str] = mapped_column(String(64), unique=True, comment="Random key in the store.")
    uploaded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who uploaded it.")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was uploaded.")
    removed_at: Mapped[datetime | None] = mapped_column(
        comment="When it was struck out (kept for the record)."
    )

    item: Mapped[EvidenceItem] = relationship(back_populates="attachments")


class ResearchPackage(IdMixin, TimestampMixin, VersionMixin, Base):
    """The evidence package for one case: summary, risk analysis, recommendation with reasons and the draft
    of what could be disclosed; reviewed by someone other than its drafter, then submitted [issue 4]."""

    __tablename__ = "research_packages"
    __table_args__ = (
        CheckConstraint(one_of("status", PackageStatus), name="known_status"),
        CheckConstraint(one_of("recommendation", Recommendation, nullable=True), name="known_recommendation"),
        CheckConstraint(one_of("mappa_category", ["", *MappaCategory]), name="known_mappa_category"),
        CheckConstraint(one_of("mappa_level", ["", *MappaLevel]), name="known_mappa_level"),
        CheckConstraint(one_of("mappa_lead", ["", *MappaLead]), name="known_mappa_lead"),
        {"comment": "One evidence package per case, drafted, reviewed and submitted for decision."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True, comment="The case."
    )
    status: Mapped[str] = mapped_column(
        String(20), default=PackageStatus.DRAFT.value, comment="draft, in_review, reviewed or submitted."
    )
    summary: Mapped[str] = mapped_column(Text, default="", comment="Research summary.")
    risk_analysis: Mapped[str] = mapped_column(Text, default="", comment="Analysis of the risk.")
    recommendation: Mapped[str | None] = mapped_column(String(20), comment="The researcher's recommendation.")
    recommendation_reasons: Mapped[str] = mapped_column(Text, default="", comment="Reasons for it.")
    draft_disclosure: Mapped[str] = mapped_column(
        Text, default="", comment="Draft wording of what could be disclosed, from disclosable items."
    )
    drafted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who sent it for review (cannot review it)."
    )
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Supervisor or second researcher asked to review."
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(comment="When the reviewer approved it.")
    review_notes: Mapped[str] = mapped_column(Text, default="", comment="The reviewer's notes.")
    change_reason: Mapped[str] = mapped_column(
        Text, default="", comment="Why a submitted package was reopened (carried into the next version)."
    )
    submitted_version: Mapped[int] = mapped_column(
        default=0, comment="Number of the latest submitted version (0: never submitted)."
    )

    # The subject's offending and management, for Sarah's Law's presumption to disclose [WYP-CSODS]
    subject_registered: Mapped[bool | None] = mapped_column(
        comment="Sarah's Law: the subject is a registered sex offender (empty: not yet recorded)."
    )
    registered_since: Mapped[date | None] = mapped_column(comment="Since when the subject is registered.")
    visor_reference: Mapped[str] = mapped_column(
        String(60), default="", server_default="", comment="The subject's ViSOR nominal reference."
    )
    mappa_category: Mapped[str] = mapped_column(
        String(1),
        default="",
        server_default="",
        comment="MAPPA category 1-3 (empty: not managed under MAPPA).",
    )
    mappa_level: Mapped[str] = mapped_column(
        String(1), default="", server_default="", comment="MAPPA management level 1-3."
    )
    mappa_lead: Mapped[str] = mapped_column(
        String(20), default="", server_default="", comment="The agency leading MAPPA management (MappaLead)."
    )
    offender_manager: Mapped[str] = mapped_column(
        String(200),
        default="",
        server_default="",
        comment="The subject's offender manager, and how to reach them.",
    )
    poses_risk: Mapped[bool | None] = mapped_column(
        comment="Research's assessment that the subject poses a risk of harm to the child (empty: not yet)."
    )
    risk_to_child: Mapped[str] = mapped_column(
        Text,
        default="",
        server_default="",
        comment="Why the subject does or does not pose a risk to the child.",
    )
    offending_recorded_at: Mapped[datetime | None] = mapped_column(
        comment="When the subject's offending and management were last saved."
    )

    versions: Mapped[list[PackageVersion]] = relationship(
        back_populates="package", order_by="PackageVersion.number"
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}


class PackageVersion(IdMixin, Base):
    """A submitted package, frozen: what the panel decides on. Never changed after it is written."""

    __tablename__ = "package_versions"
    __table_args__ = (
        UniqueConstraint("package_id", "number", name="uq_package_versions_package_number"),
        {"comment": "Frozen versions of an evidence package, one per submission for decision."},
    )

    package_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("research_packages.id", ondelete="CASCADE"), comment="The package."
    )
    number: Mapped[int] = mapped_column(comment="Version number, from 1.")
    snapshot: Mapped[dict[str, Any]] = mapped_column(
        JSON, comment="Everything the panel sees: summary, checks, returns, evidence with provenance."
    )
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the snapshot (canonical JSON).")
    change_reason: Mapped[str] = mapped_column(Text, default="", comment="Why it replaced the previous one.")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was submitted.")
    submitted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who submitted it.")
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who reviewed it."
    )

    package: Mapped[ResearchPackage] = relationship(back_populates="versions")


class SubjectConviction(IdMixin, Base):
    """One of the subject's convictions found in research (PNC, ViSOR), with its date and whether it is a
    child sexual offence and spent: a child sexual offence conviction and a risk to the child make the
    Sarah's Law presumption to disclose [WYP-CSODS]; spent ones follow the Rehabilitation of Offenders Act."""

    __tablename__ = "subject_convictions"
    __table_args__ = (
        Index("ix_subject_convictions_request", "request_id", "position"),
        {"comment": "The subject's relevant convictions on a Sarah's Law case (presumption to disclose)."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), comment="The subject convicted.")
    offence: Mapped[str] = mapped_column(String(300), comment="The offence, as on the record.")
    convicted_on: Mapped[date] = mapped_column(comment="Date of conviction.")
    child_sexual_offence: Mapped[bool] = mapped_column(comment="A sexual offence against a child.")
    spent: Mapped[bool] = mapped_column(comment="Spent under the Rehabilitation of Offenders Act 1974.")
    reference: Mapped[str] = mapped_column(String(120), default="", comment="PNC or court reference.")
    position: Mapped[int] = mapped_column(default=0, comment="Order on the case (newest first).")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded.")
