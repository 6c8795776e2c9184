"""What waits for each user [issue 16]: each user's waiting-work email choice and what they were last told,
and the disclosure unit's telephone and email on the force profile, printed on letters.

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiting_mail",
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="The user this is for."),
        sa.Column("choice", sa.String(length=20), nullable=False, comment="immediate, daily or none."),
        sa.Column(
            "told_keys",
            sa.Text(),
            nullable=False,
            comment="The tasks the last message covered (opaque keys, no personal data).",
        ),
        sa.Column(
            "told_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the last message was queued (UTC).",
        ),
        sa.Column(
            "summary_on",
            sa.Date(),
            nullable=True,
            comment="The day (Europe/London) the last daily summary was queued for.",
        ),
        sa.CheckConstraint(
            "choice IN ('immediate', 'daily', 'none')", name=op.f("ck_waiting_mail_known_choice")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_waiting_mail_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_waiting_mail")),
        comment="Each user's waiting-work email choice and what the last message covered.",
    )
    with op.batch_alter_table("force_profiles") as batch_op:
        batch_op.add_column(
            sa.Column(
                "phone",
                sa.String(length=40),
                nullable=False,
                server_default="",
                comment="The disclosure unit's telephone number, printed on letters.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "email",
                sa.String(length=320),
                nullable=False,
                server_default="",
                comment="The disclosure unit's email address, printed on letters.",
            )
        )
    with op.batch_alter_table("force_profiles") as batch_op:
        batch_op.alter_column("phone", server_default=None)
        batch_op.alter_column("email", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("force_profiles") as batch_op:
        batch_op.drop_column("email")
        batch_op.drop_column("phone")
    op.drop_table("waiting_mail")
