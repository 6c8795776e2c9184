"""Indexes for the partners' inboxes, which now page in two views [issue 17]: requests answered or closed,
newest first, and notifications to acknowledge or acknowledged.

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_partner_requests_agency_sent", "partner_requests", ["agency_id", "sent_at", "id"])
    op.create_index(
        "ix_missing_notifications_inbox",
        "missing_notifications",
        ["agency_id", "acknowledged_at", "urgent", "period_end", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_missing_notifications_inbox", table_name="missing_notifications")
    op.drop_index("ix_partner_requests_agency_sent", table_name="partner_requests")
