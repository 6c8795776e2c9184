"""Safe contact drives every contact [issue 15] [Beds]: the ways that are safe (in person, telephone, text,
email, post), the safe number, email and postal address, and "do not leave messages", beside the safe times
and any other instructions. Letters take the safe address or are refused; delivery offers only safe ways.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.add_column(
            sa.Column(
                "safe_channels",
                sa.String(length=100),
                server_default="",
                nullable=False,
                comment="The ways of contact that are safe (SafeChannel values, comma separated); empty: none "
                "recorded.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "safe_phone",
                sa.String(length=40),
                server_default="",
                nullable=False,
                comment="The safe number for calls or texts.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "safe_email",
                sa.String(length=200),
                server_default="",
                nullable=False,
                comment="The safe email address.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "safe_address",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="The safe postal address (may not be where they live).",
            )
        )
        batch_op.add_column(
            sa.Column(
                "no_messages",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
                comment="Do not leave messages (voicemail, with others).",
            )
        )
        batch_op.alter_column(
            "safe_contact_method",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment="Anything else about contacting the person safely.",
            existing_comment="How the applicant can be contacted safely.",
        )


def downgrade() -> None:
    with op.batch_alter_table("case_parties") as batch_op:
        batch_op.alter_column(
            "safe_contact_method",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment="How the applicant can be contacted safely.",
            existing_comment="Anything else about contacting the person safely.",
        )
        for column in ("no_messages", "safe_address", "safe_email", "safe_phone", "safe_channels"):
            batch_op.drop_column(column)
