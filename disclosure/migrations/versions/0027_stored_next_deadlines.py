"""Each open case's next deadline in columns, so the work queue orders and pages in SQL, and what those
deadlines were computed under [issue 17]. The columns start empty: `disclosure migrate` finds no basis
recorded and computes every open case (`requests.stored_deadlines.recompute_if_basis_changed`).

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch_op:
        batch_op.add_column(
            sa.Column(
                "next_deadline_key",
                sa.String(length=30),
                nullable=True,
                comment="The open case's nearest unmet deadline (initial_checks, meeting, completion...).",
            )
        )
        batch_op.add_column(
            sa.Column(
                "next_deadline_at",
                disclosure.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="When it falls due; while a pause holds it, when it stood due as the clock stopped.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "next_deadline_held_seconds",
                sa.Integer(),
                nullable=True,
                comment="While a pause holds that deadline: the seconds that were left when the clock stopped.",
            )
        )
        batch_op.create_index(
            "ix_requests_next_deadline", ["next_deadline_held_seconds", "next_deadline_at"], unique=False
        )
    op.create_table(
        "deadline_basis",
        sa.Column("key", sa.String(length=30), nullable=False, comment="Always 'requests'."),
        sa.Column(
            "fingerprint",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 over the calendar and clock policies the deadlines were computed with.",
        ),
        sa.Column(
            "computed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When they were last recomputed.",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_deadline_basis")),
        comment="What the stored next deadlines were computed under (bank holidays, nation, policies).",
    )


def downgrade() -> None:
    op.drop_table("deadline_basis")
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_index("ix_requests_next_deadline")
        batch_op.drop_column("next_deadline_held_seconds")
        batch_op.drop_column("next_deadline_at")
        batch_op.drop_column("next_deadline_key")
