"""Blocking keys of the people index [issue 20]: `person_match_keys` holds, for each person not merged into
another, the keys two records of one person share (a swapped name, a slip in the family name, one name only,
a postcode sector or a month of birth with an initial), and the keys of everyone already in the index are
made here, a thousand people at a time, in the order of their identifiers.

The table and its backfill share this revision (the house style keeps them apart) because the candidate
search that reads the table ships with it: an empty table would hide every existing person from the new
lookups between two revisions. The keys are made by `disclosure.people.blocking.match_keys`, the function
the application uses; if it changes, a later revision makes the keys again.

Revision ID: 0041
Revises: 0040
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from disclosure.people.blocking import match_keys
from disclosure.people.schemas import NameEntry

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000

_people = sa.table(
    "people",
    sa.column("id", sa.Uuid()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("merged_into_id", sa.Uuid()),
)
_names = sa.table(
    "person_names",
    sa.column("person_id", sa.Uuid()),
    sa.column("given_names", sa.String()),
    sa.column("family_name", sa.String()),
)
_addresses = sa.table(
    "person_addresses", sa.column("person_id", sa.Uuid()), sa.column("postcode", sa.String())
)
_keys = sa.table("person_match_keys", sa.column("key", sa.String()), sa.column("person_id", sa.Uuid()))


def upgrade() -> None:
    op.create_table(
        "person_match_keys",
        sa.Column(
            "key",
            sa.String(length=60),
            nullable=False,
            comment="A blocking key: its kind, then what two records of one person share (nn:JN|SM0).",
        ),
        sa.Column(
            "person_id",
            sa.Uuid(),
            nullable=False,
            comment="The person the key was made from (never a merged record).",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_match_keys_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "person_id", name=op.f("pk_person_match_keys")),
        comment="Blocking keys of each person, looked up to find candidate duplicates (issue 20).",
    )
    with op.batch_alter_table("person_match_keys", schema=None) as batch_op:
        batch_op.create_index("ix_person_match_keys_person", ["person_id"], unique=False)
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    """Keys for every person not merged, in batches by identifier (the same keys whatever the engine)."""
    after = None
    while True:
        page = sa.select(_people.c.id, _people.c.date_of_birth).where(_people.c.merged_into_id.is_(None))
        if after is not None:
            page = page.where(_people.c.id > after)
        people = connection.execute(page.order_by(_people.c.id).limit(_BATCH)).all()
        if not people:
            return
        ids = [person_id for person_id, _ in people]
        names: defaultdict[Any, list[NameEntry]] = defaultdict(list)
        for person_id, given, family in connection.execute(
            sa.select(_names.c.person_id, _names.c.given_names, _names.c.family_name).where(
                _names.c.person_id.in_(ids)
            )
        ):
            names[person_id].append(NameEntry(given, family))
        postcodes: defaultdict[Any, list[str]] = defaultdict(list)
        for person_id, postcode in connection.execute(
            sa.select(_addresses.c.person_id, _addresses.c.postcode).where(_addresses.c.person_id.in_(ids))
        ):
            postcodes[person_id].append(postcode)
        rows = [
            {"key": key, "person_id": person_id}
            for person_id, born in people
            for key in sorted(match_keys(names[person_id], born, postcodes[person_id]))
        ]
        if rows:
            connection.execute(sa.insert(_keys), rows)
        after = ids[-1]


def downgrade() -> None:
    with op.batch_alter_table("person_match_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_person_match_keys_person")
    op.drop_table("person_match_keys")
