"""Drafts of online applications [issue 21]: `public_drafts` keeps the answers of an application being filled
in under the SHA-256 of a cookie token, until it is submitted, exited or idle.

Revision ID: 0045
Revises: 0044
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "public_drafts",
        sa.Column(
            "token_hash",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the draft's cookie token (the token itself is never stored).",
        ),
        sa.Column(
            "route", sa.String(length=40), nullable=False, comment="The application being made (its journey)."
        ),
        sa.Column("answers", sa.Text(), nullable=False, comment="The answers so far, as JSON."),
        sa.Column(
            "expires_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the draft ends unless it is changed first.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_drafts")),
        comment="Online applications being filled in, until submitted, exited or idle (issue 21).",
    )
    with op.batch_alter_table("public_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_public_drafts_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ux_public_drafts_token_hash", ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("public_drafts", schema=None) as batch_op:
        batch_op.drop_index("ux_public_drafts_token_hash")
        batch_op.drop_index("ix_public_drafts_expires_at")
    op.drop_table("public_drafts")
