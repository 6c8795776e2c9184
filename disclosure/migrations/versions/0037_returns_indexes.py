"""The reports find a year's records by their own dates [issue 18]: requests by first contact (requests by
month, outcomes), deliveries by when they happened (timeliness), return home interviews by the return
(the interviews owed in a year read every episode ever without it: at the country's size the missing-person
return went from 4.3 s to 2.9 s on SQLite).

Revision ID: 0037
Revises: 0036
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_requests_first_contact", "requests", ["first_contact_at"])
    op.create_index("ix_deliveries_occurred", "deliveries", ["occurred_at"])
    op.create_index("ix_missing_episodes_returned", "missing_episodes", ["returned_at"])


def downgrade() -> None:
    op.drop_index("ix_missing_episodes_returned", table_name="missing_episodes")
    op.drop_index("ix_deliveries_occurred", table_name="deliveries")
    op.drop_index("ix_requests_first_contact", table_name="requests")
