"""The 2010 Sarah's Law clock closes no-concern cases by day 35 and disclosures by day 45 [WYP-CSODS]
[Cleveland] [issue 15]: a clock policy may set a shorter whole-process limit for cases ending without a
disclosure, and each case records whether its signed decision was to disclose (filled in here from the
signed decisions already held).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.add_column(
            sa.Column(
                "no_disclosure_days",
                sa.Integer(),
                nullable=True,
                comment="Whole process for a case ending without a disclosure, where it differs (CSODS 2010: "
                "35).",
            )
        )
    with op.batch_alter_table("requests") as batch_op:
        batch_op.add_column(
            sa.Column(
                "disclosed",
                sa.Boolean(),
                nullable=True,
                comment="Whether the panel's signed decision is to disclose (empty until a decision is signed).",
            )
        )
    op.execute("UPDATE clock_policies SET no_disclosure_days = 35 WHERE code = 'csods-2010'")
    op.execute(
        """UPDATE requests SET disclosed = (
               SELECT d.outcome = 'disclose' FROM decisions d
               WHERE d.request_id = requests.id AND d.status = 'signed'
                 AND d.outcome IN ('disclose', 'no_disclosure')
               ORDER BY d.signed_at DESC LIMIT 1)"""
    )


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_column("disclosed")
    with op.batch_alter_table("clock_policies") as batch_op:
        batch_op.drop_column("no_disclosure_days")
