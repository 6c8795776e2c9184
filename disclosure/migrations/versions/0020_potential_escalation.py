"""Potential escalation at triage [SafeLives][MARAC-criteria] [issue 15]: the incidents known at triage, the
flag they raise, and each clock policy's threshold (3 incidents in 12 months, seeded).

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.add_column(
            sa.Column(
                "escalation_incidents",
                sa.Integer(),
                server_default="3",
                nullable=False,
                comment="Incidents within escalation_months that flag escalation.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "escalation_months",
                sa.Integer(),
                server_default="12",
                nullable=False,
                comment="The window, in months before triage, for those incidents.",
            )
        )
    with op.batch_alter_table("requests") as batch_op:
        batch_op.add_column(
            sa.Column(
                "potential_escalation",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment="Triage found the policy's number of incidents within its months: a MARAC criterion.",
            )
        )
    op.create_table(
        "triage_incidents",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column("occurred_on", sa.Date(), nullable=False, comment="When the incident happened."),
        sa.Column("summary", sa.Text(), nullable=False, comment="What happened, briefly."),
        sa.Column(
            "reference",
            sa.String(length=60),
            nullable=False,
            comment="Police or partner reference for the incident.",
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order as entered."),
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
            name=op.f("fk_triage_incidents_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_triage_incidents_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_incidents")),
        comment="Previous incidents recorded at triage (potential escalation).",
    )


def downgrade() -> None:
    op.drop_table("triage_incidents")
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_column("potential_escalation")
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.drop_column("escalation_months")
        batch_op.drop_column("escalation_incidents")
