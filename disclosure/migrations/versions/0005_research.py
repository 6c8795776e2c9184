"""Research: partner agencies and their users, the check list, checks, partner requests, evidence items,
attachments (and the database attachment store), evidence packages and their frozen versions; the partner
role joins the known roles.

`user_roles` has its CHECK constraint widened (on SQLite by a rebuild, the only way there); nothing
references it, so the rebuild deletes nothing. Reference data is seeded by 0006.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 14:20:04.009039
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_OLD_ROLES = (
    "'administrator', 'data_administrator', 'researcher', 'panel_member', 'panel_chair', "
    "'disclosing_officer', 'auditor'"
)
_NEW_ROLES = _OLD_ROLES + ", 'partner'"


def _role_constraint(roles: str) -> None:
    with op.batch_alter_table("user_roles") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_roles_known_role"), f"role IN ({roles})")


def upgrade() -> None:
    _role_constraint(_NEW_ROLES)
    op.create_table(
        "stored_files",
        sa.Column("key", sa.String(length=64), nullable=False, comment="Random storage key."),
        sa.Column("content", sa.LargeBinary(), nullable=False, comment="The file's bytes."),
        sa.Column("size", sa.Integer(), nullable=False, comment="Size in bytes."),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the content, hex."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the file was stored (UTC).",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_files")),
        comment="Attachment contents when the service keeps files in the database (DISCLOSURE_ATTACHMENT_STORE=database).",
    )
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=40), nullable=False, comment="Short stable code, e.g. probation."),
        sa.Column(
            "name",
            sa.String(length=200),
            nullable=False,
            comment="Name shown to staff, e.g. Probation Service.",
        ),
        sa.Column(
            "kind",
            sa.String(length=40),
            nullable=False,
            comment="Kind of agency (probation, health, education...).",
        ),
        sa.Column(
            "response_working_days",
            sa.Integer(),
            nullable=False,
            comment="Agreed time to answer an information request, in working days.",
        ),
        sa.Column(
            "contact_email",
            sa.String(length=320),
            nullable=False,
            comment="Secure mailbox for information requests (may be empty).",
        ),
        sa.Column("active", sa.Boolean(), nullable=False, comment="Whether new requests may be sent to it."),
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
            "kind IN ('probation', 'prisons', 'childrens_social_care', 'adult_social_care', 'health', 'education', 'housing', 'idva_marac', 'other')",
            name=op.f("ck_agencies_known_kind"),
        ),
        sa.CheckConstraint(
            "response_working_days >= 1 AND response_working_days <= 60",
            name=op.f("ck_agencies_response_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name="uq_agencies_code"),
        comment="Partner agencies that research asks for information (probation, social care, health...).",
    )
    op.create_table(
        "agency_members",
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="The partner user."),
        sa.Column("agency_id", sa.Uuid(), nullable=False, comment="Their agency."),
        sa.Column(
            "added_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When they were added.",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_agency_members_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_agency_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_agency_members")),
        comment="Which partner agency each partner user answers for.",
    )
    with op.batch_alter_table("agency_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_members_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "check_types",
        sa.Column("scheme", sa.String(length=10), nullable=False, comment="dvds or csods."),
        sa.Column("code", sa.String(length=40), nullable=False, comment="Stable code, e.g. pnc."),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="System or agency, as researchers know it."
        ),
        sa.Column("kind", sa.String(length=20), nullable=False, comment="police_system or partner_agency."),
        sa.Column("agency_id", sa.Uuid(), nullable=True, comment="For partner checks: the agency asked."),
        sa.Column(
            "required",
            sa.Boolean(),
            nullable=False,
            comment="Must be done before the package can go to the panel.",
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order on the check list."),
        sa.Column("active", sa.Boolean(), nullable=False, comment="Shown on new check lists."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "kind IN ('police_system', 'partner_agency')", name=op.f("ck_check_types_known_kind")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_check_types_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_types")),
        sa.UniqueConstraint("scheme", "code", name="uq_check_types_scheme_code"),
        comment="The check list per scheme: police systems to search and partner agencies to ask.",
    )
    op.create_table(
        "partner_requests",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("agency_id", sa.Uuid(), nullable=False, comment="The agency asked."),
        sa.Column(
            "check_type_id", sa.Uuid(), nullable=True, comment="The check-list line its answer satisfies."
        ),
        sa.Column(
            "asked", sa.Text(), nullable=False, comment="What the agency is asked (shown to the partner)."
        ),
        sa.Column("status", sa.String(length=20), nullable=False, comment="open, answered or closed."),
        sa.Column(
            "sent_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the request was sent.",
        ),
        sa.Column("sent_by_id", sa.Uuid(), nullable=False, comment="Researcher who sent it."),
        sa.Column(
            "due_on",
            sa.Date(),
            nullable=False,
            comment="Answer due by the end of this day (agreed working days).",
        ),
        sa.Column("chase_count", sa.Integer(), nullable=False, comment="How many times it has been chased."),
        sa.Column(
            "last_chased_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was last chased.",
        ),
        sa.Column(
            "result", sa.String(length=20), nullable=True, comment="The partner's result: nil or information."
        ),
        sa.Column("response", sa.Text(), nullable=False, comment="The partner's answer."),
        sa.Column(
            "response_reference",
            sa.String(length=120),
            nullable=False,
            comment="The partner's own reference for its answer.",
        ),
        sa.Column(
            "onward_consent",
            sa.String(length=20),
            nullable=True,
            comment="Whether the partner consents to onward disclosure of what it returned.",
        ),
        sa.Column(
            "responded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the answer was recorded.",
        ),
        sa.Column(
            "responded_by_id",
            sa.Uuid(),
            nullable=True,
            comment="Partner user (or researcher, for an answer by phone) who recorded it.",
        ),
        sa.Column("closed_reason", sa.Text(), nullable=False, comment="Why it was closed without an answer."),
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
            "onward_consent IS NULL OR onward_consent IN ('consents', 'does_not_consent', 'not_applicable')",
            name=op.f("ck_partner_requests_known_consent"),
        ),
        sa.CheckConstraint(
            "result IS NULL OR result IN ('nil_return', 'information_found')",
            name=op.f("ck_partner_requests_known_result"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'closed')", name=op.f("ck_partner_requests_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_partner_requests_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["check_type_id"], ["check_types.id"], name=op.f("fk_partner_requests_check_type_id_check_types")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_partner_requests_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["users.id"], name=op.f("fk_partner_requests_responded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_partner_requests_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_requests")),
        comment="Information requests to partner agencies and their answers.",
    )
    with op.batch_alter_table("partner_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_requests_agency_status", ["agency_id", "status", "due_on"], unique=False
        )
        batch_op.create_index("ix_partner_requests_request", ["request_id"], unique=False)

    op.create_table(
        "research_packages",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column(
            "status", sa.String(length=20), nullable=False, comment="draft, in_review, reviewed or submitted."
        ),
        sa.Column("summary", sa.Text(), nullable=False, comment="Research summary."),
        sa.Column("risk_analysis", sa.Text(), nullable=False, comment="Analysis of the risk."),
        sa.Column(
            "recommendation", sa.String(length=20), nullable=True, comment="The researcher's recommendation."
        ),
        sa.Column("recommendation_reasons", sa.Text(), nullable=False, comment="Reasons for it."),
        sa.Column(
            "draft_disclosure",
            sa.Text(),
            nullable=False,
            comment="Draft wording of what could be disclosed, from disclosable items.",
        ),
        sa.Column(
            "drafted_by_id", sa.Uuid(), nullable=True, comment="Who sent it for review (cannot review it)."
        ),
        sa.Column(
            "reviewer_id",
            sa.Uuid(),
            nullable=True,
            comment="Supervisor or second researcher asked to review.",
        ),
        sa.Column(
            "reviewed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the reviewer approved it.",
        ),
        sa.Column("review_notes", sa.Text(), nullable=False, comment="The reviewer's notes."),
        sa.Column(
            "change_reason",
            sa.Text(),
            nullable=False,
            comment="Why a submitted package was reopened (carried into the next version).",
        ),
        sa.Column(
            "submitted_version",
            sa.Integer(),
            nullable=False,
            comment="Number of the latest submitted version (0: never submitted).",
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
            "recommendation IS NULL OR recommendation IN ('disclose', 'no_disclosure', 'more_information')",
            name=op.f("ck_research_packages_known_recommendation"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'reviewed', 'submitted')",
            name=op.f("ck_research_packages_known_status"),
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_research_packages_drafted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_research_packages_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_research_packages_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_packages")),
        sa.UniqueConstraint("request_id", name=op.f("uq_research_packages_request_id")),
        comment="One evidence package per case, drafted, reviewed and submitted for decision.",
    )
    op.create_table(
        "checks",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column(
            "check_type_id",
            sa.Uuid(),
            nullable=True,
            comment="The check-list line it satisfies (empty: an extra check).",
        ),
        sa.Column("name", sa.String(length=200), nullable=False, comment="System or agency checked."),
        sa.Column("kind", sa.String(length=20), nullable=False, comment="police_system or partner_agency."),
        sa.Column("result", sa.String(length=20), nullable=False, comment="nil_return or information_found."),
        sa.Column("reference", sa.String(length=120), nullable=False, comment="Reference in that system."),
        sa.Column(
            "onward_consent",
            sa.String(length=20),
            nullable=False,
            comment="Whether the owning agency consents to onward disclosure.",
        ),
        sa.Column("notes", sa.Text(), nullable=False, comment="What was searched and found, briefly."),
        sa.Column(
            "performed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the check was done.",
        ),
        sa.Column("performed_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column(
            "partner_request_id",
            sa.Uuid(),
            nullable=True,
            comment="The partner request this return answered.",
        ),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was entered.",
        ),
        sa.Column(
            "removed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was struck out (kept for the record).",
        ),
        sa.Column("removed_reason", sa.Text(), nullable=False, comment="Why it was struck out."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "onward_consent IN ('consents', 'does_not_consent', 'not_applicable')",
            name=op.f("ck_checks_known_consent"),
        ),
        sa.CheckConstraint(
            "result IN ('nil_return', 'information_found')", name=op.f("ck_checks_known_result")
        ),
        sa.ForeignKeyConstraint(
            ["check_type_id"], ["check_types.id"], name=op.f("fk_checks_check_type_id_check_types")
        ),
        sa.ForeignKeyConstraint(
            ["partner_request_id"],
            ["partner_requests.id"],
            name=op.f("fk_checks_partner_request_id_partner_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["performed_by_id"], ["users.id"], name=op.f("fk_checks_performed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_checks_request_id_requests"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
        comment="Checks recorded for a case: police systems searched and partner returns received.",
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.create_index("ix_checks_request", ["request_id", "check_type_id"], unique=False)

    op.create_table(
        "package_versions",
        sa.Column("package_id", sa.Uuid(), nullable=False, comment="The package."),
        sa.Column("number", sa.Integer(), nullable=False, comment="Version number, from 1."),
        sa.Column(
            "snapshot",
            sa.JSON(),
            nullable=False,
            comment="Everything the panel sees: summary, checks, returns, evidence with provenance.",
        ),
        sa.Column(
            "sha256",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the snapshot (canonical JSON).",
        ),
        sa.Column("change_reason", sa.Text(), nullable=False, comment="Why it replaced the previous one."),
        sa.Column(
            "submitted_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was submitted.",
        ),
        sa.Column("submitted_by_id", sa.Uuid(), nullable=False, comment="Who submitted it."),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True, comment="Who reviewed it."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["research_packages.id"],
            name=op.f("fk_package_versions_package_id_research_packages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_package_versions_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_package_versions_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_versions")),
        sa.UniqueConstraint("package_id", "number", name="uq_package_versions_package_number"),
        comment="Frozen versions of an evidence package, one per submission for decision.",
    )
    op.create_table(
        "partner_request_people",
        sa.Column("partner_request_id", sa.Uuid(), nullable=False, comment="The request."),
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="A person on the case."),
        sa.Column(
            "role",
            sa.String(length=30),
            nullable=False,
            comment="Their role on the case (subject, child...).",
        ),
        sa.ForeignKeyConstraint(
            ["partner_request_id"],
            ["partner_requests.id"],
            name=op.f("fk_partner_request_people_partner_request_id_partner_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_partner_request_people_person_id_people")
        ),
        sa.PrimaryKeyConstraint("partner_request_id", "person_id", name=op.f("pk_partner_request_people")),
        comment="People a partner-agency request asks about (shown to that agency).",
    )
    op.create_table(
        "evidence_items",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("number", sa.Integer(), nullable=False, comment="Item number within the case (E1, E2...)."),
        sa.Column(
            "person_id",
            sa.Uuid(),
            nullable=False,
            comment="Who the item is about (a person on the case, mostly the subject).",
        ),
        sa.Column(
            "check_id", sa.Uuid(), nullable=True, comment="The check it was found in, where there is one."
        ),
        sa.Column("source", sa.String(length=200), nullable=False, comment="Source system or agency."),
        sa.Column(
            "source_reference",
            sa.String(length=120),
            nullable=False,
            comment="Reference of the record in the source.",
        ),
        sa.Column("information_date", sa.Date(), nullable=True, comment="When the information dates from."),
        sa.Column(
            "summary", sa.Text(), nullable=False, comment="The fact or opinion, in the researcher's words."
        ),
        sa.Column(
            "source_grade", sa.String(length=1), nullable=False, comment="3x5x2 source evaluation: A, B or C."
        ),
        sa.Column(
            "information_grade",
            sa.String(length=1),
            nullable=False,
            comment="3x5x2 intelligence assessment: 1-5.",
        ),
        sa.Column(
            "handling_code", sa.String(length=1), nullable=False, comment="3x5x2 handling code: P or C."
        ),
        sa.Column("nature", sa.String(length=10), nullable=False, comment="fact or opinion."),
        sa.Column("disclosable", sa.Boolean(), nullable=False, comment="Whether it could be disclosed."),
        sa.Column(
            "disclose_to", sa.String(length=30), nullable=True, comment="To whom it could be disclosed."
        ),
        sa.Column(
            "owner_consent",
            sa.String(length=20),
            nullable=False,
            comment="The owning agency's consent to disclosure.",
        ),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded.",
        ),
        sa.Column(
            "removed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was struck out (kept for the record).",
        ),
        sa.Column("removed_reason", sa.Text(), nullable=False, comment="Why it was struck out."),
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
            "disclose_to IS NULL OR disclose_to IN ('person_at_risk', 'best_placed_to_protect', 'parent_or_carer')",
            name=op.f("ck_evidence_items_known_recipient"),
        ),
        sa.CheckConstraint("handling_code IN ('P', 'C')", name=op.f("ck_evidence_items_known_handling_code")),
        sa.CheckConstraint(
            "information_grade IN ('1', '2', '3', '4', '5')",
            name=op.f("ck_evidence_items_known_information_grade"),
        ),
        sa.CheckConstraint("nature IN ('fact', 'opinion')", name=op.f("ck_evidence_items_known_nature")),
        sa.CheckConstraint(
            "owner_consent IN ('given', 'refused', 'not_needed', 'awaited')",
            name=op.f("ck_evidence_items_known_owner_consent"),
        ),
        sa.CheckConstraint(
            "source_grade IN ('A', 'B', 'C')", name=op.f("ck_evidence_items_known_source_grade")
        ),
        sa.ForeignKeyConstraint(["check_id"], ["checks.id"], name=op.f("fk_evidence_items_check_id_checks")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_evidence_items_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_evidence_items_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_evidence_items_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_items")),
        comment="Facts and opinions found in research, each with its provenance and disclosability.",
    )
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_items_request", ["request_id", "number"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("evidence_item_id", sa.Uuid(), nullable=False, comment="The evidence item."),
        sa.Column(
            "filename",
            sa.String(length=200),
            nullable=False,
            comment="Cleaned original file name, for display.",
        ),
        sa.Column(
            "content_type", sa.String(length=100), nullable=False, comment="Type detected from the content."
        ),
        sa.Column("size", sa.Integer(), nullable=False, comment="Size in bytes."),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the content, hex."),
        sa.Column("storage_key", sa.String(length=64), nullable=False, comment="Random key in the store."),
        sa.Column("uploaded_by_id", sa.Uuid(), nullable=False, comment="Who uploaded it."),
        sa.Column(
            "uploaded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was uploaded.",
        ),
        sa.Column(
            "removed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was struck out (kept for the record).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["evidence_item_id"],
            ["evidence_items.id"],
            name=op.f("fk_attachments_evidence_item_id_evidence_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_attachments_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_attachments_storage_key")),
        comment="Files attached to evidence items (contents in the attachment store).",
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachments_evidence_item_id"), ["evidence_item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_evidence_item_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("evidence_items", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_items_request")

    op.drop_table("evidence_items")
    op.drop_table("partner_request_people")
    op.drop_table("package_versions")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_index("ix_checks_request")

    op.drop_table("checks")
    op.drop_table("research_packages")
    with op.batch_alter_table("partner_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_requests_request")
        batch_op.drop_index("ix_partner_requests_agency_status")

    op.drop_table("partner_requests")
    op.drop_table("check_types")
    with op.batch_alter_table("agency_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_members_agency_id"))

    op.drop_table("agency_members")
    op.drop_table("agencies")
    op.drop_table("stored_files")
    op.execute("DELETE FROM user_roles WHERE role = 'partner'")
    _role_constraint(_OLD_ROLES)
