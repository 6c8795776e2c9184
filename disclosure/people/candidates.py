"""Candidate search for matching: which people in the index might be the person being entered, found only
through indexed lookups, each capped, so that the search costs about the same with a thousand people or a
million.

The lookups come in three tiers. Dates of birth (the same, swapped or a year out) and the postcode find few
people and strong ones: they are always kept. A sound-alike family name together with the first given name's
key is kept up to its own cap (a John Smith is one of a few hundred in a million). The family name alone
(nicknames: Bob for Robert; Smith is one person in a hundred) only fills what room is left. A common name
can therefore never crowd out the person born on the date entered. Scoring the candidates is `matching`'s
job.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Select, literal_column, or_, select, tuple_, union_all
from sqlalchemy.orm import Session

from disclosure.people import matching
from disclosure.people.matching import Candidate, CandidateName
from disclosure.people.models import Person, PersonAddress, PersonName
from disclosure.people.schemas import PersonDetails

_BY_DATE_OR_POSTCODE, _BY_NAME, _BY_FAMILY_NAME_ONLY = 0, 1, 2


@dataclass(frozen=True)
class Limits:
    """Caps on each lookup and on each tier; at most `dates * 4 + postcode + names + total` candidates."""

    per_date: int = 150
    per_postcode: int = 200
    per_name_lookup: int = 300
    names: int = 400
    per_family_lookup: int = 100
    total: int = 500


LIMITS = Limits()


def candidate_statement(
    details: PersonDetails, limits: Limits = LIMITS
) -> CompoundSelect[uuid.UUID, int] | None:
    """One UNION ALL of capped, indexed lookups, each row tagged with its tier. None when there is nothing
    to look up."""
    branches: list[tuple[int, Select[uuid.UUID]]] = []
    family_keys: set[str] = set()
    for name in details.names:
        keys = matching.lookup_family_keys(name)
        given = matching.name_keys(name).given_key1
        family_keys |= keys
        for key in sorted(keys) if given else ():
            for column in (PersonName.family_key1, PersonName.family_key2):
                lookup = select(PersonName.person_id).where(column == key, PersonName.given_key1 == given)
                branches.append((_BY_NAME, lookup.limit(limits.per_name_lookup)))
    if details.date_of_birth is not None:
        day = details.date_of_birth
        swapped = matching.transposed(day)
        dates = [day, *([swapped] if swapped else []), *matching.year_either_side(day)]
        by_date = (select(Person.id).where(Person.date_of_birth == d).limit(limits.per_date) for d in dates)
        branches.extend((_BY_DATE_OR_POSTCODE, lookup) for lookup in by_date)
    postcode = matching.normalise_postcode(details.postcode)
    if matching.is_uk_postcode(postcode):
        lookup = select(PersonAddress.person_id).where(PersonAddress.postcode == postcode)
        branches.append((_BY_DATE_OR_POSTCODE, lookup.limit(limits.per_postcode)))
    branches.extend(
        (
            _BY_FAMILY_NAME_ONLY,
            select(PersonName.person_id).where(column == key).limit(limits.per_family_lookup),
        )
        for key in sorted(family_keys)
        for column in (PersonName.family_key1, PersonName.family_key2)
    )
    if not branches:
        return None
    parts = []
    for tier, branch in branches:
        capped = branch.subquery()
        parts.append(select(capped.c[0].label("person_id"), literal_column(str(tier)).label("tier")))
    return union_all(*parts)


def candidate_ids(session: Session, details: PersonDetails, limits: Limits = LIMITS) -> list[uuid.UUID]:
    """Candidate ids without repeats: everyone found by date of birth or postcode, then people found by name
    up to `limits.names`, then people found by family name alone while there is room under `limits.total`."""
    statement = candidate_statement(details, limits)
    if statement is None:
        return []
    tiers: dict[int, list[uuid.UUID]] = {_BY_DATE_OR_POSTCODE: [], _BY_NAME: [], _BY_FAMILY_NAME_ONLY: []}
    for person_id, tier in session.execute(statement):
        tiers[int(tier)].append(person_id)
    chosen = dict.fromkeys(tiers[_BY_DATE_OR_POSTCODE])
    named = [p for p in dict.fromkeys(tiers[_BY_NAME]) if p not in chosen]
    chosen.update(dict.fromkeys(named[: limits.names]))
    for person_id in tiers[_BY_FAMILY_NAME_ONLY]:
        if len(chosen) >= limits.total:
            break
        chosen.setdefault(person_id)
    return list(chosen)


def load_candidates(session: Session, ids: list[uuid.UUID]) -> list[Candidate]:
    """What scoring needs, in three indexed queries by id; merged records are left out."""
    if not ids:
        return []
    # Merged records are dropped here, not in SQL: "merged_into_id IS NULL" is true of nearly every row and
    # must never steer the planner away from the primary key.
    births = {
        person_id: born
        for person_id, born, merged_into in session.execute(
            select(Person.id, Person.date_of_birth, Person.merged_into_id).where(Person.id.in_(ids))
        )
        if merged_into is None
    }
    if not births:
        return []
    names: defaultdict[uuid.UUID, list[CandidateName]] = defaultdict(list)
    for row in session.execute(
        select(
            PersonName.person_id,
            PersonName.kind,
            PersonName.given_names,
            PersonName.family_name,
            PersonName.normalised,
            PersonName.family_key1,
            PersonName.family_key2,
            PersonName.given_key1,
        ).where(PersonName.person_id.in_(list(births)))
    ):
        names[row[0]].append(CandidateName(*row[1:]))
    postcodes: defaultdict[uuid.UUID, list[str]] = defaultdict(list)
    for person_id, postcode in session.execute(
        select(PersonAddress.person_id, PersonAddress.postcode).where(
            PersonAddress.person_id.in_(list(births))
        )
    ):
        postcodes[person_id].append(postcode)
    return [
        Candidate(person_id, born, tuple(names[person_id]), tuple(postcodes[person_id]))
        for person_id, born in births.items()
    ]


def _chunks(items: list[Any], size: int = 2000) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _dates_of(details: PersonDetails) -> list[date]:
    day = details.date_of_birth
    if day is None:
        return []
    swapped = matching.transposed(day)
    return [day, *([swapped] if swapped else []), *matching.year_either_side(day)]


def candidate_ids_many(
    session: Session, probes: Sequence[PersonDetails], limits: Limits = LIMITS
) -> list[list[uuid.UUID]]:
    """`candidate_ids` for many people at once (a feed import): the same tiers and caps, each tier one
    indexed query per few thousand values instead of one per person. The family-name-only tier (nicknames)
    needs a capped lookup per key, so probes without a date of birth, the ones it serves, take the single
    path; with a date of birth the date tier already brings in the person."""
    results: list[list[uuid.UUID] | None] = [None] * len(probes)
    batched = [i for i, p in enumerate(probes) if p.date_of_birth is not None]
    for i, probe in enumerate(probes):
        if probe.date_of_birth is None:
            results[i] = candidate_ids(session, probe, limits)
    if not batched:
        return [r or [] for r in results]

    wanted_dates = sorted({d for i in batched for d in _dates_of(probes[i])})
    by_date: defaultdict[date, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(wanted_dates):
        for person_id, born in session.execute(
            select(Person.id, Person.date_of_birth).where(Person.date_of_birth.in_(chunk))
        ):
            if len(by_date[born]) < limits.per_date:
                by_date[born].append(person_id)

    postcodes = sorted(
        {matching.normalise_postcode(probes[i].postcode) for i in batched} - {""}
    )
    postcodes = [p for p in postcodes if matching.is_uk_postcode(p)]
    by_postcode: defaultdict[str, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(postcodes):
        for person_id, postcode in session.execute(
            select(PersonAddress.person_id, PersonAddress.postcode).where(PersonAddress.postcode.in_(chunk))
        ):
            if len(by_postcode[postcode]) < limits.per_postcode:
                by_postcode[postcode].append(person_id)

    lookups: dict[int, list[tuple[str, str]]] = {}
    for i in batched:
        pairs = []
        for name in probes[i].names:
            given = matching.name_keys(name).given_key1
            if given:
                pairs.extend((key, given) for key in sorted(matching.lookup_family_keys(name)))
        lookups[i] = pairs
    wanted_pairs = sorted({pair for pairs in lookups.values() for pair in pairs})
    by_pair: defaultdict[tuple[str, str, int], list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(wanted_pairs, 1000):
        statement = select(
            PersonName.person_id, PersonName.family_key1, PersonName.family_key2, PersonName.given_key1
        ).where(
            or_(
                tuple_(PersonName.family_key1, PersonName.given_key1).in_(chunk),
                tuple_(PersonName.family_key2, PersonName.given_key1).in_(chunk),
            )
        )
        for person_id, key1, key2, given in session.execute(statement):
            for column, key in ((1, key1), (2, key2)):
                found = by_pair[(key, given, column)]
                if len(found) < limits.per_name_lookup:
                    found.append(person_id)

    for i in batched:
        probe = probes[i]
        chosen = dict.fromkeys(p for day in _dates_of(probe) for p in by_date.get(day, ()))
        chosen.update(dict.fromkeys(by_postcode.get(matching.normalise_postcode(probe.postcode), ())))
        named = [
            p
            for key, given in lookups[i]
            for column in (1, 2)
            for p in by_pair.get((key, given, column), ())
            if p not in chosen
        ]
        chosen.update(dict.fromkeys(list(dict.fromkeys(named))[: limits.names]))
        results[i] = list(chosen)
    return [r or [] for r in results]


def load_candidates_many(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    """`load_candidates` for the union of many people's candidates, by id."""
    unique = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, Candidate] = {}
    for chunk in _chunks(unique, 5000):
        found.update({c.person_id: c for c in load_candidates(session, chunk)})
    return found
