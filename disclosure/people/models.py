"""The people index: one record per person across every case and missing-person episode, with their names
(primary, aliases, previous) and addresses (current and previous: five years are advised [Beds][Phoenix]).

Matching reads only indexed columns to find candidates: the phonetic keys of every name (with the first
given name's key beside them), the date of birth, the postcode, and each person's blocking keys
(`person_match_keys`, issue 20); a candidate found is scored from its match card (`person_match_cards`,
one row by primary key). A flush hook keeps keys and cards in step with their names, addresses, date of
birth and sex. A duplicate merged into another record keeps its row, pointing at the survivor, has no
blocking keys and no card, and is never offered as a match again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin
from disclosure.grants import StatedReasonGrant
from disclosure.people import blocking, cards
from disclosure.people.schemas import NameEntry

NAME_KINDS = ("primary", "alias", "previous")


class Person(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_date_of_birth", "date_of_birth"),
        # Only merged records: a full index of mostly empty values would tempt the planner into scanning it.
        Index(
            "ix_people_merged_into_id",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
            postgresql_where=text("merged_into_id IS NOT NULL"),
        ),
        {"comment": "One person in the people index, shared by every case and missing-person episode."},
    )

    date_of_birth: Mapped[date | None] = mapped_column(comment="Date of birth, where known.")
    gender: Mapped[str] = mapped_column(
        String(40), default="", server_default="", comment="Gender as recorded, if known (free text)."
    )
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who added the person.")
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id"), comment="The surviving record this duplicate was merged into."
    )
    merged_at: Mapped[datetime | None] = mapped_column(comment="When it was merged.")
    merge_reason: Mapped[str] = mapped_column(
        Text,
        default="",
        server_default="",
        comment="Why this duplicate was merged into the surviving record.",
    )

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="PersonName.created_at",
        lazy="selectin",
    )
    addresses: Mapped[list[PersonAddress]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="PersonAddress.created_at",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": VersionMixin.version}

    @property
    def primary_name(self) -> PersonName | None:
        return next((n for n in self.names if n.kind == "primary"), self.names[0] if self.names else None)

    @property
    def display_name(self) -> str:
        primary = self.primary_name
        return primary.full_name if primary else "(no name recorded)"

    @property
    def other_names(self) -> list[PersonName]:
        primary = self.primary_name
        return [n for n in self.names if n is not primary]

    @property
    def current_address(self) -> PersonAddress | None:
        return next((a for a in reversed(self.addresses) if a.current), None)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class PersonName(IdMixin, TimestampMixin, Base):
    __tablename__ = "person_names"
    __table_args__ = (
        CheckConstraint("kind IN ('primary', 'alias', 'previous')", name="known_kind"),
        # Candidate search: a family key alone, or with the first given name's key (both by index prefix).
        Index("ix_person_names_family_given", "family_key1", "given_key1"),
        Index("ix_person_names_family2_given", "family_key2", "given_key1"),
        Index("ix_person_names_person", "person_id"),
        {"comment": "A person's names: the primary name, aliases and previous names, with phonetic keys."},
    )

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), comment="The person."
    )
    kind: Mapped[str] = mapped_column(String(10), comment="primary, alias or previous.")
    given_names: Mapped[str] = mapped_column(String(200), default="", comment="Given names as entered.")
    family_name: Mapped[str] = mapped_column(String(200), default="", comment="Family name as entered.")
    normalised: Mapped[str] = mapped_column(
        String(400), comment="Lower-case, accent-free full name for scoring."
    )
    family_key1: Mapped[str] = mapped_column(
        String(12),
        default="",
        comment="Double Metaphone primary key of the family name (of the given name if there is none).",
    )
    family_key2: Mapped[str] = mapped_column(
        String(12), default="", comment="Double Metaphone secondary key of the family name."
    )
    given_key1: Mapped[str] = mapped_column(
        String(12), default="", comment="Double Metaphone primary key of the first given name."
    )

    person: Mapped[Person] = relationship(back_populates="names")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)


class PersonAddress(IdMixin, TimestampMixin, Base):
    __tablename__ = "person_addresses"
    __table_args__ = (
        CheckConstraint(
            "from_date IS NULL OR to_date IS NULL OR from_date <= to_date", name="dates_in_order"
        ),
        Index("ix_person_addresses_postcode", "postcode"),
        Index("ix_person_addresses_person", "person_id"),
        {"comment": "Current and previous addresses of a person (five years advised for a subject)."},
    )

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), comment="The person."
    )
    line_1: Mapped[str] = mapped_column(String(200), default="", comment="First line of the address.")
    line_2: Mapped[str] = mapped_column(String(200), default="", comment="Second line of the address.")
    town: Mapped[str] = mapped_column(String(100), default="", comment="Town or city.")
    postcode: Mapped[str] = mapped_column(
        String(10), default="", comment="Postcode, upper case with one space."
    )
    current: Mapped[bool] = mapped_column(default=True, comment="Whether the person lives there now.")
    from_date: Mapped[date | None] = mapped_column(comment="When they moved in, if known.")
    to_date: Mapped[date | None] = mapped_column(comment="When they moved out, if known.")

    person: Mapped[Person] = relationship(back_populates="addresses")

    @property
    def one_line(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class PersonAccessGrant(IdMixin, StatedReasonGrant, Base):
    __tablename__ = "person_access_grants"
    __table_args__ = (
        Index("ix_person_access_grants_user_person", "user_id", "person_id", "expires_at"),
        {"comment": "A person's record opened outside need to know, for a stated reason (audited)."},
    )

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), comment="The person."
    )


class PersonMatchKey(Base):
    __tablename__ = "person_match_keys"
    __table_args__ = (
        Index("ix_person_match_keys_person", "person_id"),
        {"comment": "Blocking keys of each person, looked up to find candidate duplicates (issue 20)."},
    )

    key: Mapped[str] = mapped_column(
        String(blocking.KEY_LENGTH),
        primary_key=True,
        comment="A blocking key: its kind, then what two records of one person share (nn:JN|SM0).",
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The person the key was made from (never a merged record).",
    )


class PersonMatchCard(Base):
    __tablename__ = "person_match_cards"
    __table_args__ = {
        "comment": "What scoring needs about each person, in one row read by primary key (issue 20)."
    }

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The person (never a merged record).",
    )
    card: Mapped[str] = mapped_column(
        Text,
        comment="Date of birth, sex, names with their sound keys and addresses, as compact JSON.",
    )


# ------------------------------------------------------------------------------------ keeping keys in step

_PERSON_FIELDS = ("date_of_birth", "gender", "merged_into_id")
_NAME_FIELDS = ("kind", "given_names", "family_name", "normalised", "person_id", "person")
_ADDRESS_FIELDS = ("line_1", "town", "postcode", "person_id", "person")


def _changed_people(session: Session) -> set[uuid.UUID]:
    """The people whose names, addresses, date of birth, sex or merged state this flush changed."""
    found: set[uuid.UUID] = set()
    for record in chain(session.new, session.dirty, session.deleted):
        state = inspect(record)
        if isinstance(record, Person):
            fresh = record in session.new
            if not state.deleted and (
                fresh or any(state.attrs[a].history.has_changes() for a in _PERSON_FIELDS)
            ):
                found.add(record.id)
        elif isinstance(record, PersonName | PersonAddress):
            fields = _NAME_FIELDS if isinstance(record, PersonName) else _ADDRESS_FIELDS
            if record in session.dirty and not any(state.attrs[a].history.has_changes() for a in fields):
                continue
            found.add(record.person_id)
            for value in chain(state.attrs.person_id.history.deleted, state.attrs.person.history.deleted):
                found.add(value.id if isinstance(value, Person) else value)
    found.discard(None)
    return found


def _match_rows_of(
    connection: Connection, ids: list[uuid.UUID]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The key rows and card rows of these people as stored now (after the flush), merged records having
    none."""
    keys: list[dict[str, Any]] = []
    made: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        people = connection.execute(
            select(Person.id, Person.date_of_birth, Person.gender, Person.merged_into_id).where(
                Person.id.in_(chunk)
            )
        )
        alive = {row.id: row for row in people if row.merged_into_id is None}
        names: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
        name_columns = [getattr(PersonName, f) for f in cards.NAME_FIELDS]
        for row in connection.execute(
            select(PersonName.person_id, *name_columns).where(PersonName.person_id.in_(list(alive)))
        ):
            names[row.person_id].append(row._mapping)
        addresses: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
        address_columns = [getattr(PersonAddress, f) for f in cards.ADDRESS_FIELDS]
        for row in connection.execute(
            select(PersonAddress.person_id, *address_columns).where(PersonAddress.person_id.in_(list(alive)))
        ):
            addresses[row.person_id].append(row._mapping)
        for person_id in sorted(alive):
            person = alive[person_id]
            entries = [NameEntry(n["given_names"], n["family_name"]) for n in names[person_id]]
            postcodes = [a["postcode"] for a in addresses[person_id]]
            found = blocking.match_keys(entries, person.date_of_birth, postcodes)
            keys.extend({"key": key, "person_id": person_id} for key in sorted(found))
            card = cards.card_of(person.date_of_birth, person.gender, names[person_id], addresses[person_id])
            made.append({"person_id": person_id, "card": card})
    return keys, made


@event.listens_for(Session, "after_flush")
def _refresh_match_rows(session: Session, _context: UOWTransaction) -> None:
    """Every writer of names, addresses, dates of birth and sex (intake, corrections, merges, the feed, the
    synthetic force) goes through a flush, so the blocking keys and match cards are made again here, in the
    same transaction, from the rows as they now stand [issue 20]. Bulk inserts that bypass the ORM write
    rows of their own (`synthetic.population.draw_people`)."""
    changed = sorted(_changed_people(session))
    if not changed:
        return
    connection = session.connection()
    keys, made = _match_rows_of(connection, changed)
    for start in range(0, len(changed), 500):
        chunk = changed[start : start + 500]
        connection.execute(delete(PersonMatchKey).where(PersonMatchKey.person_id.in_(chunk)))
        connection.execute(delete(PersonMatchCard).where(PersonMatchCard.person_id.in_(chunk)))
    if keys:
        connection.execute(insert(PersonMatchKey), keys)
    if made:
        connection.execute(insert(PersonMatchCard), made)


class MatcherVersion(IdMixin, TimestampMixin, Base):
    """One version of the matching model's parameters and thresholds [issue 20]: trained from the index
    (`disclosure people train-matcher`) or a change of thresholds; exactly one is in use, and any earlier
    one can be put back in use (`disclosure people use-matcher`), each step audited."""

    __tablename__ = "matcher_versions"
    __table_args__ = (
        Index(
            "ux_matcher_versions_in_use",
            "in_use",
            unique=True,
            sqlite_where=text("in_use"),
            postgresql_where=text("in_use"),
        ),
        CheckConstraint("possible >= 1 AND possible <= likely AND likely <= 100", name="thresholds_in_order"),
        {"comment": "Versions of the people-matching model (Fellegi-Sunter m, u, prior and frequencies)."},
    )

    number: Mapped[int] = mapped_column(unique=True, comment="Version number, from 1.")
    parameters: Mapped[dict[str, Any]] = mapped_column(
        JSON, comment="m and u of every level, the prior and name frequencies (model.Parameters)."
    )
    population: Mapped[int] = mapped_column(comment="People in the index when the version was made.")
    possible: Mapped[int] = mapped_column(comment="Percentage from which a match is shown as possible.")
    likely: Mapped[int] = mapped_column(comment="Percentage from which a match is shown as likely.")
    made_by: Mapped[str] = mapped_column(String(20), comment="trained or thresholds: how it was made.")
    summary: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, comment="What training saw: pairs compared, iterations, convergence."
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who made it (none when made by a command)."
    )
    in_use: Mapped[bool] = mapped_column(default=False, comment="Whether matching uses this version now.")
