"""The missing-person return reads a year of the country's episodes from indexes alone [issue 18]: the
episodes reported in a year with the person and care status (the episodes, the people and the repeats),
the episodes returned in a year with their ids, and each episode's interview with what the return counts.
Without them every episode's row was read from the table, one lookup each.

Revision ID: 0038
Revises: 0037
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_missing_episodes_reported", "missing_episodes", ["reported_at", "person_id", "care_status", "id"]
    )
    op.drop_index("ix_missing_episodes_returned", table_name="missing_episodes")
    op.create_index("ix_missing_episodes_returned", "missing_episodes", ["returned_at", "id"])
    op.create_index(
        "ix_return_interviews_episode_outcome",
        "return_interviews",
        ["episode_id", "kind", "outcome", "due_at", "completed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_return_interviews_episode_outcome", table_name="return_interviews")
    op.drop_index("ix_missing_episodes_returned", table_name="missing_episodes")
    op.create_index("ix_missing_episodes_returned", "missing_episodes", ["returned_at"])
    op.drop_index("ix_missing_episodes_reported", table_name="missing_episodes")
