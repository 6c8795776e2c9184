"""Missing-person coordination [issue 7]: episodes with their full risk history, return home interviews,
the repeat-missing rule, protocol forms held for release, partner notifications gathered into digests,
possible Right to Know considerations, and imports of the police feed with the people they could not match
with certainty. Rules: DOMAIN.md "Missing-person coordination in a MASH" [APP-missing][Lewisham]."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin, one_of, utcnow
from disclosure.missing.vocabulary import (
    UNFINISHED_IMPORT_STATUSES,
    CareStatus,
    ConsiderationStatus,
    EpisodeStatus,
    ImportStatus,
    InterviewKind,
    InterviewOutcome,
    MatchStatus,
    PartnerRole,
    ProtocolKind,
    SafeAndWell,
    UnreachedReason,
)


class RiskLevel(IdMixin, TimestampMixin, VersionMixin, Base):
    """One step of the risk continuum (no apparent risk or very low, low, medium, high), reference data
    seeded by migration 0009 and worded by administrators [APP-missing]."""

    __tablename__ = "missing_risk_levels"
    __table_args__ = (
        UniqueConstraint("code", name="uq_missing_risk_levels_code"),
        {"comment": "The configured risk levels for missing episodes, lowest rank first."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    code: Mapped[str] = mapped_column(String(40), comment="Stable code, e.g. high.")
    label: Mapped[str] = mapped_column(String(100), comment="Wording shown to staff.")
    description: Mapped[str] = mapped_column(Text, default="", comment="What the level means locally.")
    rank: Mapped[int] = mapped_column(comment="Order on the continuum: higher is more risk.")
    urgent: Mapped[bool] = mapped_column(
        default=False, comment="Whether partners are told at once rather than in the next digest."
    )
    active: Mapped[bool] = mapped_column(default=True, comment="Whether it can be chosen for new changes.")


class MissingSettings(IdMixin, TimestampMixin, VersionMixin, Base):
    """The local rules (one row): no national repeat-missing threshold exists, so it is configuration
    [Bromley]; the digest period, how long an urgent notification may wait for acknowledgement, and the
    children's social care whose MASH mailbox hears of a child nobody else is named to be told about
    [Wales-SP]."""

    __tablename__ = "missing_settings"
    __table_args__ = (
        CheckConstraint("repeat_episodes >= 2 AND repeat_episodes <= 50", name="repeat_episodes_range"),
        CheckConstraint("repeat_days >= 1 AND repeat_days <= 730", name="repeat_days_range"),
        CheckConstraint("digest_hours >= 1 AND digest_hours <= 168", name="digest_hours_range"),
        CheckConstraint("escalate_hours >= 1 AND escalate_hours <= 72", name="escalate_hours_range"),
        {"comment": "Repeat-missing threshold, digest period and escalation time (one row)."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    repeat_episodes: Mapped[int] = mapped_column(default=3, comment="N: episodes that make a repeat.")
    repeat_days: Mapped[int] = mapped_column(default=90, comment="M: within this many days.")
    digest_hours: Mapped[int] = mapped_column(default=24, comment="Length of a partner digest period.")
    escalate_hours: Mapped[int] = mapped_column(
        default=2, comment="Hours an urgent notification may go unacknowledged before it escalates."
    )
    childrens_social_care_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"),
        comment="Children's social care, whose MASH mailbox hears of a child with no social worker "
        "or placing authority.",
    )


class Episode(IdMixin, TimestampMixin, VersionMixin, Base):
    """One missing episode of one person, from report to return [APP-missing][Lewisham]."""

    __tablename__ = "missing_episodes"
    __table_args__ = (
        UniqueConstraint("police_reference", name="uq_missing_episodes_police_reference"),
        CheckConstraint(one_of("status", EpisodeStatus), name="known_status"),
        CheckConstraint(one_of("care_status", CareStatus), name="known_care_status"),
        CheckConstraint(one_of("safe_and_well", SafeAndWell, nullable=True), name="known_safe_and_well"),
        CheckConstraint("status = 'open' OR returned_at IS NOT NULL", name="closed_has_return"),
        Index("ix_missing_episodes_person_reported", "person_id", "reported_at"),
        Index("ix_missing_episodes_status_reported", "status", "reported_at"),
        # The returns read a year's episodes from these alone (migration 0038).
        Index("ix_missing_episodes_reported", "reported_at", "person_id", "care_status", "id"),
        Index("ix_missing_episodes_returned", "returned_at", "id"),
        {"comment": "Missing-person episodes: report, last seen, risk, return and safe-and-well check."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    police_reference: Mapped[str | None] = mapped_column(
        String(40), comment="The police missing-person reference (unique; the feed's key)."
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id"), comment="The person (empty while a feed row's match awaits confirmation)."
    )
    reported_name: Mapped[str] = mapped_column(
        String(400), default="", comment="The name as reported, kept for rows still to be matched."
    )
    status: Mapped[str] = mapped_column(
        String(10), default=EpisodeStatus.OPEN.value, comment="open or closed."
    )
    care_status: Mapped[str] = mapped_column(
        String(20), default=CareStatus.NONE.value, comment="Care status when missing."
    )
    placing_authority_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"), comment="The placing authority (a partner agency), if any."
    )
    placement: Mapped[str] = mapped_column(
        String(200), default="", comment="Where the person lives or is placed (home, foster carer...)."
    )
    reported_at: Mapped[datetime] = mapped_column(comment="When the person was reported missing (UTC).")
    reported_by: Mapped[str] = mapped_column(String(200), default="", comment="Who reported it.")
    last_seen_at: Mapped[datetime | None] = mapped_column(comment="When last seen (UTC).")
    last_seen_place: Mapped[str] = mapped_column(String(300), default="", comment="Where last seen.")
    clothing: Mapped[str] = mapped_column(Text, default="", comment="Clothing when last seen.")
    risk_level: Mapped[str] = mapped_column(String(40), comment="Current risk level code.")
    exploitation: Mapped[bool] = mapped_column(default=False, comment="Risk factor: exploitation.")
    mental_health: Mapped[bool] = mapped_column(default=False, comment="Risk factor: mental health.")
    self_harm: Mapped[bool] = mapped_column(default=False, comment="Risk factor: self-harm.")
    medication: Mapped[bool] = mapped_column(default=False, comment="Risk factor: needs medication.")
    social_worker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="The allocated social worker (a partner user), if any."
    )
    school_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"), comment="The school or education service to tell, if any."
    )
    health_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"), comment="The health service to tell, if any."
    )
    returned_at: Mapped[datetime | None] = mapped_column(comment="When found or returned (UTC).")
    return_place: Mapped[str] = mapped_column(String(300), default="", comment="Where found.")
    returned_with: Mapped[str] = mapped_column(String(300), default="", comment="Who they were with.")
    safe_and_well: Mapped[str | None] = mapped_column(String(20), comment="Police safe-and-well check.")
    safe_and_well_notes: Mapped[str] = mapped_column(Text, default="", comment="What the check found.")
    source: Mapped[str] = mapped_column(String(10), default="service", comment="service or feed.")
    import_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("missing_imports.id"), comment="The feed import that brought it, if any."
    )
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")

    risk_changes: Mapped[list[RiskChange]] = relationship(
        back_populates="episode", order_by="RiskChange.recorded_at", cascade="all, delete-orphan"
    )
    interview: Mapped[ReturnInterview | None] = relationship(back_populates="episode", uselist=False)

    @property
    def risk_factors(self) -> list[str]:
        return [f for f in ("exploitation", "mental_health", "self_harm", "medication") if getattr(self, f)]

    @property
    def is_open(self) -> bool:
        return self.status == EpisodeStatus.OPEN


class RiskChange(IdMixin, Base):
    """One assessment of risk, never edited: level, rationale, the source of the information and when it
    was obtained; the risk is reviewed continually [APP-missing]."""

    __tablename__ = "missing_risk_changes"
    __table_args__ = (
        Index("ix_missing_risk_changes_episode", "episode_id"),
        {"comment": "Every risk level given to an episode, with rationale, source and time (append-only)."},
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_episodes.id", ondelete="CASCADE"), comment="The episode."
    )
    level: Mapped[str] = mapped_column(String(40), comment="Risk level code.")
    previous_level: Mapped[str] = mapped_column(String(40), default="", comment="The level before.")
    rationale: Mapped[str] = mapped_column(Text, comment="Why this level.")
    source: Mapped[str] = mapped_column(String(300), comment="Where the information came from.")
    obtained_at: Mapped[datetime] = mapped_column(comment="When the information was obtained (UTC).")
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who recorded it.")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it was recorded (UTC).")

    episode: Mapped[Episode] = relationship(back_populates="risk_changes")


class ReturnInterview(IdMixin, TimestampMixin, VersionMixin, Base):
    """The return home interview of a child: offered after every episode within 72 hours of return, by
    someone independent of the placement; not offering one needs a reason [MissingPeople-2024][Lewisham].
    An adult's episode has a prevention interview instead (`kind`): optional, with no clock and no reason
    needed for not offering one."""

    __tablename__ = "return_interviews"
    __table_args__ = (
        UniqueConstraint("episode_id", name="uq_return_interviews_episode_id"),
        CheckConstraint(one_of("outcome", InterviewOutcome), name="known_outcome"),
        CheckConstraint(one_of("kind", InterviewKind), name="known_kind"),
        CheckConstraint(
            "kind = 'prevention' OR outcome <> 'not_offered' OR reason <> ''", name="not_offered_has_reason"
        ),
        CheckConstraint(
            "(kind = 'return_home' AND due_at IS NOT NULL) OR (kind = 'prevention' AND due_at IS NULL)",
            name="clock_by_kind",
        ),
        Index("ix_return_interviews_kind_outcome_due", "kind", "outcome", "due_at"),
        Index(  # what the returns count of each episode's interview, from the index alone
            "ix_return_interviews_episode_outcome", "episode_id", "kind", "outcome", "due_at", "completed_at"
        ),
        {"comment": "Return home interviews: due time, outcome, interviewer and who the findings went to."},
    )
    __mapper_args__ = {"version_id_col": VersionMixin.version}

    episode_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_episodes.id", ondelete="CASCADE"), comment="The episode."
    )
    kind: Mapped[str] = mapped_column(
        String(20),
        default=InterviewKind.RETURN_HOME.value,
        comment="return_home for a child; prevention (optional, no clock) for an adult.",
    )
    due_at: Mapped[datetime | None] = mapped_column(
        comment="72 hours after the return (UTC); empty for a prevention interview."
    )
    outcome: Mapped[str] = mapped_column(
        String(20), default=InterviewOutcome.DUE.value, comment="Where the interview stands."
    )
    reason: Mapped[str] = mapped_column(Text, default="", comment="Why not offered, or why declined.")
    offered_at: Mapped[datetime | None] = mapped_column(comment="When it was offered (UTC).")
    completed_at: Mapped[datetime | None] = mapped_column(comment="When it took place (UTC).")
    interviewer_name: Mapped[str] = mapped_column(String(200), default="", comment="Who interviewed.")
    interviewer_organisation: Mapped[str] = mapped_column(
        String(200), default="", comment="Their organisation, independent of the placement."
    )
    findings: Mapped[str] = mapped_column(Text, default="", comment="What the interview found.")
    shared_with: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="Partner agency codes the findings were shared with."
    )
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who last recorded the outcome."
    )

    episode: Mapped[Episode] = relationship(back_populates="interview")


class ProtocolForm(IdMixin, TimestampMixin, Base):
    """A Philomena or Herbert form lodged in advance by the carer's organisation and released to police
    only while the person has an open episode [Philomena][Herbert]."""

    __tablename__ = "protocol_forms"
    __table_args__ = (
        CheckConstraint(one_of("kind", ProtocolKind), name="known_kind"),
        Index("ix_protocol_forms_person", "person_id"),
        Index("ix_protocol_forms_agency", "agency_id"),
        {"comment": "Philomena and Herbert protocol forms held by carers' organisations for release."},
    )

    kind: Mapped[str] = mapped_column(String(20), comment="philomena or herbert.")
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id"), comment="The person (empty while the match awaits confirmation)."
    )
    person_name: Mapped[str] = mapped_column(String(400), comment="The name the carer gave.")
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agencies.id"), comment="The carer's organisation."
    )
    filename: Mapped[str] = mapped_column(String(200), comment="The file's name as uploaded.")
    content_type: Mapped[str] = mapped_column(String(100), comment="The file's checked type.")
    size: Mapped[int] = mapped_column(comment="Size in bytes.")
    file_key: Mapped[str] = mapped_column(String(64), comment="The file in the attachment store.")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the file.")
    lodged_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who lodged it.")
    withdrawn_at: Mapped[datetime | None] = mapped_column(comment="When the carer withdrew it (UTC).")


class Notification(IdMixin, TimestampMixin, Base):
    """What one partner is told about one person in one period: a digest gathering every episode and
    change, or an urgent notice sent at once (a child on a child-protection plan missing [Wales-SP])."""

    __tablename__ = "missing_notifications"
    __table_args__ = (
        CheckConstraint(one_of("role", PartnerRole), name="known_role"),
        # One digest per partner, recipient, person and period, even when two events arrive at once.
        UniqueConstraint("digest_key", name="uq_missing_notifications_digest_key"),
        Index("ix_missing_notifications_agency", "agency_id", "period_start"),
        Index("ix_missing_notifications_open", "sent_at", "period_end"),
        # The minute's escalations (urgent, unacknowledged, not yet escalated, sent before...) and the
        # overview's count of escalated notices still unacknowledged.
        Index("ix_missing_notifications_to_escalate", "urgent", "acknowledged_at", "escalated_at", "sent_at"),
        Index("ix_missing_notifications_escalated", "escalated_at", "acknowledged_at"),
        Index("ix_missing_notifications_person", "person_id"),
        # The partner's inbox: to acknowledge (urgent first, newest) or acknowledged (latest first).
        Index("ix_missing_notifications_inbox", "agency_id", "acknowledged_at", "urgent", "period_end", "id"),
        {"comment": "Partner notifications: one digest per partner, person and period, or urgent notices."},
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), comment="The partner agency.")
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="A named recipient in it (the allocated social worker), if any."
    )
    role: Mapped[str] = mapped_column(String(20), comment="Why they are told: social worker, school...")
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), comment="The person.")
    urgent: Mapped[bool] = mapped_column(default=False, comment="Sent at once, escalated if unacknowledged.")
    period_start: Mapped[datetime] = mapped_column(comment="Start of the digest period (UTC).")
    period_end: Mapped[datetime] = mapped_column(comment="When the digest is sent (UTC).")
    sent_at: Mapped[datetime | None] = mapped_column(comment="When it was sent (UTC).")
    acknowledged_at: Mapped[datetime | None] = mapped_column(comment="When the partner acknowledged it.")
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who acknowledged it."
    )
    escalated_at: Mapped[datetime | None] = mapped_column(comment="When it escalated unacknowledged (UTC).")
    digest_key: Mapped[str | None] = mapped_column(
        String(200),
        comment="Partner, recipient, person and period of a digest (unique); empty for urgent notices.",
    )

    items: Mapped[list[NotificationItem]] = relationship(
        back_populates="notification", order_by="NotificationItem.created_at", cascade="all, delete-orphan"
    )


class NotificationItem(IdMixin, Base):
    """One line of a digest: an episode reported, its risk changed, the person returned, an interview."""

    __tablename__ = "missing_notification_items"
    __table_args__ = (
        Index("ix_missing_notification_items_notification", "notification_id"),
        {"comment": "The events listed in a partner notification."},
    )

    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_notifications.id", ondelete="CASCADE"), comment="The notification."
    )
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("missing_episodes.id"), comment="The episode.")
    kind: Mapped[str] = mapped_column(String(30), comment="reported, risk, returned, interview, repeat.")
    summary: Mapped[str] = mapped_column(Text, comment="One line for the partner.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it happened (UTC).")

    notification: Mapped[Notification] = relationship(back_populates="items")


class UnreachedNotice(IdMixin, Base):
    """An urgent event (a child on a child-protection plan reported missing, a rise to an urgent risk) that
    reached nobody at once: no one was known to tell, the one told has no mailbox, or the person is still to
    be confirmed. Listed in red on the episode and the data administrators' home page until a later urgent
    notice about the episode reaches someone [Wales-SP]."""

    __tablename__ = "missing_unreached_notices"
    __table_args__ = (
        CheckConstraint(one_of("reason", UnreachedReason), name="known_reason"),
        Index("ix_missing_unreached_notices_episode", "episode_id"),
        Index("ix_missing_unreached_notices_open", "resolved_at", "created_at"),
        {"comment": "Urgent missing-person events that reached nobody at once, for the MASH to act on."},
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_episodes.id", ondelete="CASCADE"),
        comment="The episode the urgent event was about.",
    )
    kind: Mapped[str] = mapped_column(String(30), comment="The urgent event: reported or risk.")
    reason: Mapped[str] = mapped_column(String(20), comment="Why nobody was reached.")
    agency_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agencies.id"),
        comment="The agency whose inbox holds the notice with no mailbox to alert, if any.",
    )
    notification_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("missing_notifications.id"),
        comment="The notice kept in that agency's inbox, if one was made.",
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it happened (UTC).")
    resolved_at: Mapped[datetime | None] = mapped_column(
        comment="When a later urgent notice about the episode reached someone (UTC)."
    )


class LinkConsideration(IdMixin, TimestampMixin, Base):
    """A person in a missing episode is also a subject or person at risk in a disclosure case: a possible
    Right to Know for the data administrator to accept or dismiss with a reason [DVDS-2023]."""

    __tablename__ = "missing_link_considerations"
    __table_args__ = (
        UniqueConstraint("request_id", "person_id", name="uq_missing_link_considerations_case_person"),
        CheckConstraint(one_of("status", ConsiderationStatus), name="known_status"),
        CheckConstraint("status = 'open' OR reason <> ''", name="decided_has_reason"),
        Index("ix_missing_link_considerations_status", "status"),
        {"comment": "Possible Right to Know considerations where missing and disclosure work meet."},
    )

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("requests.id"), comment="The disclosure case.")
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), comment="The person in both.")
    episode_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_episodes.id"), comment="The episode that raised it."
    )
    party_role: Mapped[str] = mapped_column(String(40), comment="Their role on the case.")
    status: Mapped[str] = mapped_column(String(10), default=ConsiderationStatus.OPEN.value, comment="Status.")
    reason: Mapped[str] = mapped_column(Text, default="", comment="Why accepted or dismissed.")
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), comment="Who decided.")
    decided_at: Mapped[datetime | None] = mapped_column(comment="When (UTC).")


class FeedImport(IdMixin, Base):
    """One import of the police missing-person feed: its file, layout, progress and every row's fate."""

    __tablename__ = "missing_imports"
    __table_args__ = (
        CheckConstraint(one_of("status", ImportStatus), name="known_status"),
        {"comment": "Imports of the police missing-person feed, with counts and progress."},
    )

    filename: Mapped[str] = mapped_column(String(200), comment="The file's name.")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the file.")
    layout: Mapped[str] = mapped_column(String(40), comment="The column layout used.")
    status: Mapped[str] = mapped_column(String(10), default=ImportStatus.RUNNING.value, comment="Status.")
    total_rows: Mapped[int] = mapped_column(default=0, comment="Data rows in the file.")
    processed_rows: Mapped[int] = mapped_column(default=0, comment="Rows dealt with so far.")
    loaded: Mapped[int] = mapped_column(default=0, comment="New episodes loaded.")
    updated: Mapped[int] = mapped_column(default=0, comment="Known episodes whose return was added.")
    unchanged: Mapped[int] = mapped_column(default=0, comment="Rows already loaded, nothing new.")
    rejected: Mapped[int] = mapped_column(default=0, comment="Rows refused, each with its reason.")
    to_confirm: Mapped[int] = mapped_column(default=0, comment="Loaded rows awaiting a confirmed person.")
    failure: Mapped[str] = mapped_column(Text, default="", comment="Why the import stopped, if it did.")
    started_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who imported it.")
    started_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When it started (UTC).")
    finished_at: Mapped[datetime | None] = mapped_column(comment="When it finished (UTC).")
    heartbeat_at: Mapped[datetime | None] = mapped_column(
        comment="When the running import last committed a batch (UTC): one silent for long was cut off."
    )
    content: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        deferred=True,
        comment="The file, kept until the import finishes so that one that stopped can be run again.",
    )
    mapping: Mapped[str] = mapped_column(
        Text, default="", comment="The layout's mapping (JSON), kept with the file to run it again."
    )

    @property
    def percent(self) -> int:
        """How far it has got, for the progress bar (an empty file is done once it has finished)."""
        if self.total_rows:
            return int(100 * self.processed_rows / self.total_rows)
        return 0 if self.status in UNFINISHED_IMPORT_STATUSES else 100


class ImportProblem(IdMixin, Base):
    """A refused row: its line number in the file and the reason, in words a data administrator can act on."""

    __tablename__ = "missing_import_problems"
    __table_args__ = (
        Index("ix_missing_import_problems_import", "import_id", "line"),
        {"comment": "Rows of a feed import that were refused, with line number and reason."},
    )

    import_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("missing_imports.id", ondelete="CASCADE"), comment="The import."
    )
    line: Mapped[int] = mapped_column(comment="Line number in the file (the header is line 1).")
    police_reference: Mapped[str] = mapped_column(String(40), default="", comment="The row's reference.")
    reason: Mapped[str] = mapped_column(Text, comment="Why it was refused.")


class PendingMatch(IdMixin, TimestampMixin, Base):
    """A person named by the feed or on a protocol form whom matching could not place with certainty:
    the candidates are kept for a data administrator to confirm one, or to add a new person."""

    __tablename__ = "missing_pending_matches"
    __table_args__ = (
        CheckConstraint(one_of("status", MatchStatus), name="known_status"),
        CheckConstraint("episode_id IS NOT NULL OR protocol_form_id IS NOT NULL", name="has_source"),
        Index("ix_missing_pending_matches_status", "status"),
        {"comment": "People from the feed or protocol forms waiting for a confirmed match."},
    )

    episode_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("missing_episodes.id", ondelete="CASCADE"), comment="The episode awaiting its person."
    )
    protocol_form_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("protocol_forms.id", ondelete="CASCADE"), comment="The form awaiting its person."
    )
    import_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("missing_imports.id"), comment="The import that found it."
    )
    line: Mapped[int | None] = mapped_column(comment="Line in the imported file.")
    given_names: Mapped[str] = mapped_column(String(200), default="", comment="Given names as reported.")
    family_name: Mapped[str] = mapped_column(String(200), default="", comment="Family name as reported.")
    date_of_birth: Mapped[date | None] = mapped_column(comment="Date of birth as reported.")
    gender: Mapped[str] = mapped_column(String(40), default="", comment="Gender as reported.")
    postcode: Mapped[str] = mapped_column(String(10), default="", comment="Postcode as reported.")
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, comment="The likely matches found: person id, score and reasons."
    )
    status: Mapped[str] = mapped_column(String(10), default=MatchStatus.PENDING.value, comment="Status.")
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id"), comment="The person confirmed or created."
    )
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), comment="Who confirmed.")
    resolved_at: Mapped[datetime | None] = mapped_column(comment="When (UTC).")
