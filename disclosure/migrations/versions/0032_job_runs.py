"""When each timetabled job last took its turn, shared by every worker [issue 17]: the waiting-work email's
look ran once every five minutes in each worker (kept in the worker's memory); it now runs once across them.

Revision ID: 0032
Revises: 0031
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from disclosure.db import UTCDateTime

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=60), nullable=False, comment="The job's name."),
        sa.Column(
            "last_run_at",
            UTCDateTime(),
            nullable=False,
            comment="When a worker last took the job's turn (UTC).",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
        comment="When each timetabled job last took its turn, shared by every worker.",
    )


def downgrade() -> None:
    op.drop_table("job_runs")
