"""People index and requests: people, names, addresses; requests, parties, clock pauses, extensions,
policies, case team, access grants and reference counters.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:05:02.631279
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clock_policies",
        sa.Column("code", sa.String(length=30), nullable=False, comment="E.g. dvds-2023."),
        sa.Column("scheme", sa.String(length=10), nullable=False, comment="dvds or csods."),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Guidance the timescales come from."
        ),
        sa.Column(
            "effective_from", sa.Date(), nullable=False, comment="First first-contact date it applies to."
        ),
        sa.Column(
            "effective_to",
            sa.Date(),
            nullable=True,
            comment="Last first-contact date it applies to (empty: open).",
        ),
        sa.Column(
            "initial_checks_hours",
            sa.Integer(),
            nullable=False,
            comment="Initial checks and triage, in hours.",
        ),
        sa.Column(
            "meeting_working_days",
            sa.Integer(),
            nullable=True,
            comment="Face-to-face meeting, in working days (none for Right to Know).",
        ),
        sa.Column(
            "completion_days", sa.Integer(), nullable=False, comment="Whole process, in calendar days."
        ),
        sa.Column("source", sa.Text(), nullable=False, comment="Citation for these timescales."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_policies")),
        sa.UniqueConstraint("code", name="uq_clock_policies_code"),
        comment="Versioned timescales for each scheme, chosen by the first-contact date.",
    )
    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(length=20), nullable=False, comment="E.g. DVDS-2026."),
        sa.Column("last_number", sa.Integer(), nullable=False, comment="Last number issued."),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counters")),
        comment="Last case number issued per scheme and year (gap-free references).",
    )
    op.create_table(
        "people",
        sa.Column("date_of_birth", sa.Date(), nullable=True, comment="Date of birth, where known."),
        sa.Column(
            "dob_swapped",
            sa.Date(),
            nullable=True,
            comment="Date of birth with day and month swapped (indexed to find transposed dates); empty if not valid.",
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=False, comment="Who added the person."),
        sa.Column(
            "merged_into_id",
            sa.Uuid(),
            nullable=True,
            comment="The surviving record this duplicate was merged into.",
        ),
        sa.Column(
            "merged_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was merged.",
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
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_people_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["people.id"], name=op.f("fk_people_merged_into_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        comment="One person in the people index, shared by every case and missing-person episode.",
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.create_index("ix_people_dob_swapped", ["dob_swapped"], unique=False)

    op.create_table(
        "requests",
        sa.Column(
            "reference",
            sa.String(length=30),
            nullable=False,
            comment="Case reference, e.g. DVDS-2026-000123.",
        ),
        sa.Column(
            "scheme",
            sa.String(length=10),
            nullable=False,
            comment="dvds (Clare's Law) or csods (Sarah's Law).",
        ),
        sa.Column(
            "route",
            sa.String(length=30),
            nullable=False,
            comment="Right to Ask, Right to Know or Sarah's Law application.",
        ),
        sa.Column(
            "applicant_type",
            sa.String(length=30),
            nullable=True,
            comment="Who applied (person at risk, third party, professional, parent/carer); none for Right to Know.",
        ),
        sa.Column("status", sa.String(length=30), nullable=False, comment="Lifecycle stage."),
        sa.Column(
            "first_contact_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the police were first contacted (starts the clocks).",
        ),
        sa.Column(
            "channel",
            sa.String(length=30),
            nullable=False,
            comment="101, station, street, online or partner referral.",
        ),
        sa.Column(
            "receiving_force",
            sa.String(length=200),
            nullable=False,
            comment="Force that received the request.",
        ),
        sa.Column(
            "police_reference",
            sa.String(length=60),
            nullable=False,
            comment="Occurrence or non-crime number.",
        ),
        sa.Column(
            "information_received",
            sa.Text(),
            nullable=False,
            comment="What prompted the request (for Right to Know: the information received).",
        ),
        sa.Column(
            "alleged_crime",
            sa.Boolean(),
            nullable=False,
            comment="An alleged crime was disclosed during contact.",
        ),
        sa.Column(
            "crime_reference", sa.String(length=60), nullable=False, comment="Crime reference for that crime."
        ),
        sa.Column(
            "clock_policy_code",
            sa.String(length=30),
            nullable=False,
            comment="Clock policy in force on the first-contact date.",
        ),
        sa.Column(
            "linked_request_id",
            sa.Uuid(),
            nullable=True,
            comment="The linked case under the other scheme (same subject).",
        ),
        sa.Column(
            "assignee_id", sa.Uuid(), nullable=True, comment="Officer or staff member leading the case."
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=False, comment="Who logged the request."),
        sa.Column(
            "immediate_risk",
            sa.Boolean(),
            nullable=True,
            comment="Immediate risk identified at initial checks.",
        ),
        sa.Column(
            "immediate_risk_action", sa.Text(), nullable=False, comment="Action taken on immediate risk."
        ),
        sa.Column(
            "dash_score", sa.Integer(), nullable=True, comment="DASH checklist ticks, where a DASH was done."
        ),
        sa.Column(
            "professional_risk_level",
            sa.String(length=10),
            nullable=True,
            comment="Risk level raised by professional judgement (never lower than DASH).",
        ),
        sa.Column(
            "risk_rationale", sa.Text(), nullable=False, comment="Reason for the professional judgement."
        ),
        sa.Column("marac_referral", sa.Boolean(), nullable=False, comment="Referred to MARAC."),
        sa.Column("idva_referral", sa.Boolean(), nullable=False, comment="Referred to an IDVA."),
        sa.Column(
            "rag", sa.String(length=5), nullable=True, comment="Red, amber or green: orders the work queue."
        ),
        sa.Column(
            "triaged_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the triage was recorded.",
        ),
        sa.Column("triaged_by_id", sa.Uuid(), nullable=True, comment="Who recorded triage."),
        sa.Column(
            "initial_checks_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the initial checks were completed.",
        ),
        sa.Column(
            "meeting_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the face-to-face meeting took place.",
        ),
        sa.Column(
            "identity_documents", sa.Text(), nullable=False, comment="Documents seen, comma-separated codes."
        ),
        sa.Column(
            "identity_verified",
            sa.Boolean(),
            nullable=True,
            comment="Whether the applicant's identity was verified.",
        ),
        sa.Column("identity_notes", sa.Text(), nullable=False, comment="Notes on the verification."),
        sa.Column("verified_by_id", sa.Uuid(), nullable=True, comment="Who verified identity."),
        sa.Column(
            "research_started_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When research began.",
        ),
        sa.Column(
            "completed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the outcome reached the recipient (stops the clock).",
        ),
        sa.Column(
            "closed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the case was closed or withdrawn.",
        ),
        sa.Column(
            "closure_reason",
            sa.String(length=30),
            nullable=True,
            comment="out_of_scope, withdrawn or completed.",
        ),
        sa.Column(
            "closure_notes", sa.Text(), nullable=False, comment="Why the case was closed or withdrawn."
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
            "route IN ('right_to_ask', 'right_to_know', 'csods_application')",
            name=op.f("ck_requests_known_route"),
        ),
        sa.CheckConstraint("scheme IN ('dvds', 'csods')", name=op.f("ck_requests_known_scheme")),
        sa.CheckConstraint(
            "status IN ('logged', 'initial_checks_done', 'meeting_held', 'in_research', 'awaiting_decision', 'decided', 'outcome_delivered', 'closed', 'withdrawn')",
            name=op.f("ck_requests_known_status"),
        ),
        sa.CheckConstraint(
            "dash_score IS NULL OR (dash_score >= 0 AND dash_score <= 27)",
            name=op.f("ck_requests_dash_range"),
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_requests_assignee_id_users")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_requests_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["linked_request_id"], ["requests.id"], name=op.f("fk_requests_linked_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["users.id"], name=op.f("fk_requests_triaged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["users.id"], name=op.f("fk_requests_verified_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_requests_reference")),
        comment="A Clare's Law or Sarah's Law request: one case with its own clock.",
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_status_assignee", ["status", "assignee_id"], unique=False)

    op.create_table(
        "access_grants",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Who opened it."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Their stated reason."),
        sa.Column("granted_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When."),
        sa.Column(
            "expires_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="Access lapses after this; a new reason is needed.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_access_grants_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_grants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grants")),
        comment="A user outside the case team opening the case for a stated reason (audited).",
    )
    with op.batch_alter_table("access_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_access_grants_user_request", ["user_id", "request_id", "expires_at"], unique=False
        )

    op.create_table(
        "case_members",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Team member."),
        sa.Column(
            "added_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When they joined the team.",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_case_members_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_members_user_id_users")),
        sa.PrimaryKeyConstraint("request_id", "user_id", name=op.f("pk_case_members")),
        comment="The case team: people with a need to know (assignee, researchers, panel).",
    )
    op.create_table(
        "case_parties",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person in the people index."),
        sa.Column(
            "role",
            sa.String(length=30),
            nullable=False,
            comment="Applicant, person at risk, subject, child, ...",
        ),
        sa.Column(
            "relationship_to_person_at_risk",
            sa.String(length=200),
            nullable=False,
            comment="E.g. mother, friend, social worker; or the relationship to the child.",
        ),
        sa.Column(
            "safe_contact_method",
            sa.Text(),
            nullable=False,
            comment="How the applicant can be contacted safely.",
        ),
        sa.Column("safe_times", sa.Text(), nullable=False, comment="When contact is safe."),
        sa.Column("added_by_id", sa.Uuid(), nullable=False, comment="Who added the person to the case."),
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
            "role IN ('applicant', 'person_at_risk', 'subject', 'child', 'third_party', 'best_placed_to_protect')",
            name=op.f("ck_case_parties_known_role"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_case_parties_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_case_parties_person_id_people")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_case_parties_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
        sa.UniqueConstraint("request_id", "person_id", "role", name="uq_case_parties_request_person_role"),
        comment="A person from the people index in a role on a case (applicant, subject, child...).",
    )
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.create_index("ix_case_parties_person", ["person_id", "role"], unique=False)

    op.create_table(
        "clock_extensions",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column(
            "rule_key",
            sa.String(length=30),
            nullable=False,
            comment="Which deadline is extended (e.g. completion).",
        ),
        sa.Column("days", sa.Integer(), nullable=False, comment="Calendar days added."),
        sa.Column("reason", sa.Text(), nullable=False, comment="The exceptional circumstances."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded.",
        ),
        sa.Column("created_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_clock_extensions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_clock_extensions_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_extensions")),
        comment="Extra days on a deadline for recorded exceptional circumstances [DVDS-2023].",
    )
    op.create_table(
        "clock_pauses",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column(
            "started_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the clock stopped.",
        ),
        sa.Column(
            "ended_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it restarted (empty while paused).",
        ),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why the clock is paused."),
        sa.Column("created_by_id", sa.Uuid(), nullable=False, comment="Who paused it."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_clock_pauses_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_clock_pauses_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_pauses")),
        comment="A stop of the case's clocks, with its reason; shown in every deadline.",
    )
    op.create_table(
        "person_addresses",
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person."),
        sa.Column("line_1", sa.String(length=200), nullable=False, comment="First line of the address."),
        sa.Column("line_2", sa.String(length=200), nullable=False, comment="Second line of the address."),
        sa.Column("town", sa.String(length=100), nullable=False, comment="Town or city."),
        sa.Column(
            "postcode", sa.String(length=10), nullable=False, comment="Postcode, upper case with one space."
        ),
        sa.Column("current", sa.Boolean(), nullable=False, comment="Whether the person lives there now."),
        sa.Column("from_date", sa.Date(), nullable=True, comment="When they moved in, if known."),
        sa.Column("to_date", sa.Date(), nullable=True, comment="When they moved out, if known."),
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
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_addresses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_addresses")),
        comment="Current and previous addresses of a person.",
    )
    with op.batch_alter_table("person_addresses", schema=None) as batch_op:
        batch_op.create_index("ix_person_addresses_person", ["person_id"], unique=False)
        batch_op.create_index("ix_person_addresses_postcode", ["postcode"], unique=False)

    op.create_table(
        "person_names",
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person."),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="primary, alias or previous."),
        sa.Column("given_names", sa.String(length=200), nullable=False, comment="Given names as entered."),
        sa.Column("family_name", sa.String(length=200), nullable=False, comment="Family name as entered."),
        sa.Column(
            "normalised",
            sa.String(length=400),
            nullable=False,
            comment="Lower-case, accent-free full name for scoring.",
        ),
        sa.Column(
            "family_key1",
            sa.String(length=12),
            nullable=False,
            comment="Double Metaphone primary key of the family name.",
        ),
        sa.Column(
            "family_key2", sa.String(length=12), nullable=False, comment="Double Metaphone secondary key."
        ),
        sa.Column(
            "given_key1",
            sa.String(length=12),
            nullable=False,
            comment="Double Metaphone key of the first given name.",
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
            "kind IN ('primary', 'alias', 'previous')", name=op.f("ck_person_names_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_names_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_names")),
        comment="A person's names: the primary name, aliases and previous names, with phonetic keys.",
    )
    with op.batch_alter_table("person_names", schema=None) as batch_op:
        batch_op.create_index("ix_person_names_family_key1", ["family_key1"], unique=False)
        batch_op.create_index("ix_person_names_family_key2", ["family_key2"], unique=False)
        batch_op.create_index("ix_person_names_family_given", ["family_key1", "given_key1"], unique=False)
        batch_op.create_index("ix_person_names_person", ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_names", schema=None) as batch_op:
        batch_op.drop_index("ix_person_names_person")
        batch_op.drop_index("ix_person_names_family_given")
        batch_op.drop_index("ix_person_names_family_key2")
        batch_op.drop_index("ix_person_names_family_key1")

    op.drop_table("person_names")
    with op.batch_alter_table("person_addresses", schema=None) as batch_op:
        batch_op.drop_index("ix_person_addresses_postcode")
        batch_op.drop_index("ix_person_addresses_person")

    op.drop_table("person_addresses")
    op.drop_table("clock_pauses")
    op.drop_table("clock_extensions")
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_case_parties_person")

    op.drop_table("case_parties")
    op.drop_table("case_members")
    with op.batch_alter_table("access_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_access_grants_user_request")

    op.drop_table("access_grants")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_status_assignee")

    op.drop_table("requests")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_dob_swapped")
        batch_op.drop_index("ix_people_date_of_birth")

    op.drop_table("people")
    op.drop_table("reference_counters")
    op.drop_table("clock_policies")
