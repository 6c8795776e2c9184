"""Letters and delivery: generated letters (each version with the SHA-256 of its PDF and Word files, the
contents in the attachment store, and the wording version used), published letter wordings (every version
kept), the delivery record that completes a request, and the force's logo for letterheads [issue 6].

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_templates",
        sa.Column("kind", sa.String(length=40), nullable=False, comment="Which letter."),
        sa.Column(
            "version", sa.Integer(), nullable=False, comment="Version of this letter's wording, from 1."
        ),
        sa.Column("body", sa.Text(), nullable=False, comment="The wording: letter markup with Jinja fields."),
        sa.Column("note", sa.Text(), nullable=False, comment="What changed and why."),
        sa.Column("published_by_id", sa.Uuid(), nullable=False, comment="Who published it."),
        sa.Column(
            "published_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "kind IN ('disclosure_record', 'confidentiality_undertaking', 'non_disclosure', 'third_party_outcome', 'subject_notification', 'partner_request')",
            name=op.f("ck_letter_templates_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_letter_templates_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("kind", "version", name="uq_letter_templates_kind_version"),
        comment="Published wordings of each letter, every version kept.",
    )
    op.create_table(
        "generated_letters",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("kind", sa.String(length=40), nullable=False, comment="Which letter."),
        sa.Column(
            "target_id",
            sa.String(length=36),
            nullable=False,
            comment="What it is about when a case has several (a partner request).",
        ),
        sa.Column(
            "number", sa.Integer(), nullable=False, comment="Version of this letter for this case, from 1."
        ),
        sa.Column("title", sa.String(length=200), nullable=False, comment="The letter's title."),
        sa.Column(
            "template_version",
            sa.Integer(),
            nullable=False,
            comment="Version of the wording used (0: the bundled template).",
        ),
        sa.Column("addressee", sa.Text(), nullable=False, comment="Who it is addressed to."),
        sa.Column("pdf_key", sa.String(length=64), nullable=False, comment="PDF in the attachment store."),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the PDF."),
        sa.Column(
            "docx_key", sa.String(length=64), nullable=False, comment="Word file in the attachment store."
        ),
        sa.Column("docx_sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the Word file."),
        sa.Column("generated_by_id", sa.Uuid(), nullable=False, comment="Who generated it."),
        sa.Column(
            "generated_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "kind IN ('disclosure_record', 'confidentiality_undertaking', 'non_disclosure', 'third_party_outcome', 'subject_notification', 'partner_request')",
            name=op.f("ck_generated_letters_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["generated_by_id"], ["users.id"], name=op.f("fk_generated_letters_generated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_generated_letters_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_letters")),
        sa.UniqueConstraint("request_id", "kind", "target_id", "number", name="uq_generated_letters_version"),
        comment="Generated letters: each version kept with the SHA-256 of its PDF and Word files.",
    )
    with op.batch_alter_table("generated_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generated_letters_request_id"), ["request_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("decision_id", sa.Uuid(), nullable=False, comment="The signed decision."),
        sa.Column(
            "disclosure",
            sa.Boolean(),
            nullable=False,
            comment="A disclosure (true) or a no-disclosure outcome.",
        ),
        sa.Column(
            "method", sa.String(length=20), nullable=False, comment="In person, by telephone or by letter."
        ),
        sa.Column(
            "occurred_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it happened (UTC).",
        ),
        sa.Column("place", sa.String(length=200), nullable=False, comment="Where it happened."),
        sa.Column("officer_id", sa.Uuid(), nullable=False, comment="The officer who delivered."),
        sa.Column("present", sa.Text(), nullable=False, comment="Anyone else present, e.g. an IDVA."),
        sa.Column(
            "identity_reconfirmed", sa.Boolean(), nullable=True, comment="Recipient's identity re-confirmed."
        ),
        sa.Column("warning_given", sa.Boolean(), nullable=True, comment="Confidentiality warning given."),
        sa.Column(
            "acknowledgement", sa.String(length=20), nullable=True, comment="Signed undertaking or verbal."
        ),
        sa.Column(
            "undertaking_letter_id",
            sa.Uuid(),
            nullable=True,
            comment="The signed undertaking's letter, when signed.",
        ),
        sa.Column(
            "safety_plan_agreed",
            sa.Boolean(),
            nullable=True,
            comment="Safety plan agreed with the recipient.",
        ),
        sa.Column("support", sa.Text(), nullable=False, comment="Support services signposted."),
        sa.Column("reaction", sa.Text(), nullable=False, comment="The recipient's reaction."),
        sa.Column("subject_told", sa.Boolean(), nullable=True, comment="Whether the subject was told."),
        sa.Column(
            "subject_told_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the subject was told.",
        ),
        sa.Column("notes", sa.Text(), nullable=False, comment="Anything else recorded."),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "acknowledgement IS NULL OR acknowledgement IN ('signed', 'verbal')",
            name=op.f("ck_deliveries_known_acknowledgement"),
        ),
        sa.CheckConstraint(
            "method IN ('in_person', 'telephone', 'letter')", name=op.f("ck_deliveries_known_method")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_deliveries_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_deliveries_officer_id_users")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_deliveries_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_deliveries_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["undertaking_letter_id"],
            ["generated_letters.id"],
            name=op.f("fk_deliveries_undertaking_letter_id_generated_letters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("request_id", name="uq_deliveries_request_id"),
        comment="The record of each disclosure delivered or outcome communicated.",
    )
    with op.batch_alter_table("force_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "logo", sa.LargeBinary(), nullable=True, comment="Logo printed on letters (PNG or JPEG)."
            )
        )
        batch_op.add_column(
            sa.Column(
                "logo_type",
                sa.String(length=20),
                nullable=False,
                server_default="",  # existing profiles have no logo
                comment="The logo's type: image/png or jpeg.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("force_profiles", schema=None) as batch_op:
        batch_op.drop_column("logo_type")
        batch_op.drop_column("logo")

    op.drop_table("deliveries")
    with op.batch_alter_table("generated_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generated_letters_request_id"))

    op.drop_table("generated_letters")
    op.drop_table("letter_templates")
