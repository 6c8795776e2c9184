"""Feed imports run as jobs of the dispatcher: an import can wait its turn (`queued`), keeps its file and
layout until it finishes so that one cut off can be run again, and records when it last committed a batch so
that one cut off by a restart is recognised [issue 13].

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("missing_imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "heartbeat_at",
                disclosure.db.UTCDateTime(timezone=True),
                nullable=True,
                comment="When the running import last committed a batch (UTC): one silent for long was cut off.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "content",
                sa.LargeBinary(),
                nullable=True,
                comment="The file, kept until the import finishes so that one that stopped can be run again.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "mapping",
                sa.Text(),
                nullable=False,
                server_default="",
                comment="The layout's mapping (JSON), kept with the file to run it again.",
            )
        )
        batch_op.drop_constraint(op.f("ck_missing_imports_known_status"), type_="check")
        batch_op.create_check_constraint(
            "known_status", "status IN ('queued', 'running', 'finished', 'failed')"
        )
    with op.batch_alter_table("missing_imports", schema=None) as batch_op:
        batch_op.alter_column("mapping", server_default=None)


def downgrade() -> None:
    op.execute("UPDATE missing_imports SET status = 'failed' WHERE status = 'queued'")
    with op.batch_alter_table("missing_imports", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_missing_imports_known_status"), type_="check")
        batch_op.create_check_constraint("known_status", "status IN ('running', 'finished', 'failed')")
        batch_op.drop_column("mapping")
        batch_op.drop_column("content")
        batch_op.drop_column("heartbeat_at")
