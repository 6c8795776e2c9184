"""Versions of the people-matching model (Fellegi-Sunter parameters and the possible/likely thresholds),
one in use at a time [issue 20].

Revision ID: 0042
Revises: 0041
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matcher_versions",
        sa.Column("number", sa.Integer(), nullable=False, comment="Version number, from 1."),
        sa.Column(
            "parameters",
            sa.JSON(),
            nullable=False,
            comment="m and u of every level, the prior and name frequencies (model.Parameters).",
        ),
        sa.Column(
            "population",
            sa.Integer(),
            nullable=False,
            comment="People in the index when the version was made.",
        ),
        sa.Column(
            "possible",
            sa.Integer(),
            nullable=False,
            comment="Percentage from which a match is shown as possible.",
        ),
        sa.Column(
            "likely",
            sa.Integer(),
            nullable=False,
            comment="Percentage from which a match is shown as likely.",
        ),
        sa.Column(
            "made_by", sa.String(length=20), nullable=False, comment="trained or thresholds: how it was made."
        ),
        sa.Column(
            "summary",
            sa.JSON(),
            nullable=False,
            comment="What training saw: pairs compared, iterations, convergence.",
        ),
        sa.Column(
            "created_by_id", sa.Uuid(), nullable=True, comment="Who made it (none when made by a command)."
        ),
        sa.Column("in_use", sa.Boolean(), nullable=False, comment="Whether matching uses this version now."),
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
            "possible >= 1 AND possible <= likely AND likely <= 100",
            name=op.f("ck_matcher_versions_thresholds_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_matcher_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matcher_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_matcher_versions_number")),
        comment="Versions of the people-matching model (Fellegi-Sunter m, u, prior and frequencies).",
    )
    op.create_index(
        "ux_matcher_versions_in_use",
        "matcher_versions",
        ["in_use"],
        unique=True,
        sqlite_where=sa.text("in_use"),
        postgresql_where=sa.text("in_use"),
    )
    op.create_index("ix_matcher_versions_created_by_id", "matcher_versions", ["created_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_matcher_versions_created_by_id", table_name="matcher_versions")
    op.drop_index("ux_matcher_versions_in_use", table_name="matcher_versions")
    op.drop_table("matcher_versions")
