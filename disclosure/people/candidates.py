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

from sqlalchemy import CompoundSelect, Select, literal_column, select, union_all
from sqlalchemy.orm import Session

from disclosure.people import matching
from disclosure.people.matching import Candidate, CandidateAddress, CandidateName
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
    people = {
        person_id: (born, gender or "")
        for person_id, born, gender, merged_into in session.execute(
            select(Person.id, Person.date_of_birth, Person.gender, Person.merged_into_id).where(
                Person.id.in_(ids)
            )
        )
        if merged_into is None
    }
    if not people:
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
        ).where(PersonName.person_id.in_(list(people)))
    ):
        names[row[0]].append(CandidateName(*row[1:]))
    addresses: defaultdict[uuid.UUID, list[CandidateAddress]] = defaultdict(list)
    for person_id, line_1, town, postcode in session.execute(
        select(
            PersonAddress.person_id, PersonAddress.line_1, PersonAddress.town, PersonAddress.postcode
        ).where(PersonAddress.person_id.in_(list(people)))
    ):
        addresses[person_id].append(CandidateAddress(line_1, town, postcode))
    return [
        Candidate(person_id, born, tuple(names[person_id]), tuple(addresses[person_id]), gender)
        for person_id, (born, gender) in people.items()
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
    batched = [i for i, p in enumerate(probes) if p.date_of_birth is not None]
    results = {i: candidate_ids(session, p, limits) for i, p in enumerate(probes) if p.date_of_birth is None}
    by_date = _people_by_date(session, {d for i in batched for d in _dates_of(probes[i])}, limits)
    by_postcode = _people_by_postcode(session, {probes[i].postcode for i in batched}, limits)
    lookups = {i: _name_lookups(probes[i]) for i in batched}
    by_name = _people_by_name(session, {pair for pairs in lookups.values() for pair in pairs}, limits)
    for i in batched:
        probe = probes[i]
        chosen = dict.fromkeys(p for day in _dates_of(probe) for p in by_date.get(day, ()))
        chosen.update(dict.fromkeys(by_postcode.get(matching.normalise_postcode(probe.postcode), ())))
        named = (p for pair in lookups[i] for p in by_name.get(pair, ()) if p not in chosen)
        chosen.update(dict.fromkeys(list(dict.fromkeys(named))[: limits.names]))
        results[i] = list(chosen)
    return [results[i] for i in range(len(probes))]


def _people_by_date(session: Session, days: set[date], limits: Limits) -> dict[date, list[uuid.UUID]]:
    found: defaultdict[date, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(sorted(days)):
        for person_id, born in session.execute(
            select(Person.id, Person.date_of_birth).where(Person.date_of_birth.in_(chunk))
        ):
            if born is not None and len(found[born]) < limits.per_date:
                found[born].append(person_id)
    return found


def _people_by_postcode(session: Session, raw: set[str], limits: Limits) -> dict[str, list[uuid.UUID]]:
    postcodes = sorted(p for p in {matching.normalise_postcode(r) for r in raw} if matching.is_uk_postcode(p))
    found: defaultdict[str, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(postcodes):
        for person_id, postcode in session.execute(
            select(PersonAddress.person_id, PersonAddress.postcode).where(PersonAddress.postcode.in_(chunk))
        ):
            if len(found[postcode]) < limits.per_postcode:
                found[postcode].append(person_id)
    return found


def _name_lookups(probe: PersonDetails) -> list[tuple[str, str]]:
    """(family key, first given name key) pairs, as `candidate_statement` looks them up."""
    pairs: list[tuple[str, str]] = []
    for name in probe.names:
        given = matching.name_keys(name).given_key1
        if given:
            pairs.extend((key, given) for key in sorted(matching.lookup_family_keys(name)))
    return pairs


def _people_by_name(
    session: Session, pairs: set[tuple[str, str]], limits: Limits
) -> dict[tuple[str, str], list[uuid.UUID]]:
    """People under each pair, by either family key, each key's lookup capped as in the single path."""
    by_column: defaultdict[tuple[str, str, int], list[uuid.UUID]] = defaultdict(list)
    # One query per key column, by family keys and given keys (each IN uses the (key, given key) index; a
    # row-value IN or an OR of the two columns scans the table); pairs not asked for are dropped here.
    for column, key_column in ((1, PersonName.family_key1), (2, PersonName.family_key2)):
        for chunk in _chunks(sorted(pairs), 60):
            keys, givens = sorted({k for k, _ in chunk}), sorted({g for _, g in chunk})
            wanted = set(chunk)
            statement = select(PersonName.person_id, key_column, PersonName.given_key1).where(
                key_column.in_(keys), PersonName.given_key1.in_(givens)
            )
            for person_id, key, given in session.execute(statement):
                found = by_column[(key, given, column)]
                if (key, given) in wanted and len(found) < limits.per_name_lookup:
                    found.append(person_id)
    return {pair: by_column.get((*pair, 1), []) + by_column.get((*pair, 2), []) for pair in pairs}


def load_candidates_many(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    """`load_candidates` for the union of many people's candidates, by id."""
    unique = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, Candidate] = {}
    for chunk in _chunks(unique, 5000):
        found.update({c.person_id: c for c in load_candidates(session, chunk)})
    return found
