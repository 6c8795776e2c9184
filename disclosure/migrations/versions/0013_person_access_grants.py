"""The people index honours need to know [issue 14 §3]: a user with no case or episode involving a person
opens the person's record only after stating a reason, which opens it for one shift, as a case does.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_access_grants",
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person."),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Who opened it."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Their stated reason."),
        sa.Column("granted_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When."),
        sa.Column(
            "expires_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="Access lapses after this; a new reason is needed.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_access_grants_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_person_access_grants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_access_grants")),
        comment="A person's record opened outside need to know, for a stated reason (audited).",
    )
    with op.batch_alter_table("person_access_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_person_access_grants_user_person", ["user_id", "person_id", "expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("person_access_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_person_access_grants_user_person")
    op.drop_table("person_access_grants")
