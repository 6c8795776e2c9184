"""What disposing of a record removes, found by walking the foreign keys that refer to it [issue 19].

A case, a missing episode or a person's record is a root. Every row that refers to a row being removed
through a required (NOT NULL) foreign key is part of it and goes too, and so on down; a row that refers to it
through an optional foreign key is another record that mentions it, and loses only the reference, unless
`PART_OF` says the row belongs to what it refers to. The walk reads the metadata, so a new feature's table is
covered without being listed here; `tests/retention/test_disposal.py` walks every foreign key and fails on an
optional one nobody has classified. People are never removed because a case about them went: a person goes
only when no other record refers to them (`PERSON_OWN` lists the tables that are a person's own and do not
keep them), which the service checks first. Stored files the removed rows name are discarded when the
transaction commits, and the corrections recorded against any removed row (old values) go with it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    ForeignKey,
    MetaData,
    Table,
    delete,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from disclosure.corrections import Correction
from disclosure.db import Base
from disclosure.people.service import person_references
from disclosure.storage import AttachmentStore, stored_file_columns

ROOTS = frozenset({"requests", "missing_episodes", "people"})
"""The records a reviewer disposes of."""

PART_OF = frozenset(
    {
        ("missing_pending_matches", "episode_id"),  # a suggested match for the episode's person
        ("missing_pending_matches", "protocol_form_id"),
        ("missing_pending_matches", "person_id"),
        ("protocol_forms", "person_id"),  # a Herbert or Philomena form is the person's own
        ("people", "merged_into_id"),  # a record merged into a person is the same person
    }
)
"""Optional foreign keys whose row is part of what it refers to (disposed of with it)."""

MENTIONS = frozenset(
    {
        ("requests", "linked_request_id"),  # the same subject's case under the other scheme
        ("missing_episodes", "person_id"),  # keeps its person (people go only when nothing refers to them)
        ("missing_unreached_notices", "notification_id"),
        ("checks", "partner_request_id"),
        ("evidence_items", "check_id"),
        ("urgent_disclosures", "recipient_party_id"),
        ("urgent_disclosures", "ratified_decision_id"),
        ("deliveries", "undertaking_letter_id"),
    }
)
"""Optional foreign keys that only mention what they refer to: the reference is cleared, the row stays."""

PERSON_OWN = frozenset(
    {
        "people",
        "person_names",
        "person_addresses",
        "person_match_keys",
        "person_match_cards",
        "person_access_grants",
        "protocol_forms",
        "missing_notifications",
        "missing_notification_items",
        "missing_pending_matches",
        "subject_access_requests",
    }
)
"""A person's own tables: rows here go with the person and do not keep them. Any other table that refers to
a person (a case party, an episode, evidence) is a record about them, which keeps them."""

_CHUNK = 500


def person_keepers() -> list[Column[Any]]:
    """The references to a person that keep them: every one outside their own tables (`PERSON_OWN`)."""
    return [c for c in person_references() if c.table.name not in PERSON_OWN]


@dataclass
class Footprint:
    """The rows (by table, by primary key) and stored files that disposing of the roots removes, and the
    optional references to them that are cleared."""

    rows: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    cleared: Counter[str] = field(default_factory=Counter)
    files: set[str] = field(default_factory=set)

    def ids(self, table: str) -> set[Any]:
        return {key[0] for key in self.rows.get(table, ())}

    @property
    def counts(self) -> dict[str, int]:
        """How many rows each table loses (no identifiers, no content: what the erasure event records)."""
        return {name: len(keys) for name, keys in sorted(self.rows.items()) if keys}

    @property
    def total(self) -> int:
        return sum(len(keys) for keys in self.rows.values())


def classification(column: Column[Any]) -> str:
    """'part' or 'mention' for a foreign key column, or '' for an optional one nobody has classified."""
    place = (column.table.name, column.name)
    if not column.nullable or place in PART_OF:
        return "part"
    return "mention" if place in MENTIONS else ""


def referring(metadata: MetaData, table: Table) -> Iterator[tuple[Column[Any], ForeignKey]]:
    """Every foreign key (with its column) that refers to `table`."""
    for other in metadata.sorted_tables:
        for column in other.columns:
            for key in column.foreign_keys:
                if key.column.table is table:
                    yield column, key


def footprint(
    session: Session, roots: dict[str, Iterable[uuid.UUID]], metadata: MetaData = Base.metadata
) -> Footprint:
    """Everything disposing of `roots` ({table: ids}) removes, read without changing anything (the page
    that asks a reviewer to confirm shows it)."""
    found = Footprint()
    waiting: list[tuple[Table, set[Any]]] = []
    for name, ids in roots.items():
        table = metadata.tables[name]
        keys = {(i,) for i in ids}
        found.rows.setdefault(name, set()).update(keys)
        waiting.append((table, {k[0] for k in keys}))
    while waiting:
        table, ids = waiting.pop()
        for column, _ in referring(metadata, table):
            child = column.table
            kind = classification(column)
            if kind == "mention":
                found.cleared[f"{child.name}.{column.name}"] += _count(session, column, ids)
                continue
            primary = list(child.primary_key.columns)
            new: set[tuple[Any, ...]] = set()
            for chunk in chunks(ids):
                statement = select(*primary).where(column.in_(chunk))
                new.update(tuple(row) for row in session.execute(statement))
            new -= found.rows.get(child.name, set())
            if new:
                found.rows.setdefault(child.name, set()).update(new)
                if len(primary) == 1:
                    waiting.append((child, {k[0] for k in new}))
    for column in stored_file_columns():
        ids = found.ids(column.table.name)
        if ids:
            (identifier,) = column.table.primary_key.columns
            for chunk in chunks(ids):
                chosen = select(column).where(identifier.in_(chunk))
                found.files.update(k for k in session.scalars(chosen) if k)
    return found


def remove(
    session: Session, found: Footprint, store: AttachmentStore, metadata: MetaData = Base.metadata
) -> None:
    """Remove every row in `found` (children first), clear the optional references to them, remove the
    corrections recorded against them, and discard their files when the transaction commits."""
    session.flush()
    for name, keys in found.rows.items():
        table = metadata.tables[name]
        for column, _ in referring(metadata, table):
            if classification(column) == "mention" or column.table is table:
                ids = {k[0] for k in keys}
                for chunk in chunks(ids):
                    session.execute(update(column.table).where(column.in_(chunk)).values({column.name: None}))
    for table in reversed(metadata.sorted_tables):
        removed = found.rows.get(table.name)
        if not removed:
            continue
        for chunk in chunks(removed):
            session.execute(delete(table).where(keyed(table, chunk)))
    every = {k[0] for keys in found.rows.values() for k in keys if isinstance(k[0], uuid.UUID)}
    for chunk in chunks(every):
        session.execute(delete(Correction).where(Correction.object_id.in_(chunk)))
    store.discard(session, sorted(found.files))
    session.expire_all()


def keyed(table: Table, keys: list[tuple[Any, ...]]) -> ColumnElement[bool]:
    """The condition that selects the rows of `table` with these primary keys."""
    primary = list(table.primary_key.columns)
    if len(primary) == 1:
        return primary[0].in_([k[0] for k in keys])
    return tuple_(*primary).in_(keys)


def _count(session: Session, column: Column[Any], ids: set[Any]) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(column.table).where(column.in_(chunk))) or 0
        for chunk in chunks(ids)
    )


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values, key=str)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
