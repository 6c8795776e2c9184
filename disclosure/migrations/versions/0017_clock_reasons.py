"""Honest clocks [issue 15]: a pause and an extension each take a reason from a configured list (with the
details in words), and a clock policy says how many extensions a case may have. Seeds the lists.

Revision ID: 0017
Revises: 0016
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = [
    ("pause", "awaiting_partner", "Awaiting information from a partner agency"),
    ("pause", "applicant_unreachable", "The applicant cannot be contacted safely"),
    ("pause", "applicant_request", "At the applicant's request"),
    ("pause", "investigation", "A police investigation or operation must not be compromised"),
    ("pause", "other", "Another reason (explain)"),
    ("extension", "partner_delay", "Essential information from a partner agency is delayed"),
    ("extension", "complex", "The case is exceptionally complex (several forces, subjects or children)"),
    ("extension", "applicant_availability", "The applicant cannot meet safely within the time"),
    ("extension", "investigation", "A live investigation must not be compromised"),
    ("extension", "other", "Other exceptional circumstances (explain)"),
]


def upgrade() -> None:
    reasons = op.create_table(
        "clock_reasons",
        sa.Column("kind", sa.String(length=10), nullable=False, comment="pause or extension."),
        sa.Column("code", sa.String(length=40), nullable=False, comment="Short stable code."),
        sa.Column("label", sa.String(length=200), nullable=False, comment="As users read it."),
        sa.Column("active", sa.Boolean(), nullable=False, comment="Offered for new pauses and extensions."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in the list."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint("kind IN ('pause', 'extension')", name=op.f("ck_clock_reasons_known_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock_reasons")),
        sa.UniqueConstraint("kind", "code", name="uq_clock_reasons_kind_code"),
        comment="Reasons for pausing a clock and exceptional circumstances for extending a deadline.",
    )
    op.bulk_insert(
        reasons,
        [
            {"id": uuid.uuid4(), "kind": kind, "code": code, "label": label, "active": True, "position": n}
            for n, (kind, code, label) in enumerate(REASONS)
        ],
    )
    for table, comment in (
        ("clock_pauses", "The reason from the configured list (ClockReason)."),
        ("clock_extensions", "The circumstance from the configured list."),
    ):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "reason_code", sa.String(length=40), server_default="", nullable=False, comment=comment
                )
            )
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.add_column(
            sa.Column(
                "max_extensions",
                sa.Integer(),
                server_default="2",
                nullable=False,
                comment="Extensions a case may have under this policy.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.drop_column("max_extensions")
    for table in ("clock_extensions", "clock_pauses"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("reason_code")
    op.drop_table("clock_reasons")
