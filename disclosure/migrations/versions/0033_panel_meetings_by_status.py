"""Panel meetings by status and time [issue 17]: the panels list pages the scheduled meetings and the past
ones in meeting-time order, and without this index read and sorted every meeting ever (73 ms for 55,000 at
the country's size) for each page.

Revision ID: 0033
Revises: 0032
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_panel_meetings_status_meets_at", "panel_meetings", ["status", "meets_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_panel_meetings_status_meets_at", table_name="panel_meetings")
