"""A disclosure request (one case), the people on it, its clock pauses and extensions, who may see it, and
the versioned clock policies."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of, utcnow
from disclosure.grants import StatedReasonGrant
from disclosure.requests.vocabulary import PartyRole, Route, SafeChannel, Scheme
from disclosure.requests.workflow import RequestStatus


class DisclosureRequest(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(one_of("scheme", Scheme), name="known_scheme"),
        CheckConstraint(one_of("route", Route), name="known_route"),
        CheckConstraint(one_of("status", RequestStatus), name="known_status"),
        CheckConstraint("dash_score IS NULL OR (dash_score >= 0 AND dash_score <= 27)", name="dash_range"),
        Index("ix_requests_status_assignee", "status", "assignee_id"),
        Index("ix_requests_next_deadline", "next_deadline_held_seconds", "next_deadline_at"),
        Index("ix_requests_first_contact", "first_contact_at"),  # the returns' applications of a year
        # The work queue's page, read from the index alone: the open cases by status with every column
        # of the queue's order (`queue.QUEUE_ORDER`) [issue 17].
        Index(
            "ix_requests_queue",
            "status",
            "next_deadline_held_seconds",
            "next_deadline_at",
            "first_contact_at",
            "rag",
            "reference",
            "id",
        ),
        {"comment": "A Clare's Law or Sarah's Law request: one case with its own clock."},
    )

    reference: Mapped[str] = mapped_column(
        String(30), unique=True, comment="Case reference, e.g. DVDS-2026-000123."
    )
    scheme: Mapped[str] = mapped_column(String(10), comment="dvds (Clare's Law) or csods (Sarah's Law).")
    route: Mapped[str] = mapped_column(
        String(30), comment="Right to Ask, Right to Know, Sarah's Law application or proactive disclosure."
    )
    applicant_type: Mapped[str | None] = mapped_column(
        String(30),
        comment=(
            "Who applied (person at risk, third party, professional, parent/carer); none for Right to Know."
        ),
    )
    status: Mapped[str] = mapped_column(
        String(30), default=RequestStatus.LOGGED.value, comment="Lifecycle stage."
    )
    first_contact_at: Mapped[datetime] = mapped_column(
        comment="When the police were first contacted (starts the clocks)."
    )
    channel: Mapped[str] = mapped_column(
        String(30), comment="101, station, street, online or partner referral."
    )
    receiving_force: Mapped[str] = mapped_column(String(200), comment="Force that received the request.")
    police_reference: Mapped[str] = mapped_column(
        String(60), default="", comment="Occurrence or non-crime number."
    )
    information_received: Mapped[str] = mapped_column(
        Text, default="", comment="What prompted the request (for Right to Know: the information received)."
    )
    alleged_crime: Mapped[bool] = mapped_column(
        default=False, comment="An alleged crime was disclosed during contact."
    )
    crime_reference: Mapped[str] = mapped_column(
        String(60), default="", comment="Crime reference for that crime."
    )
    clock_policy_code: Mapped[str] = mapped_column(
        String(30), comment="Clock policy in force on the first-contact date."
    )
    linked_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("requests.id"), comment="The linked case under the other scheme (same subject)."
    )
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Officer or staff member leading the case."
    )
    created_by_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="Who logged the request."
    )

    # Initial checks and triage (within 24 hours) [Sussex-2014][Beds][SafeLives]
    immediate_risk: Mapped[bool | None] = mapped_column(
        comment="Immediate risk identified at initial checks."
    )
    immediate_risk_action: Mapped[str] = mapped_column(
        Text, default="", comment="Action taken on immediate risk."
    )
    dash_score: Mapped[int | None] = mapped_column(comment="DASH checklist ticks, where a DASH was done.")
    professional_risk_level: Mapped[str | None] = mapped_column(
        String(10), comment="Risk level raised by professional judgement (never lower than DASH)."
    )
    risk_rationale: Mapped[str] = mapped_column(
        Text, default="", comment="Reason for the professional judgement."
    )
    marac_referral: Mapped[bool] = mapped_column(default=False, comment="Referred to MARAC.")
    idva_referral: Mapped[bool] = mapped_column(default=False, comment="Referred to an IDVA.")
    rag: Mapped[str | None] = mapped_column(String(5), comment="Red, amber or green: orders the work queue.")
    triaged_at: Mapped[datetime | None] = mapped_column(comment="When the triage was recorded.")
    triaged_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who recorded triage."
    )
    potential_escalation: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="Triage found the policy's number of incidents within its months: a MARAC criterion.",
    )
    initial_checks_at: Mapped[datetime | None] = mapped_column(
        comment="When the initial checks were completed."
    )

    # Face-to-face meeting and identity verification [Cleveland][ASP-CSODS]
    meeting_at: Mapped[datetime | None] = mapped_column(comment="When the face-to-face meeting took place.")
    identity_documents: Mapped[str] = mapped_column(
        Text, default="", comment="Documents seen, comma-separated codes."
    )
    identity_verified: Mapped[bool | None] = mapped_column(
        comment="Whether the applicant's identity was verified."
    )
    identity_notes: Mapped[str] = mapped_column(Text, default="", comment="Notes on the verification.")
    verified_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who verified identity."
    )

    research_started_at: Mapped[datetime | None] = mapped_column(comment="When research began.")
    disclosed: Mapped[bool | None] = mapped_column(
        comment="Whether the panel's signed decision is to disclose (empty until a decision is signed)."
    )
    completed_at: Mapped[datetime | None] = mapped_column(
        comment="When the outcome reached the recipient (stops the clock)."
    )
    closed_at: Mapped[datetime | None] = mapped_column(comment="When the case was closed or withdrawn.")
    closure_reason: Mapped[str | None] = mapped_column(
        String(30), comment="out_of_scope, withdrawn or completed."
    )
    closure_notes: Mapped[str] = mapped_column(
        Text, default="", comment="Why the case was closed or withdrawn."
    )

    # The next deadline, kept by `requests.stored_deadlines` in the transaction that moves it, so the work
    # queue orders and pages in SQL [issue 17]. Derived: `deadlines.deadlines` is the explanation.
    next_deadline_key: Mapped[str | None] = mapped_column(
        String(30), comment="The open case's nearest unmet deadline (initial_checks, meeting, completion...)."
    )
    next_deadline_at: Mapped[datetime | None] = mapped_column(
        comment="When it falls due; while a pause holds it, when it stood due as the clock stopped."
    )
    next_deadline_held_seconds: Mapped[int | None] = mapped_column(
        comment="While a pause holds that deadline: the seconds that were left when the clock stopped."
    )

    # Each clock met or breached once its step is done, kept by `requests.stored_deadlines` with the next
    # deadline, so timeliness counts them in SQL [issue 18]. Derived: `deadlines.deadlines` explains them.
    initial_checks_met: Mapped[bool | None] = mapped_column(
        comment="Derived: the initial checks were done by their deadline (empty until done)."
    )
    meeting_met: Mapped[bool | None] = mapped_column(
        comment="Derived: the face-to-face meeting was held by its deadline (empty until held or none)."
    )
    completion_met: Mapped[bool | None] = mapped_column(
        comment="Derived: the outcome reached the recipient by the whole-process deadline (empty until then)."
    )

    parties: Mapped[list[CaseParty]] = relationship(back_populates="request", cascade="all, delete-orphan")
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ClockPause.started_at"
    )
    extensions: Mapped[list[ClockExtension]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ClockExtension.created_at"
    )
    incidents: Mapped[list[TriageIncident]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="TriageIncident.position",
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}

    def parties_in(self, role: PartyRole) -> list[CaseParty]:
        return [p for p in self.parties if p.role == role.value]


class CaseParty(IdMixin, TimestampMixin, Base):
    __tablename__ = "case_parties"
    __table_args__ = (
        CheckConstraint(one_of("role", PartyRole), name="known_role"),
        UniqueConstraint("request_id", "person_id", "role", name="uq_case_parties_request_person_role"),
        Index("ix_case_parties_person", "person_id", "role"),
        {"comment": "A person from the people index in a role on a case (applicant, subject, child...)."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id"), comment="The person in the people index."
    )
    role: Mapped[str] = mapped_column(String(30), comment="Applicant, person at risk, subject, child, ...")
    relationship_to_person_at_risk: Mapped[str] = mapped_column(
        String(200),
        default="",
        comment="E.g. mother, friend, social worker; or the relationship to the child.",
    )
    relationship_to_child: Mapped[str] = mapped_column(
        String(30),
        default="",
        server_default="",
        comment="Sarah's Law: the person's relationship to the named child (ChildRelationship), if recorded.",
    )
    safe_channels: Mapped[str] = mapped_column(
        String(100),
        default="",
        server_default="",
        comment="The ways of contact that are safe (SafeChannel values, comma separated); empty: none "
        "recorded.",
    )
    safe_phone: Mapped[str] = mapped_column(
        String(40), default="", server_default="", comment="The safe number for calls or texts."
    )
    safe_email: Mapped[str] = mapped_column(
        String(200), default="", server_default="", comment="The safe email address."
    )
    safe_address: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="The safe postal address (may not be where they live)."
    )
    no_messages: Mapped[bool] = mapped_column(
        default=False, server_default=false(), comment="Do not leave messages (voicemail, with others)."
    )
    safe_contact_method: Mapped[str] = mapped_column(
        Text, default="", comment="Anything else about contacting the person safely."
    )
    safe_times: Mapped[str] = mapped_column(Text, default="", comment="When contact is safe.")

    @property
    def channels(self) -> frozenset[SafeChannel]:
        return frozenset(SafeChannel(c) for c in self.safe_channels.split(",") if c)

    added_by_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="Who added the person to the case."
    )

    request: Mapped[DisclosureRequest] = relationship(back_populates="parties")


class ClockPause(IdMixin, Base):
    __tablename__ = "clock_pauses"
    __table_args__ = {"comment": "A stop of the case's clocks, with its reason; shown in every deadline."}

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    started_at: Mapped[datetime] = mapped_column(comment="When the clock stopped.")
    ended_at: Mapped[datetime | None] = mapped_column(comment="When it restarted (empty while paused).")
    reason_code: Mapped[str] = mapped_column(
        String(40),
        default="",
        server_default="",
        comment="The reason from the configured list (ClockReason).",
    )
    reason: Mapped[str] = mapped_column(Text, comment="Why the clock is paused.")
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who paused it.")

    request: Mapped[DisclosureRequest] = relationship(back_populates="pauses")


class ClockExtension(IdMixin, Base):
    __tablename__ = "clock_extensions"
    __table_args__ = {
        "comment": "Extra days on a deadline for recorded exceptional circumstances [DVDS-2023]."
    }

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    rule_key: Mapped[str] = mapped_column(String(30), comment="Which deadline is extended (e.g. completion).")
    days: Mapped[int] = mapped_column(comment="Calendar days added.")
    reason_code: Mapped[str] = mapped_column(
        String(40), default="", server_default="", comment="The circumstance from the configured list."
    )
    reason: Mapped[str] = mapped_column(Text, comment="The exceptional circumstances.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded.")
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")

    request: Mapped[DisclosureRequest] = relationship(back_populates="extensions")


class TriageIncident(IdMixin, Base):
    """A previous incident known at triage. The policy's number of them within its months (3 in 12)
    flags potential escalation, a MARAC referral criterion [SafeLives][MARAC-criteria]."""

    __tablename__ = "triage_incidents"
    __table_args__ = {"comment": "Previous incidents recorded at triage (potential escalation)."}

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )
    occurred_on: Mapped[date] = mapped_column(comment="When the incident happened.")
    summary: Mapped[str] = mapped_column(Text, comment="What happened, briefly.")
    reference: Mapped[str] = mapped_column(
        String(60), default="", comment="Police or partner reference for the incident."
    )
    position: Mapped[int] = mapped_column(default=0, comment="Order as entered.")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded.")

    request: Mapped[DisclosureRequest] = relationship(back_populates="incidents")


class CaseMember(Base):
    __tablename__ = "case_members"
    __table_args__ = {"comment": "The case team: people with a need to know (assignee, researchers, panel)."}

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True, comment="The case."
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), primary_key=True, comment="Team member."
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When they joined the team.")


class AccessGrant(IdMixin, StatedReasonGrant, Base):
    __tablename__ = "access_grants"
    __table_args__ = (
        Index("ix_access_grants_user_request", "user_id", "request_id", "expires_at"),
        {"comment": "A user outside the case team opening the case for a stated reason (audited)."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), comment="The case."
    )


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"
    __table_args__ = {"comment": "Last case number issued per scheme and year (gap-free references)."}

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True, comment="E.g. DVDS-2026.")
    last_number: Mapped[int] = mapped_column(default=0, comment="Last number issued.")


class ClockPolicy(IdMixin, Base):
    """Reference data seeded by migration 0003; administrators may add versions. The policy whose dates
    contain the first-contact date applies to a request [DVDS-2023][Lancs][ASP-CSODS][WYP-CSODS]."""

    __tablename__ = "clock_policies"
    __table_args__ = (
        UniqueConstraint("code", name="uq_clock_policies_code"),
        {"comment": "Versioned timescales for each scheme, chosen by the first-contact date."},
    )

    code: Mapped[str] = mapped_column(String(30), comment="E.g. dvds-2023.")
    scheme: Mapped[str] = mapped_column(String(10), comment="dvds or csods.")
    name: Mapped[str] = mapped_column(String(200), comment="Guidance the timescales come from.")
    effective_from: Mapped[date] = mapped_column(comment="First first-contact date it applies to.")
    effective_to: Mapped[date | None] = mapped_column(
        comment="Last first-contact date it applies to (empty: open)."
    )
    initial_checks_hours: Mapped[int] = mapped_column(comment="Initial checks and triage, in hours.")
    meeting_working_days: Mapped[int | None] = mapped_column(
        comment="Face-to-face meeting, in working days (none for Right to Know)."
    )
    completion_days: Mapped[int] = mapped_column(comment="Whole process, in calendar days.")
    max_extensions: Mapped[int] = mapped_column(
        default=2, server_default="2", comment="Extensions a case may have under this policy."
    )
    no_disclosure_days: Mapped[int | None] = mapped_column(
        comment="Whole process for a case ending without a disclosure, where it differs (CSODS 2010: 35)."
    )
    escalation_incidents: Mapped[int] = mapped_column(
        default=3, server_default="3", comment="Incidents within escalation_months that flag escalation."
    )
    escalation_months: Mapped[int] = mapped_column(
        default=12, server_default="12", comment="The window, in months before triage, for those incidents."
    )
    source: Mapped[str] = mapped_column(Text, comment="Citation for these timescales.")


class DeadlineBasis(Base):
    __tablename__ = "deadline_basis"
    __table_args__ = {
        "comment": "What the stored next deadlines were computed under (bank holidays, nation, policies)."
    }

    key: Mapped[str] = mapped_column(String(30), primary_key=True, comment="Always 'requests'.")
    fingerprint: Mapped[str] = mapped_column(
        String(64), comment="SHA-256 over the calendar and clock policies the deadlines were computed with."
    )
    computed_at: Mapped[datetime] = mapped_column(comment="When they were last recomputed.")


class ClockReason(IdMixin, Base):
    """The configured reasons a clock may be paused for, and the exceptional circumstances that may extend
    a deadline [DVDS-2023] [issue 15]: reference data seeded by migration 0017."""

    __tablename__ = "clock_reasons"
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_clock_reasons_kind_code"),
        CheckConstraint("kind IN ('pause', 'extension')", name="known_kind"),
        {"comment": "Reasons for pausing a clock and exceptional circumstances for extending a deadline."},
    )

    kind: Mapped[str] = mapped_column(String(10), comment="pause or extension.")
    code: Mapped[str] = mapped_column(String(40), comment="Short stable code.")
    label: Mapped[str] = mapped_column(String(200), comment="As users read it.")
    active: Mapped[bool] = mapped_column(default=True, comment="Offered for new pauses and extensions.")
    position: Mapped[int] = mapped_column(default=0, comment="Order in the list.")
