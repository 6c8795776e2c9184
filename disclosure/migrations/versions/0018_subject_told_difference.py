"""Telling the subject is the panel's decision [WYP-DVDS] [issue 15]: a delivery that departs from it
records why, with the chair's agreement.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(
            sa.Column(
                "subject_told_difference",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="Why telling the subject differs from the panel's decision, where it does.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "chair_agreed_difference",
                sa.Boolean(),
                nullable=True,
                comment="The panel's chair agreed to the difference from its decision on telling the subject.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_column("chair_agreed_difference")
        batch_op.drop_column("subject_told_difference")
