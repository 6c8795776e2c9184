"""Rate limits of the public side [issue 21]: `rate_limit_counts` holds the submissions accepted in each fixed
window of each bucket (a sender's keyed hash, or everyone), so that several servers agree on a limit.

Revision ID: 0044
Revises: 0043
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counts",
        sa.Column(
            "bucket",
            sa.String(length=80),
            nullable=False,
            comment="A limit's name and a keyed hash of the sender's address (never the address itself).",
        ),
        sa.Column(
            "window_start",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the window began (UTC).",
        ),
        sa.Column("hits", sa.Integer(), nullable=False, comment="Submissions accepted in the window so far."),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_limit_counts")),
        comment="Public submissions counted per bucket and window, for rate limits (issue 21).",
    )
    with op.batch_alter_table("rate_limit_counts", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_counts_window_start", ["window_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_counts_window_start")
    op.drop_table("rate_limit_counts")
