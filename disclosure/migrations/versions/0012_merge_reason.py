"""A merged record keeps why it was merged [issue 14 §6]: the reason is case text, so it stays on the
person's record and the audit event points at it.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(
            sa.Column(
                "merge_reason",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="Why this duplicate was merged into the surviving record.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("merge_reason")
