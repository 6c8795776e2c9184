"""Missing-person coordination: episodes and their risk history, return home interviews, the local rules
(repeat-missing threshold, digest period, escalation), protocol forms, partner notifications and the mail
outbox, Right to Know considerations, and police feed imports with the matches they left to confirm
[issue 7]. Seeds the four-step risk continuum [APP-missing] and the default rules (3 episodes in 90 days
[Bromley]; daily digests; urgent notices escalate after 2 hours).

Revision ID: 0009
Revises: 0008
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import disclosure.db
from disclosure.db import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


RISK_LEVELS = (
    (
        "no_apparent_risk",
        "No apparent risk (very low)",
        1,
        False,
        "No apparent risk of harm to the person or the public; actively reviewed.",
    ),
    ("low", "Low", 2, False, "Harm to the person or the public is possible but unlikely."),
    ("medium", "Medium", 3, False, "Harm is likely, but not serious."),
    ("high", "High", 4, True, "Serious harm is very likely; immediate deployment of resources is needed."),
)

risk_levels = sa.table(
    "missing_risk_levels",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("label", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("rank", sa.Integer()),
    sa.column("urgent", sa.Boolean()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer()),
)
settings = sa.table(
    "missing_settings",
    sa.column("id", sa.Uuid()),
    sa.column("repeat_episodes", sa.Integer()),
    sa.column("repeat_days", sa.Integer()),
    sa.column("digest_hours", sa.Integer()),
    sa.column("escalate_hours", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer()),
)


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"a1b2c3d4-0009-7000-8000-{n:012d}")


def _seed() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        risk_levels,
        [
            {
                "id": _id(n),
                "code": code,
                "label": label,
                "description": description,
                "rank": rank,
                "urgent": urgent,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for n, (code, label, rank, urgent, description) in enumerate(RISK_LEVELS, start=1)
        ],
    )
    op.bulk_insert(
        settings,
        [
            {
                "id": _id(100),
                "repeat_episodes": 3,
                "repeat_days": 90,
                "digest_hours": 24,
                "escalate_hours": 2,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        ],
    )


def upgrade() -> None:
    op.create_table(
        "missing_risk_levels",
        sa.Column("code", sa.String(length=40), nullable=False, comment="Stable code, e.g. high."),
        sa.Column("label", sa.String(length=100), nullable=False, comment="Wording shown to staff."),
        sa.Column("description", sa.Text(), nullable=False, comment="What the level means locally."),
        sa.Column(
            "rank", sa.Integer(), nullable=False, comment="Order on the continuum: higher is more risk."
        ),
        sa.Column(
            "urgent",
            sa.Boolean(),
            nullable=False,
            comment="Whether partners are told at once rather than in the next digest.",
        ),
        sa.Column(
            "active", sa.Boolean(), nullable=False, comment="Whether it can be chosen for new changes."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_risk_levels")),
        sa.UniqueConstraint("code", name="uq_missing_risk_levels_code"),
        comment="The configured risk levels for missing episodes, lowest rank first.",
    )
    op.create_table(
        "missing_settings",
        sa.Column("repeat_episodes", sa.Integer(), nullable=False, comment="N: episodes that make a repeat."),
        sa.Column("repeat_days", sa.Integer(), nullable=False, comment="M: within this many days."),
        sa.Column("digest_hours", sa.Integer(), nullable=False, comment="Length of a partner digest period."),
        sa.Column(
            "escalate_hours",
            sa.Integer(),
            nullable=False,
            comment="Hours an urgent notification may go unacknowledged before it escalates.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "digest_hours >= 1 AND digest_hours <= 168", name=op.f("ck_missing_settings_digest_hours_range")
        ),
        sa.CheckConstraint(
            "escalate_hours >= 1 AND escalate_hours <= 72",
            name=op.f("ck_missing_settings_escalate_hours_range"),
        ),
        sa.CheckConstraint(
            "repeat_days >= 1 AND repeat_days <= 730", name=op.f("ck_missing_settings_repeat_days_range")
        ),
        sa.CheckConstraint(
            "repeat_episodes >= 2 AND repeat_episodes <= 50",
            name=op.f("ck_missing_settings_repeat_episodes_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_settings")),
        comment="Repeat-missing threshold, digest period and escalation time (one row).",
    )
    op.create_table(
        "outbox_messages",
        sa.Column("to_address", sa.String(length=320), nullable=False, comment="Recipient address."),
        sa.Column(
            "subject", sa.String(length=200), nullable=False, comment="Subject line (no personal data)."
        ),
        sa.Column("body", sa.Text(), nullable=False, comment="Plain-text body (no personal data)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was queued (UTC).",
        ),
        sa.Column(
            "sent_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the mail server accepted it (UTC).",
        ),
        sa.Column("attempts", sa.Integer(), nullable=False, comment="Sending attempts so far."),
        sa.Column("last_error", sa.Text(), nullable=False, comment="The last sending error, if any."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        comment="Mail to partners: queued in the transaction, sent by `disclosure outbox send`.",
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_unsent", ["sent_at", "created_at"], unique=False)

    op.create_table(
        "missing_imports",
        sa.Column("filename", sa.String(length=200), nullable=False, comment="The file's name."),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the file."),
        sa.Column("layout", sa.String(length=40), nullable=False, comment="The column layout used."),
        sa.Column("status", sa.String(length=10), nullable=False, comment="Status."),
        sa.Column("total_rows", sa.Integer(), nullable=False, comment="Data rows in the file."),
        sa.Column("processed_rows", sa.Integer(), nullable=False, comment="Rows dealt with so far."),
        sa.Column("loaded", sa.Integer(), nullable=False, comment="New episodes loaded."),
        sa.Column("updated", sa.Integer(), nullable=False, comment="Known episodes whose return was added."),
        sa.Column("unchanged", sa.Integer(), nullable=False, comment="Rows already loaded, nothing new."),
        sa.Column("rejected", sa.Integer(), nullable=False, comment="Rows refused, each with its reason."),
        sa.Column(
            "to_confirm",
            sa.Integer(),
            nullable=False,
            comment="Loaded rows awaiting a confirmed person.",
        ),
        sa.Column("failure", sa.Text(), nullable=False, comment="Why the import stopped, if it did."),
        sa.Column("started_by_id", sa.Uuid(), nullable=False, comment="Who imported it."),
        sa.Column(
            "started_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it started (UTC).",
        ),
        sa.Column(
            "finished_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it finished (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name=op.f("ck_missing_imports_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_missing_imports_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_imports")),
        comment="Imports of the police missing-person feed, with counts and progress.",
    )
    op.create_table(
        "missing_episodes",
        sa.Column(
            "police_reference",
            sa.String(length=40),
            nullable=True,
            comment="The police missing-person reference (unique; the feed's key).",
        ),
        sa.Column(
            "person_id",
            sa.Uuid(),
            nullable=True,
            comment="The person (empty while a feed row's match awaits confirmation).",
        ),
        sa.Column(
            "reported_name",
            sa.String(length=400),
            nullable=False,
            comment="The name as reported, kept for rows still to be matched.",
        ),
        sa.Column("status", sa.String(length=10), nullable=False, comment="open or closed."),
        sa.Column("care_status", sa.String(length=20), nullable=False, comment="Care status when missing."),
        sa.Column(
            "placing_authority_id",
            sa.Uuid(),
            nullable=True,
            comment="The placing authority (a partner agency), if any.",
        ),
        sa.Column(
            "placement",
            sa.String(length=200),
            nullable=False,
            comment="Where the person lives or is placed (home, foster carer...).",
        ),
        sa.Column(
            "reported_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the person was reported missing (UTC).",
        ),
        sa.Column("reported_by", sa.String(length=200), nullable=False, comment="Who reported it."),
        sa.Column(
            "last_seen_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When last seen (UTC).",
        ),
        sa.Column("last_seen_place", sa.String(length=300), nullable=False, comment="Where last seen."),
        sa.Column("clothing", sa.Text(), nullable=False, comment="Clothing when last seen."),
        sa.Column("risk_level", sa.String(length=40), nullable=False, comment="Current risk level code."),
        sa.Column("exploitation", sa.Boolean(), nullable=False, comment="Risk factor: exploitation."),
        sa.Column("mental_health", sa.Boolean(), nullable=False, comment="Risk factor: mental health."),
        sa.Column("self_harm", sa.Boolean(), nullable=False, comment="Risk factor: self-harm."),
        sa.Column("medication", sa.Boolean(), nullable=False, comment="Risk factor: needs medication."),
        sa.Column(
            "social_worker_id",
            sa.Uuid(),
            nullable=True,
            comment="The allocated social worker (a partner user), if any.",
        ),
        sa.Column(
            "school_id", sa.Uuid(), nullable=True, comment="The school or education service to tell, if any."
        ),
        sa.Column("health_id", sa.Uuid(), nullable=True, comment="The health service to tell, if any."),
        sa.Column(
            "returned_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When found or returned (UTC).",
        ),
        sa.Column("return_place", sa.String(length=300), nullable=False, comment="Where found."),
        sa.Column("returned_with", sa.String(length=300), nullable=False, comment="Who they were with."),
        sa.Column(
            "safe_and_well", sa.String(length=20), nullable=True, comment="Police safe-and-well check."
        ),
        sa.Column("safe_and_well_notes", sa.Text(), nullable=False, comment="What the check found."),
        sa.Column("source", sa.String(length=10), nullable=False, comment="service or feed."),
        sa.Column("import_id", sa.Uuid(), nullable=True, comment="The feed import that brought it, if any."),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "care_status IN ('none', 'looked_after', 'cp_plan', 'care_leaver', 'adult_care_needs')",
            name=op.f("ck_missing_episodes_known_care_status"),
        ),
        sa.CheckConstraint(
            "safe_and_well IS NULL OR safe_and_well IN ('completed', 'no_concerns', 'concerns', 'not_completed')",
            name=op.f("ck_missing_episodes_known_safe_and_well"),
        ),
        sa.CheckConstraint(
            "status = 'open' OR returned_at IS NOT NULL", name=op.f("ck_missing_episodes_closed_has_return")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_missing_episodes_known_status")),
        sa.ForeignKeyConstraint(
            ["health_id"], ["agencies.id"], name=op.f("fk_missing_episodes_health_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["missing_imports.id"], name=op.f("fk_missing_episodes_import_id_missing_imports")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_missing_episodes_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["placing_authority_id"],
            ["agencies.id"],
            name=op.f("fk_missing_episodes_placing_authority_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_missing_episodes_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["agencies.id"], name=op.f("fk_missing_episodes_school_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["social_worker_id"], ["users.id"], name=op.f("fk_missing_episodes_social_worker_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_episodes")),
        sa.UniqueConstraint("police_reference", name="uq_missing_episodes_police_reference"),
        comment="Missing-person episodes: report, last seen, risk, return and safe-and-well check.",
    )
    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_missing_episodes_person_reported", ["person_id", "reported_at"], unique=False
        )
        batch_op.create_index("ix_missing_episodes_status_reported", ["status", "reported_at"], unique=False)

    op.create_table(
        "missing_import_problems",
        sa.Column("import_id", sa.Uuid(), nullable=False, comment="The import."),
        sa.Column(
            "line", sa.Integer(), nullable=False, comment="Line number in the file (the header is line 1)."
        ),
        sa.Column("police_reference", sa.String(length=40), nullable=False, comment="The row's reference."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why it was refused."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["missing_imports.id"],
            name=op.f("fk_missing_import_problems_import_id_missing_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_import_problems")),
        comment="Rows of a feed import that were refused, with line number and reason.",
    )
    with op.batch_alter_table("missing_import_problems", schema=None) as batch_op:
        batch_op.create_index("ix_missing_import_problems_import", ["import_id", "line"], unique=False)

    op.create_table(
        "missing_notifications",
        sa.Column("agency_id", sa.Uuid(), nullable=False, comment="The partner agency."),
        sa.Column(
            "user_id",
            sa.Uuid(),
            nullable=True,
            comment="A named recipient in it (the allocated social worker), if any.",
        ),
        sa.Column(
            "role",
            sa.String(length=20),
            nullable=False,
            comment="Why they are told: social worker, school...",
        ),
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person."),
        sa.Column(
            "urgent", sa.Boolean(), nullable=False, comment="Sent at once, escalated if unacknowledged."
        ),
        sa.Column(
            "period_start",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="Start of the digest period (UTC).",
        ),
        sa.Column(
            "period_end",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the digest is sent (UTC).",
        ),
        sa.Column(
            "sent_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was sent (UTC).",
        ),
        sa.Column(
            "acknowledged_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the partner acknowledged it.",
        ),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True, comment="Who acknowledged it."),
        sa.Column(
            "escalated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it escalated unacknowledged (UTC).",
        ),
        sa.Column(
            "digest_key",
            sa.String(length=200),
            nullable=True,
            comment="Partner, recipient, person and period of a digest (unique); empty for urgent notices.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.CheckConstraint(
            "role IN ('social_worker', 'placing_authority', 'school', 'health')",
            name=op.f("ck_missing_notifications_known_role"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_missing_notifications_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_missing_notifications_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_missing_notifications_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_missing_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_notifications")),
        sa.UniqueConstraint("digest_key", name=op.f("uq_missing_notifications_digest_key")),
        comment="Partner notifications: one digest per partner, person and period, or urgent notices.",
    )
    with op.batch_alter_table("missing_notifications", schema=None) as batch_op:
        batch_op.create_index("ix_missing_notifications_agency", ["agency_id", "period_start"], unique=False)
        batch_op.create_index("ix_missing_notifications_open", ["sent_at", "period_end"], unique=False)
        batch_op.create_index("ix_missing_notifications_person", ["person_id"], unique=False)

    op.create_table(
        "protocol_forms",
        sa.Column("kind", sa.String(length=20), nullable=False, comment="philomena or herbert."),
        sa.Column(
            "person_id",
            sa.Uuid(),
            nullable=True,
            comment="The person (empty while the match awaits confirmation).",
        ),
        sa.Column("person_name", sa.String(length=400), nullable=False, comment="The name the carer gave."),
        sa.Column("agency_id", sa.Uuid(), nullable=False, comment="The carer's organisation."),
        sa.Column("filename", sa.String(length=200), nullable=False, comment="The file's name as uploaded."),
        sa.Column("content_type", sa.String(length=100), nullable=False, comment="The file's checked type."),
        sa.Column("size", sa.Integer(), nullable=False, comment="Size in bytes."),
        sa.Column(
            "file_key", sa.String(length=64), nullable=False, comment="The file in the attachment store."
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the file."),
        sa.Column("lodged_by_id", sa.Uuid(), nullable=False, comment="Who lodged it."),
        sa.Column(
            "withdrawn_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the carer withdrew it (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.CheckConstraint("kind IN ('philomena', 'herbert')", name=op.f("ck_protocol_forms_known_kind")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_protocol_forms_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["lodged_by_id"], ["users.id"], name=op.f("fk_protocol_forms_lodged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_protocol_forms_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_forms")),
        comment="Philomena and Herbert protocol forms held by carers' organisations for release.",
    )
    with op.batch_alter_table("protocol_forms", schema=None) as batch_op:
        batch_op.create_index("ix_protocol_forms_agency", ["agency_id"], unique=False)
        batch_op.create_index("ix_protocol_forms_person", ["person_id"], unique=False)

    op.create_table(
        "missing_link_considerations",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The disclosure case."),
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person in both."),
        sa.Column("episode_id", sa.Uuid(), nullable=False, comment="The episode that raised it."),
        sa.Column("party_role", sa.String(length=40), nullable=False, comment="Their role on the case."),
        sa.Column("status", sa.String(length=10), nullable=False, comment="Status."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why accepted or dismissed."),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True, comment="Who decided."),
        sa.Column(
            "decided_at", disclosure.db.UTCDateTime(timezone=True), nullable=True, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.CheckConstraint(
            "status = 'open' OR reason <> ''", name=op.f("ck_missing_link_considerations_decided_has_reason")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'dismissed')",
            name=op.f("ck_missing_link_considerations_known_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_missing_link_considerations_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_missing_link_considerations_episode_id_missing_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_missing_link_considerations_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_missing_link_considerations_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_link_considerations")),
        sa.UniqueConstraint("request_id", "person_id", name="uq_missing_link_considerations_case_person"),
        comment="Possible Right to Know considerations where missing and disclosure work meet.",
    )
    with op.batch_alter_table("missing_link_considerations", schema=None) as batch_op:
        batch_op.create_index("ix_missing_link_considerations_status", ["status"], unique=False)

    op.create_table(
        "missing_notification_items",
        sa.Column("notification_id", sa.Uuid(), nullable=False, comment="The notification."),
        sa.Column("episode_id", sa.Uuid(), nullable=False, comment="The episode."),
        sa.Column(
            "kind",
            sa.String(length=30),
            nullable=False,
            comment="reported, risk, returned, interview, repeat.",
        ),
        sa.Column("summary", sa.Text(), nullable=False, comment="One line for the partner."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it happened (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_missing_notification_items_episode_id_missing_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["missing_notifications.id"],
            name=op.f("fk_missing_notification_items_notification_id_missing_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_notification_items")),
        comment="The events listed in a partner notification.",
    )
    with op.batch_alter_table("missing_notification_items", schema=None) as batch_op:
        batch_op.create_index("ix_missing_notification_items_notification", ["notification_id"], unique=False)

    op.create_table(
        "missing_pending_matches",
        sa.Column("episode_id", sa.Uuid(), nullable=True, comment="The episode awaiting its person."),
        sa.Column("protocol_form_id", sa.Uuid(), nullable=True, comment="The form awaiting its person."),
        sa.Column("import_id", sa.Uuid(), nullable=True, comment="The import that found it."),
        sa.Column("line", sa.Integer(), nullable=True, comment="Line in the imported file."),
        sa.Column("given_names", sa.String(length=200), nullable=False, comment="Given names as reported."),
        sa.Column("family_name", sa.String(length=200), nullable=False, comment="Family name as reported."),
        sa.Column("date_of_birth", sa.Date(), nullable=True, comment="Date of birth as reported."),
        sa.Column("gender", sa.String(length=40), nullable=False, comment="Gender as reported."),
        sa.Column("postcode", sa.String(length=10), nullable=False, comment="Postcode as reported."),
        sa.Column(
            "candidates",
            sa.JSON(),
            nullable=False,
            comment="The likely matches found: person id, score and reasons.",
        ),
        sa.Column("status", sa.String(length=10), nullable=False, comment="Status."),
        sa.Column("person_id", sa.Uuid(), nullable=True, comment="The person confirmed or created."),
        sa.Column("resolved_by_id", sa.Uuid(), nullable=True, comment="Who confirmed."),
        sa.Column(
            "resolved_at", disclosure.db.UTCDateTime(timezone=True), nullable=True, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'linked', 'created')", name=op.f("ck_missing_pending_matches_known_status")
        ),
        sa.CheckConstraint(
            "episode_id IS NOT NULL OR protocol_form_id IS NOT NULL",
            name=op.f("ck_missing_pending_matches_has_source"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_missing_pending_matches_episode_id_missing_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["missing_imports.id"],
            name=op.f("fk_missing_pending_matches_import_id_missing_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_missing_pending_matches_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_form_id"],
            ["protocol_forms.id"],
            name=op.f("fk_missing_pending_matches_protocol_form_id_protocol_forms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_missing_pending_matches_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_pending_matches")),
        comment="People from the feed or protocol forms waiting for a confirmed match.",
    )
    with op.batch_alter_table("missing_pending_matches", schema=None) as batch_op:
        batch_op.create_index("ix_missing_pending_matches_status", ["status"], unique=False)

    op.create_table(
        "missing_risk_changes",
        sa.Column("episode_id", sa.Uuid(), nullable=False, comment="The episode."),
        sa.Column("level", sa.String(length=40), nullable=False, comment="Risk level code."),
        sa.Column("previous_level", sa.String(length=40), nullable=False, comment="The level before."),
        sa.Column("rationale", sa.Text(), nullable=False, comment="Why this level."),
        sa.Column(
            "source", sa.String(length=300), nullable=False, comment="Where the information came from."
        ),
        sa.Column(
            "obtained_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the information was obtained (UTC).",
        ),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_missing_risk_changes_episode_id_missing_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_missing_risk_changes_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_risk_changes")),
        comment="Every risk level given to an episode, with rationale, source and time (append-only).",
    )
    with op.batch_alter_table("missing_risk_changes", schema=None) as batch_op:
        batch_op.create_index("ix_missing_risk_changes_episode", ["episode_id"], unique=False)

    op.create_table(
        "return_interviews",
        sa.Column("episode_id", sa.Uuid(), nullable=False, comment="The episode."),
        sa.Column(
            "due_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="72 hours after the return (UTC).",
        ),
        sa.Column(
            "outcome",
            sa.String(length=20),
            nullable=False,
            comment="Where the interview stands.",
        ),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why not offered, or why declined."),
        sa.Column(
            "offered_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was offered (UTC).",
        ),
        sa.Column(
            "completed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it took place (UTC).",
        ),
        sa.Column("interviewer_name", sa.String(length=200), nullable=False, comment="Who interviewed."),
        sa.Column(
            "interviewer_organisation",
            sa.String(length=200),
            nullable=False,
            comment="Their organisation, independent of the placement.",
        ),
        sa.Column("findings", sa.Text(), nullable=False, comment="What the interview found."),
        sa.Column(
            "shared_with",
            sa.JSON(),
            nullable=False,
            comment="Partner agency codes the findings were shared with.",
        ),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True, comment="Who last recorded the outcome."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "outcome <> 'not_offered' OR reason <> ''",
            name=op.f("ck_return_interviews_not_offered_has_reason"),
        ),
        sa.CheckConstraint(
            "outcome IN ('due', 'offered', 'completed', 'declined', 'not_offered')",
            name=op.f("ck_return_interviews_known_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_return_interviews_episode_id_missing_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_return_interviews_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_interviews")),
        sa.UniqueConstraint("episode_id", name="uq_return_interviews_episode_id"),
        comment="Return home interviews: due time, outcome, interviewer and who the findings went to.",
    )
    with op.batch_alter_table("return_interviews", schema=None) as batch_op:
        batch_op.create_index("ix_return_interviews_outcome_due", ["outcome", "due_at"], unique=False)

    _seed()


def downgrade() -> None:
    with op.batch_alter_table("return_interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_return_interviews_outcome_due")

    op.drop_table("return_interviews")
    with op.batch_alter_table("missing_risk_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_risk_changes_episode")

    op.drop_table("missing_risk_changes")
    with op.batch_alter_table("missing_pending_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_pending_matches_status")

    op.drop_table("missing_pending_matches")
    with op.batch_alter_table("missing_notification_items", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_notification_items_notification")

    op.drop_table("missing_notification_items")
    with op.batch_alter_table("missing_link_considerations", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_link_considerations_status")

    op.drop_table("missing_link_considerations")
    with op.batch_alter_table("protocol_forms", schema=None) as batch_op:
        batch_op.drop_index("ix_protocol_forms_person")
        batch_op.drop_index("ix_protocol_forms_agency")

    op.drop_table("protocol_forms")
    with op.batch_alter_table("missing_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_notifications_person")
        batch_op.drop_index("ix_missing_notifications_open")
        batch_op.drop_index("ix_missing_notifications_agency")

    op.drop_table("missing_notifications")
    with op.batch_alter_table("missing_import_problems", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_import_problems_import")

    op.drop_table("missing_import_problems")
    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_missing_episodes_status_reported")
        batch_op.drop_index("ix_missing_episodes_person_reported")

    op.drop_table("missing_episodes")
    op.drop_table("missing_imports")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_unsent")

    op.drop_table("outbox_messages")
    op.drop_table("missing_settings")
    op.drop_table("missing_risk_levels")
