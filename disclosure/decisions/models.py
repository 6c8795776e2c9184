"""Decision records: panel reference data (member agencies, no-disclosure reasons, the quorum policy), panel
meetings with members and an agenda of submitted package versions, attendance per case, and the decision
itself with the legal tests, agency views, sign-off and addenda [issue 5]. A signed decision cannot change:
triggers refuse updates to it and to its agency views (migration 0007); corrections are addenda."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of, utcnow
from disclosure.decisions.vocabulary import (
    Capacity,
    DecisionStatus,
    Forum,
    MeetingStatus,
    Outcome,
    Ratification,
    View,
)


class PanelAgency(IdMixin, VersionMixin, Base):
    """An agency that sits on decision panels (police, probation, children's social care...): reference data
    seeded by migration 0007, changed by administrators."""

    __tablename__ = "panel_agencies"
    __table_args__ = (
        UniqueConstraint("code", name="uq_panel_agencies_code"),
        {"comment": "Agencies that sit on decision panels (configurable)."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    code: Mapped[str] = mapped_column(String(40), comment="Short stable code, e.g. police.")
    name: Mapped[str] = mapped_column(String(200), comment="Name shown on attendance and minutes.")
    position: Mapped[int] = mapped_column(default=0, comment="Order in lists.")
    active: Mapped[bool] = mapped_column(default=True, comment="Offered for new panel members.")


class NoDisclosureReason(IdMixin, VersionMixin, Base):
    """A reason a panel may give for not disclosing (DOMAIN.md "No disclosure"), configurable."""

    __tablename__ = "no_disclosure_reasons"
    __table_args__ = (
        UniqueConstraint("code", name="uq_no_disclosure_reasons_code"),
        {"comment": "Reasons for a decision not to disclose (configurable list)."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    code: Mapped[str] = mapped_column(String(40), comment="Short stable code.")
    label: Mapped[str] = mapped_column(String(200), comment="The reason as shown and recorded.")
    position: Mapped[int] = mapped_column(default=0, comment="Order in lists.")
    active: Mapped[bool] = mapped_column(default=True, comment="Offered for new decisions.")


class PanelPolicy(IdMixin, VersionMixin, TimestampMixin, Base):
    """The quorum and sign-off rules (one row). No national quorum exists, so it is configuration
    (DOMAIN.md "Decision"); each decision keeps a copy of the rule it was made under."""

    __tablename__ = "panel_policy"
    __table_args__ = (
        CheckConstraint("min_other_agencies >= 0 AND min_other_agencies <= 10", name="other_range"),
        {"comment": "Quorum and sign-off rules for decision panels (one row)."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    required_agency_codes: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Panel agencies that must take part in every decision, e.g. police."
    )
    min_other_agencies: Mapped[int] = mapped_column(
        default=1, comment="How many further agencies must take part besides the required ones."
    )
    signer_not_drafter: Mapped[bool] = mapped_column(
        default=True, comment="Whether the chair who signs must be someone other than the drafter."
    )


class PanelMeeting(IdMixin, TimestampMixin, VersionMixin, Base):
    """A panel meeting: forum, when and where, its chair, members by agency and an agenda."""

    __tablename__ = "panel_meetings"
    __table_args__ = (
        CheckConstraint(one_of("forum", Forum), name="known_forum"),
        CheckConstraint(one_of("status", MeetingStatus), name="known_status"),
        Index("ix_panel_meetings_status_meets_at", "status", "meets_at", "id"),  # the panels list's pages
        {"comment": "Multi-agency panel meetings that decide disclosure requests."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    forum: Mapped[str] = mapped_column(String(30), comment="Disclosure panel, MARAC or MAPPA.")
    meets_at: Mapped[datetime] = mapped_column(comment="When the panel meets (UTC).")
    location: Mapped[str] = mapped_column(String(200), default="", comment="Room or call details.")
    chair_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="The chair (panel chair role)."
    )
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED.value, comment="Status.")
    convened_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who convened it.")

    members: Mapped[list[PanelMember]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="PanelMember.created_at"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class PanelMember(IdMixin, Base):
    """A person invited to a meeting, for an agency. The chair is a member too."""

    __tablename__ = "panel_members"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_panel_members_meeting_user"),
        {"comment": "Who sits on each panel meeting, for which agency."},
    )

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meetings.id", ondelete="CASCADE"), index=True, comment="The meeting."
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="The member.")
    panel_agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_agencies.id"), comment="The agency they represent."
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When they were added.")

    meeting: Mapped[PanelMeeting] = relationship(back_populates="members")
    agency: Mapped[PanelAgency] = relationship()


class AgendaItem(IdMixin, TimestampMixin, Base):
    """A case on a meeting's agenda, with the submitted package version the panel decides on."""

    __tablename__ = "agenda_items"
    __table_args__ = {"comment": "Cases on a panel meeting's agenda and the package version to decide on."}

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_meetings.id", ondelete="CASCADE"), index=True, comment="The meeting."
    )
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id"), index=True, comment="The disclosure request."
    )
    package_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("package_versions.id"), comment="The frozen package version put to the panel."
    )
    position: Mapped[int] = mapped_column(comment="Order on the agenda.")
    removed_at: Mapped[datetime | None] = mapped_column(comment="When it was taken off the agenda.")
    removed_reason: Mapped[str] = mapped_column(Text, default="", comment="Why it was taken off.")

    meeting: Mapped[PanelMeeting] = relationship(back_populates="items")
    attendance: Mapped[list[Attendance]] = relationship(back_populates="item", cascade="all, delete-orphan")


class Attendance(Base):
    """Whether a member took part in one case: present or not, and any conflict of interest (a member
    with a conflict is recorded as not taking part)."""

    __tablename__ = "attendance"
    __table_args__ = {"comment": "Attendance per agenda item: present, absent or conflicted."}

    agenda_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True, comment="The agenda item."
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel_members.id", ondelete="CASCADE"), primary_key=True, comment="The member."
    )
    present: Mapped[bool] = mapped_column(Boolean, comment="Present for this case.")
    conflict: Mapped[bool] = mapped_column(Boolean, default=False, comment="Declared a conflict of interest.")
    conflict_note: Mapped[str] = mapped_column(Text, default="", comment="The conflict, as declared.")

    item: Mapped[AgendaItem] = relationship(back_populates="attendance")

    @property
    def takes_part(self) -> bool:
        return self.present and not self.conflict


class Decision(IdMixin, TimestampMixin, VersionMixin, Base):
    """The panel's decision on one agenda item. Drafted, then signed off by the chair after
    re-authentication; signed rows are immutable (database triggers), corrections are addenda."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", name="uq_decisions_agenda_item_id"),
        CheckConstraint(one_of("outcome", Outcome), name="known_outcome"),
        CheckConstraint(one_of("status", DecisionStatus), name="known_status"),
        {"comment": "Disclosure decisions with the legal tests, recipients, views and sign-off."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    agenda_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agenda_items.id"), comment="Agenda item.")
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id"), index=True, comment="The request."
    )
    package_version_number: Mapped[int] = mapped_column(comment="The package version decided on.")
    status: Mapped[str] = mapped_column(String(20), default=DecisionStatus.DRAFT.value, comment="Status.")
    outcome: Mapped[str] = mapped_column(String(20), comment="Disclose, do not disclose, or defer.")
    legal_tests: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, comment="Each legal test: met (yes/no) and the reasoning."
    )
    article8: Mapped[str] = mapped_column(Text, default="", comment="The Article 8 ECHR balance, reasoned.")
    spent_convictions: Mapped[str] = mapped_column(
        String(20), default="", comment="How spent convictions were treated."
    )
    spent_reasoning: Mapped[str] = mapped_column(Text, default="", comment="Reasoning on spent convictions.")
    wording: Mapped[str] = mapped_column(Text, default="", comment="The exact words to be disclosed.")
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, comment="Who is told, in what capacity (party, name, capacity)."
    )
    recipient_reasons: Mapped[str] = mapped_column(
        Text, default="", comment="Why each recipient other than the person at risk is the right one."
    )
    deliverer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="The officer who will deliver the disclosure in person."
    )
    subject_views_sought: Mapped[bool | None] = mapped_column(
        comment="Whether the subject's views were sought."
    )
    subject_views: Mapped[str] = mapped_column(
        Text, default="", comment="The subject's views, or why not sought."
    )
    subject_told: Mapped[bool | None] = mapped_column(
        comment="Whether the subject will be told of the disclosure."
    )
    subject_told_reason: Mapped[str] = mapped_column(
        Text, default="", comment="Why the subject is or is not told."
    )
    safety_plan: Mapped[str] = mapped_column(Text, default="", comment="The safety plan for the recipient.")
    safeguarding: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Further safeguarding actions (MARAC, IDVA, social care referral...)."
    )
    safeguarding_details: Mapped[str] = mapped_column(Text, default="", comment="Details of those actions.")
    no_disclosure_reason_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("no_disclosure_reasons.id"), comment="Why not (configured list)."
    )
    safety_advice: Mapped[str] = mapped_column(
        Text, default="", comment="Safety advice still given when nothing is disclosed."
    )
    applicant_told: Mapped[str] = mapped_column(Text, default="", comment="What the applicant will be told.")
    presumption_applies: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="Sarah's Law: the package decided on records child sexual offence convictions and a risk.",
    )
    urgent_ratification: Mapped[str] = mapped_column(
        String(20),
        default="",
        server_default="",
        comment="The panel's answer on urgent disclosures awaiting ratification (Ratification), if any.",
    )
    urgent_ratification_notes: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="Why an urgent disclosure was not ratified."
    )
    presumption_departure: Mapped[str] = mapped_column(
        Text,
        default="",
        server_default="",
        comment="Why the panel departs from the presumption to disclose, when it decides not to disclose.",
    )
    questions: Mapped[str] = mapped_column(Text, default="", comment="Deferral: what research must answer.")
    rationale: Mapped[str] = mapped_column(Text, default="", comment="The chair's final rationale.")
    quorum: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, comment="Who took part and the quorum rule applied, when signed."
    )
    drafted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who drafted it.")
    signed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="The signing chair."
    )
    signed_at: Mapped[datetime | None] = mapped_column(comment="When it was signed off (UTC).")

    views: Mapped[list[AgencyView]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="AgencyView.position"
    )
    addenda: Mapped[list[Addendum]] = relationship(back_populates="decision", order_by="Addendum.added_at")


class AgencyView(IdMixin, Base):
    """One agency's view of the decision; dissent needs its reasons."""

    __tablename__ = "agency_views"
    __table_args__ = (
        UniqueConstraint("decision_id", "panel_agency_id", name="uq_agency_views_decision_agency"),
        CheckConstraint(one_of("view", View), name="known_view"),
        {"comment": "Each agency's view of a decision, with dissent reasoned."},
    )

    decision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True, comment="The decision."
    )
    panel_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("panel_agencies.id"), comment="The agency.")
    position: Mapped[int] = mapped_column(default=0, comment="Order shown.")
    view: Mapped[str] = mapped_column(String(20), comment="Agrees or dissents.")
    reasons: Mapped[str] = mapped_column(Text, default="", comment="Reasons (required for dissent).")

    decision: Mapped[Decision] = relationship(back_populates="views")
    agency: Mapped[PanelAgency] = relationship()


class Addendum(IdMixin, Base):
    """A correction to a signed decision, with its reason, shown with the original (never replacing it)."""

    __tablename__ = "decision_addenda"
    __table_args__ = {"comment": "Corrections to signed decisions, with reasons; the original is unchanged."}

    decision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("decisions.id"), index=True, comment="The signed decision."
    )
    text: Mapped[str] = mapped_column(Text, comment="The correction or addition.")
    reason: Mapped[str] = mapped_column(Text, comment="Why it was needed.")
    added_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who added it.")
    added_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC).")

    decision: Mapped[Decision] = relationship(back_populates="addenda")


class UrgentDisclosure(IdMixin, Base):
    """A disclosure made before the panel because immediate protection needed it [Beds] (DOMAIN.md: "disclose
    at the initial stage only if needed for immediate protection"): authorised by an officer holding the
    urgent disclosure authority, recorded with what was said, to whom and why, and put to the next panel,
    whose decision ratifies it or not. Written once; only the ratification is added later."""

    __tablename__ = "urgent_disclosures"
    __table_args__ = (
        CheckConstraint(one_of("capacity", Capacity), name="known_capacity"),
        CheckConstraint(one_of("ratification", ["", *Ratification]), name="known_ratification"),
        {"comment": "Disclosures made at first contact for immediate protection, and their ratification."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True, comment="The case."
    )
    recipient_party_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_parties.id", ondelete="SET NULL"), comment="Who was told (their place on the case)."
    )
    recipient_name: Mapped[str] = mapped_column(String(200), comment="Who was told, as named then.")
    capacity: Mapped[str] = mapped_column(String(30), comment="In what capacity they were told.")
    said: Mapped[str] = mapped_column(Text, comment="What was said, in the words used.")
    reason: Mapped[str] = mapped_column(Text, comment="Why it could not wait for the panel.")
    said_at: Mapped[datetime] = mapped_column(comment="When it was said.")
    said_by: Mapped[str] = mapped_column(String(200), comment="The officer who said it.")
    authorised_by_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id"), comment="The officer holding the urgent disclosure authority."
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded.")
    ratification: Mapped[str] = mapped_column(
        String(20), default="", comment="The panel's answer (empty: awaiting the next panel)."
    )
    ratification_notes: Mapped[str] = mapped_column(Text, default="", comment="Why it was not ratified.")
    ratified_decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("decisions.id"), comment="The signed decision that answered it."
    )
    ratified_at: Mapped[datetime | None] = mapped_column(comment="When that decision was signed.")
