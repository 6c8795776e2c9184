"""Return home interviews to follow up, by kind first [issue 17]: adults' prevention interviews are optional
and stay "due" with no due time, so an index led by the outcome read thousands of them to find the children's
few (8,266 read for 16 at 10,000 requests).

Revision ID: 0031
Revises: 0030
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_return_interviews_kind_outcome_due", "return_interviews", ["kind", "outcome", "due_at"]
    )
    op.drop_index("ix_return_interviews_outcome_due", table_name="return_interviews")


def downgrade() -> None:
    op.create_index("ix_return_interviews_outcome_due", "return_interviews", ["outcome", "due_at"])
    op.drop_index("ix_return_interviews_kind_outcome_due", table_name="return_interviews")
