"""Sarah's Law's presumption to disclose [WYP-CSODS] [issue 15]: the subject's convictions (child sexual
offences, dates, spent), registered-sex-offender status and MAPPA management on the research package, and on
the decision whether the presumption applied and why the panel departs from it.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = {
    "visor_reference": (sa.String(length=60), "The subject's ViSOR nominal reference."),
    "mappa_category": (sa.String(length=1), "MAPPA category 1-3 (empty: not managed under MAPPA)."),
    "mappa_level": (sa.String(length=1), "MAPPA management level 1-3."),
    "mappa_lead": (sa.String(length=20), "The agency leading MAPPA management (MappaLead)."),
    "offender_manager": (sa.String(length=200), "The subject's offender manager, and how to reach them."),
    "risk_to_child": (sa.Text(), "Why the subject does or does not pose a risk to the child."),
}


def upgrade() -> None:
    with op.batch_alter_table("research_packages") as batch_op:
        batch_op.add_column(
            sa.Column(
                "subject_registered",
                sa.Boolean(),
                nullable=True,
                comment="Sarah's Law: the subject is a registered sex offender (empty: not yet recorded).",
            )
        )
        batch_op.add_column(
            sa.Column(
                "registered_since", sa.Date(), nullable=True, comment="Since when the subject is registered."
            )
        )
        for name, (kind, comment) in _TEXT.items():
            batch_op.add_column(sa.Column(name, kind, server_default="", nullable=False, comment=comment))
        batch_op.add_column(
            sa.Column(
                "poses_risk",
                sa.Boolean(),
                nullable=True,
                comment="Research's assessment that the subject poses a risk of harm to the child (empty: not yet).",
            )
        )
        batch_op.add_column(
            sa.Column(
                "offending_recorded_at",
                disclosure.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="When the subject's offending and management were last saved.",
            )
        )
        batch_op.create_check_constraint("known_mappa_category", "mappa_category IN ('', '1', '2', '3')")
        batch_op.create_check_constraint("known_mappa_level", "mappa_level IN ('', '1', '2', '3')")
        batch_op.create_check_constraint(
            "known_mappa_lead",
            "mappa_lead IN ('', 'probation', 'police', 'youth_justice', 'prison', 'health')",
        )
    op.create_table(
        "subject_convictions",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The subject convicted."),
        sa.Column("offence", sa.String(length=300), nullable=False, comment="The offence, as on the record."),
        sa.Column("convicted_on", sa.Date(), nullable=False, comment="Date of conviction."),
        sa.Column(
            "child_sexual_offence", sa.Boolean(), nullable=False, comment="A sexual offence against a child."
        ),
        sa.Column(
            "spent",
            sa.Boolean(),
            nullable=False,
            comment="Spent under the Rehabilitation of Offenders Act 1974.",
        ),
        sa.Column("reference", sa.String(length=120), nullable=False, comment="PNC or court reference."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order on the case (newest first)."),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False, comment="Who recorded it."),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_subject_convictions_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_subject_convictions_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_subject_convictions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_convictions")),
        comment="The subject's relevant convictions on a Sarah's Law case (presumption to disclose).",
    )
    with op.batch_alter_table("subject_convictions") as batch_op:
        batch_op.create_index("ix_subject_convictions_request", ["request_id", "position"], unique=False)
    # Adding columns leaves SQLite's triggers on decisions in place (no table rebuild).
    with op.batch_alter_table("decisions", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "presumption_applies",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment="Sarah's Law: the package decided on records child sexual offence convictions and a risk.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "presumption_departure",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="Why the panel departs from the presumption to disclose, when it decides not to disclose.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", recreate="never") as batch_op:
        batch_op.drop_column("presumption_departure")
        batch_op.drop_column("presumption_applies")
    with op.batch_alter_table("subject_convictions") as batch_op:
        batch_op.drop_index("ix_subject_convictions_request")
    op.drop_table("subject_convictions")
    with op.batch_alter_table("research_packages") as batch_op:
        batch_op.drop_constraint(op.f("ck_research_packages_known_mappa_lead"), type_="check")
        batch_op.drop_constraint(op.f("ck_research_packages_known_mappa_level"), type_="check")
        batch_op.drop_constraint(op.f("ck_research_packages_known_mappa_category"), type_="check")
        for name in ("offending_recorded_at", "poses_risk", *reversed(_TEXT), "registered_since"):
            batch_op.drop_column(name)
        batch_op.drop_column("subject_registered")
