"""The people index: one record per person across every case and missing-person episode, with their names
(primary, aliases, previous) and addresses (current and previous: five years are advised [Beds][Phoenix]).

Matching reads only indexed columns to find candidates: the phonetic keys of every name (with the first
given name's key beside them), the date of birth and the postcode. A duplicate merged into another record
keeps its row, pointing at the survivor, and is never offered as a match again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from disclosure.db import Base, IdMixin, TimestampMixin, VersionMixin
from disclosure.grants import StatedReasonGrant

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
