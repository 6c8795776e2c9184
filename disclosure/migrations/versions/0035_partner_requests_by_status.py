"""Open partner requests by status and due date [issue 17]: the researchers' list of requests to chase read
every request ever answered to find the open ones (49 ms for 270,000 at the country's size, growing with
every answer).

Revision ID: 0035
Revises: 0034
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_partner_requests_status_due", "partner_requests", ["status", "due_on", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_partner_requests_status_due", table_name="partner_requests")
