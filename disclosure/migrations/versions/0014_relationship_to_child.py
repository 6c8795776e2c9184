"""Sarah's Law recipients are judged from a recorded relationship to the child [issue 15] [ASP-CSODS]: each
person on a case may carry one (parent, carer, guardian, neighbour, professional...), so that a decision never
relabels a neighbour as a parent, carer or guardian.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.add_column(
            sa.Column(
                "relationship_to_child",
                sa.String(length=30),
                server_default="",
                nullable=False,
                comment="Sarah's Law: the person's relationship to the named child (ChildRelationship), if "
                "recorded.",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.drop_column("relationship_to_child")
