"""Each case's clocks met or breached, kept in columns [issue 18]: timeliness counted them by computing every
delivered case's deadlines in Python (0.3 ms a case: over a minute for the country's year). Filled by
`stored_deadlines` in the transaction that finishes a step, and for every case when the deadline basis
changes (its algorithm moves to 2 with this migration, so the first start fills the columns).

Revision ID: 0036
Revises: 0035
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("initial_checks_met", "Derived: the initial checks were done by their deadline (empty until done)."),
    ("meeting_met", "Derived: the face-to-face meeting was held by its deadline (empty until held or none)."),
    (
        "completion_met",
        "Derived: the outcome reached the recipient by the whole-process deadline (empty until then).",
    ),
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name, comment in COLUMNS:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True, comment=comment))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
