"""Match cards of the people index [issue 20]: `person_match_cards` holds, for each person not merged into
another, everything scoring needs in one row (date of birth, sex, names with their sound keys, addresses),
and the cards of everyone already in the index are made here, a thousand people at a time, in the order of
their identifiers.

The table and its backfill share this revision, as 0041's keys did, because the candidate search reads only
the cards from this release: an empty table would hide every existing person from matching between two
revisions. The cards are made by `disclosure.people.cards.card_of`, the function the application uses; if
the card's shape changes, a later revision makes them again.

Revision ID: 0043
Revises: 0042
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from disclosure.people.cards import ADDRESS_FIELDS, NAME_FIELDS, card_of

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000

_people = sa.table(
    "people",
    sa.column("id", sa.Uuid()),
    sa.column("date_of_birth", sa.Date()),
    sa.column("gender", sa.String()),
    sa.column("merged_into_id", sa.Uuid()),
)
_names = sa.table("person_names", sa.column("person_id", sa.Uuid()), *(sa.column(f) for f in NAME_FIELDS))
_addresses = sa.table(
    "person_addresses", sa.column("person_id", sa.Uuid()), *(sa.column(f) for f in ADDRESS_FIELDS)
)
_cards = sa.table("person_match_cards", sa.column("person_id", sa.Uuid()), sa.column("card", sa.Text()))


def upgrade() -> None:
    op.create_table(
        "person_match_cards",
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The person (never a merged record)."),
        sa.Column(
            "card",
            sa.Text(),
            nullable=False,
            comment="Date of birth, sex, names with their sound keys and addresses, as compact JSON.",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_match_cards_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_match_cards")),
        comment="What scoring needs about each person, in one row read by primary key (issue 20).",
    )
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    """A card for every person not merged, in batches by identifier (the same cards whatever the engine)."""
    after = None
    while True:
        page = sa.select(_people.c.id, _people.c.date_of_birth, _people.c.gender).where(
            _people.c.merged_into_id.is_(None)
        )
        if after is not None:
            page = page.where(_people.c.id > after)
        people = connection.execute(page.order_by(_people.c.id).limit(_BATCH)).all()
        if not people:
            return
        ids = [row.id for row in people]
        names: defaultdict[Any, list[Any]] = defaultdict(list)
        for row in connection.execute(sa.select(_names).where(_names.c.person_id.in_(ids))):
            names[row.person_id].append(row._mapping)
        addresses: defaultdict[Any, list[Any]] = defaultdict(list)
        for row in connection.execute(sa.select(_addresses).where(_addresses.c.person_id.in_(ids))):
            addresses[row.person_id].append(row._mapping)
        rows = [
            {
                "person_id": row.id,
                "card": card_of(row.date_of_birth, row.gender, names[row.id], addresses[row.id]),
            }
            for row in people
        ]
        connection.execute(sa.insert(_cards), rows)
        after = ids[-1]


def downgrade() -> None:
    op.drop_table("person_match_cards")
