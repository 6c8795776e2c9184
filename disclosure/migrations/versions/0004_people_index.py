"""People index: gender, name-key indexes that carry the first given name, a partial index on merged records,
address dates in order; the swapped date-of-birth column goes.

A transposed date of birth is found by looking up the swapped date in the date-of-birth index, so the stored
swap was a second copy of the same fact. The single-column family-key indexes are prefixes of the
(family key, given key) indexes and go too: fewer indexes to maintain on every insert.

`people` is altered in place, never rebuilt: on SQLite a batch rebuild drops the table, and with foreign keys
on that deletes every name and address through ON DELETE CASCADE. Only `person_addresses`, which nothing
references, is rebuilt (SQLite adds a CHECK constraint no other way).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:24:38.940436
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY_COMMENTS = {
    "family_key1": (
        "Double Metaphone primary key of the family name.",
        "Double Metaphone primary key of the family name (of the given name if there is none).",
    ),
    "family_key2": ("Double Metaphone secondary key.", "Double Metaphone secondary key of the family name."),
    "given_key1": (
        "Double Metaphone key of the first given name.",
        "Double Metaphone primary key of the first given name.",
    ),
}
_ADDRESSES_COMMENT = (
    "Current and previous addresses of a person.",
    "Current and previous addresses of a person (five years advised for a subject).",
)


def _keeps_comments() -> bool:
    return op.get_bind().dialect.name != "sqlite"


def upgrade() -> None:
    op.add_column(
        "people",
        sa.Column(
            "gender",
            sa.String(length=40),
            server_default="",
            nullable=False,
            comment="Gender as recorded, if known (free text).",
        ),
    )
    op.drop_index("ix_people_dob_swapped", table_name="people")
    op.drop_column("people", "dob_swapped")
    op.create_index(
        "ix_people_merged_into_id",
        "people",
        ["merged_into_id"],
        unique=False,
        sqlite_where=sa.text("merged_into_id IS NOT NULL"),
        postgresql_where=sa.text("merged_into_id IS NOT NULL"),
    )

    op.drop_index("ix_person_names_family_key1", table_name="person_names")
    op.drop_index("ix_person_names_family_key2", table_name="person_names")
    op.create_index(
        "ix_person_names_family2_given", "person_names", ["family_key2", "given_key1"], unique=False
    )

    with op.batch_alter_table("person_addresses", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_person_addresses_dates_in_order"),
            "from_date IS NULL OR to_date IS NULL OR from_date <= to_date",
        )

    if _keeps_comments():
        for column, (old, new) in _KEY_COMMENTS.items():
            op.alter_column(
                "person_names",
                column,
                existing_type=sa.String(length=12),
                existing_nullable=False,
                comment=new,
                existing_comment=old,
            )
        op.create_table_comment(
            "person_addresses", _ADDRESSES_COMMENT[1], existing_comment=_ADDRESSES_COMMENT[0]
        )


def downgrade() -> None:
    if _keeps_comments():
        op.create_table_comment(
            "person_addresses", _ADDRESSES_COMMENT[0], existing_comment=_ADDRESSES_COMMENT[1]
        )
        for column, (old, new) in _KEY_COMMENTS.items():
            op.alter_column(
                "person_names",
                column,
                existing_type=sa.String(length=12),
                existing_nullable=False,
                comment=old,
                existing_comment=new,
            )

    with op.batch_alter_table("person_addresses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_person_addresses_dates_in_order"), type_="check")

    op.drop_index("ix_person_names_family2_given", table_name="person_names")
    op.create_index("ix_person_names_family_key2", "person_names", ["family_key2"], unique=False)
    op.create_index("ix_person_names_family_key1", "person_names", ["family_key1"], unique=False)

    # The swapped date comes back empty: it was derived from the date of birth and only ever looked up.
    op.drop_index("ix_people_merged_into_id", table_name="people")
    op.add_column(
        "people",
        sa.Column(
            "dob_swapped",
            sa.Date(),
            nullable=True,
            comment="Date of birth with day and month swapped (indexed to find transposed dates); "
            "empty if not valid.",
        ),
    )
    op.create_index("ix_people_dob_swapped", "people", ["dob_swapped"], unique=False)
    op.drop_column("people", "gender")
