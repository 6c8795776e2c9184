"""Corrections with their history [issue 16]: a fact amended after it was entered keeps its old value, the
reason, who and when.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column(
            "object_type",
            sa.String(length=40),
            nullable=False,
            comment="What was corrected: request, person, user.",
        ),
        sa.Column("object_id", sa.Uuid(), nullable=False, comment="Its identifier."),
        sa.Column("field", sa.String(length=60), nullable=False, comment="The field corrected."),
        sa.Column("label", sa.String(length=200), nullable=False, comment="The field as users read it."),
        sa.Column("old_value", sa.Text(), nullable=False, comment="The value before, as shown to users."),
        sa.Column("new_value", sa.Text(), nullable=False, comment="The value after, as shown to users."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why it was corrected."),
        sa.Column(
            "corrected_by_id", sa.Uuid(), nullable=True, comment="Who corrected it (empty: the system)."
        ),
        sa.Column(
            "corrected_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"], ["users.id"], name=op.f("fk_corrections_corrected_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
        comment="Facts amended after they were entered: the old and new values, why, who and when.",
    )
    with op.batch_alter_table("corrections") as batch_op:
        batch_op.create_index(
            "ix_corrections_object", ["object_type", "object_id", "corrected_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("corrections") as batch_op:
        batch_op.drop_index("ix_corrections_object")
    op.drop_table("corrections")
