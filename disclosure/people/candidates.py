"""Candidate search for matching: which people in the index might be the person being entered, found only
through indexed lookups, each capped, so that the search costs about the same with a thousand people or a
million [issue 20].

The lookups come in four tiers. Dates of birth (the same, swapped or a year out) and the exact postcode find
few people and strong ones: they are always kept. The pair of sound keys of the first given name and the
family name, in either order (`blocking`: John Smith meets Smith John), is kept up to its own cap (a John
Smith is one of a few hundred in a million). The narrower blocking keys (a month of birth or a postcode
sector with an initial, one name only, the family name one slip away with the given name's key, the family
name's key with the given initial) fill the room left under the total: they find the duplicate typed with a
slip that changed its sound, with a wrong date of birth or known by one name. The family name alone
(nicknames: Bob for Robert; Smith is one person in a hundred) fills what room is left after them. A common
name can therefore never crowd out the person born on the date entered. Scoring the candidates is
`matching`'s job.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import CompoundSelect, Select, String, literal_column, select, type_coerce, union_all
from sqlalchemy.orm import Session

from disclosure.people import blocking, cards, matching
from disclosure.people.matching import Candidate
from disclosure.people.models import Person, PersonAddress, PersonMatchCard, PersonMatchKey, PersonName
from disclosure.people.schemas import PersonDetails

_STRONG, _BY_NAME, _NARROW, _FAMILY_ONLY = 0, 1, 2, 3
_DATE, _POSTCODE, _KEY, _FAMILY1, _FAMILY2 = "date", "postcode", "key", "family1", "family2"
# Within the narrow tier the keys that find fewest people come first, so its cap drops the broadest.
_NARROW_ORDER = (
    blocking.BIRTH_MONTH,
    blocking.SECTOR_FAMILY,
    blocking.SECTOR_GIVEN,
    blocking.ONE_NAME,
    blocking.ONE_SLIP,
    blocking.SLIP,
    blocking.GIVEN_SLIP,
)


@dataclass(frozen=True)
class Limits:
    """Caps on each lookup and on each tier. Every date (four at most) and the postcode are kept, up to
    `per_date` and `per_postcode` people each; then at most `names` more people from the name pairs; then
    the narrower keys and after them the family name alone fill what room is left under `total`. So at most
    `4 * per_date + per_postcode + names` candidates, or `total` when that is more."""

    per_date: int = 150
    per_postcode: int = 200
    per_name_lookup: int = 300
    names: int = 400
    per_key_lookup: int = 200
    per_family_lookup: int = 100
    total: int = 600


LIMITS = Limits()

_Id = TypeVar("_Id", bound=Hashable)
"""A person's identifier as a lookup returned it."""


@dataclass(frozen=True)
class Lookup:
    """One capped, indexed lookup: a date of birth, a postcode, a blocking key or a family key alone."""

    tier: int
    source: str
    value: Any


def _dates_of(details: PersonDetails) -> list[date]:
    day = details.date_of_birth
    if day is None:
        return []
    swapped = matching.transposed(day)
    return [day, *([swapped] if swapped else []), *matching.year_either_side(day)]


def lookups(details: PersonDetails) -> list[Lookup]:
    """The lookups for the details entered, strongest tier first. A partial probe (one name, no given name,
    no date of birth) still has its keys: a family name alone has its key and its one-name key."""
    found = [Lookup(_STRONG, _DATE, day) for day in _dates_of(details)]
    postcode = matching.normalise_postcode(details.postcode)
    if matching.is_uk_postcode(postcode):
        found.append(Lookup(_STRONG, _POSTCODE, postcode))
    keys = blocking.match_keys(details.names, details.date_of_birth, [postcode] if postcode else [])
    found += [Lookup(_BY_NAME, _KEY, k) for k in sorted(keys) if blocking.kind_of(k) == blocking.PAIR]
    narrow = sorted(
        (k for k in keys if blocking.kind_of(k) in _NARROW_ORDER),
        key=lambda k: (_NARROW_ORDER.index(blocking.kind_of(k)), k),
    )
    found += [Lookup(_NARROW, _KEY, k) for k in narrow]
    family = sorted({k for name in details.names for k in matching.lookup_family_keys(name)})
    found += [Lookup(_FAMILY_ONLY, source, k) for k in family for source in (_FAMILY1, _FAMILY2)]
    return found


def _select(lookup: Lookup, limits: Limits) -> Select[uuid.UUID]:
    if lookup.source == _DATE:
        return select(Person.id).where(Person.date_of_birth == lookup.value).limit(limits.per_date)
    if lookup.source == _POSTCODE:
        by_postcode = select(PersonAddress.person_id).where(PersonAddress.postcode == lookup.value)
        return by_postcode.limit(limits.per_postcode)
    if lookup.source == _KEY:
        cap = limits.per_name_lookup if lookup.tier == _BY_NAME else limits.per_key_lookup
        return select(PersonMatchKey.person_id).where(PersonMatchKey.key == lookup.value).limit(cap)
    column = PersonName.family_key1 if lookup.source == _FAMILY1 else PersonName.family_key2
    return select(PersonName.person_id).where(column == lookup.value).limit(limits.per_family_lookup)


def candidate_statement(details: PersonDetails, limits: Limits = LIMITS) -> CompoundSelect[str, int] | None:
    """One UNION ALL of capped, indexed lookups, each row tagged with the lookup's place in `lookups`.
    None when there is nothing to look up."""
    parts: list[Select[str, int]] = []
    for place, lookup in enumerate(lookups(details)):
        capped = _select(lookup, limits).subquery()
        # The identifiers come back as the driver gives them (text on SQLite): a thousand rows a match at a
        # million people, most of them repeats or cut by the caps, need no UUID each; `_identifier` makes
        # the few hundred chosen.
        found = type_coerce(capped.c[0], String).label("person_id")
        parts.append(select(found, literal_column(str(place)).label("lookup")))
    return union_all(*parts) if parts else None


def _identifier(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def choose(wanted: Sequence[Lookup], found: Mapping[int, list[_Id]], limits: Limits = LIMITS) -> list[_Id]:
    """Candidate ids without repeats from what each lookup found (by its place in `wanted`): the strong
    tier whole, then up to `limits.names` found by name, then the narrower keys and the family name alone
    while there is room under `limits.total`."""
    chosen: dict[_Id, None] = {}
    for tier in (_STRONG, _BY_NAME, _NARROW, _FAMILY_ONLY):
        room = limits.names if tier == _BY_NAME else limits.total - len(chosen)
        for place, lookup in enumerate(wanted):
            if lookup.tier != tier:
                continue
            for person_id in found.get(place, ()):
                if tier != _STRONG and room <= 0:
                    break
                if person_id not in chosen:
                    chosen[person_id] = None
                    room -= 1
    return list(chosen)


def candidate_ids(session: Session, details: PersonDetails, limits: Limits = LIMITS) -> list[uuid.UUID]:
    """Candidate ids without repeats, in one statement: everyone found by date of birth or postcode, then
    the tiers of `Limits` in turn."""
    statement = candidate_statement(details, limits)
    if statement is None:
        return []
    found: defaultdict[int, list[uuid.UUID | str]] = defaultdict(list)
    for person_id, place in session.execute(statement):
        found[int(place)].append(person_id)
    return [_identifier(person_id) for person_id in choose(lookups(details), found, limits)]


def load_candidates(session: Session, ids: list[uuid.UUID]) -> list[Candidate]:
    """What scoring needs, from the people's match cards in one query by primary key (`cards`); merged
    records, which have no card, are left out."""
    if not ids:
        return []
    asked = {person_id.hex: person_id for person_id in ids}  # SQLite gives the identifier as its hex text
    found = session.execute(
        select(type_coerce(PersonMatchCard.person_id, String), PersonMatchCard.card).where(
            PersonMatchCard.person_id.in_(ids)
        )
    )
    return [
        cards.candidate_of(person_id if isinstance(person_id, uuid.UUID) else asked[person_id], card)
        for person_id, card in found
    ]


def _chunks(items: list[Any], size: int = 2000) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def candidate_ids_many(
    session: Session, probes: Sequence[PersonDetails], limits: Limits = LIMITS
) -> list[list[uuid.UUID]]:
    """`candidate_ids` for many people at once (a feed import): the same lookups, tiers and caps, each kind
    one indexed IN query per few thousand values instead of one statement per person. The family-name-only
    tier (nicknames) needs a capped lookup per key, so probes without a date of birth, the ones it serves,
    take the single path; with a date of birth the date tier already brings in the person."""
    batched = [i for i, p in enumerate(probes) if p.date_of_birth is not None]
    results = {i: candidate_ids(session, p, limits) for i, p in enumerate(probes) if p.date_of_birth is None}
    wanted = {i: [w for w in lookups(probes[i]) if w.tier != _FAMILY_ONLY] for i in batched}
    values: defaultdict[str, set[Any]] = defaultdict(set)
    for each in wanted.values():
        for lookup in each:
            values[lookup.source].add(lookup.value)
    by_date = _people_by(session, Person.id, Person.date_of_birth, values[_DATE], limits.per_date)
    by_postcode = _people_by(
        session, PersonAddress.person_id, PersonAddress.postcode, values[_POSTCODE], limits.per_postcode
    )
    cap = max(limits.per_name_lookup, limits.per_key_lookup)
    by_key = _people_by(session, PersonMatchKey.person_id, PersonMatchKey.key, values[_KEY], cap)
    found_in = {_DATE: by_date, _POSTCODE: by_postcode, _KEY: by_key}
    for i in batched:
        found: dict[int, list[uuid.UUID]] = {}
        for place, lookup in enumerate(wanted[i]):
            people = found_in[lookup.source].get(lookup.value, [])
            if lookup.source == _KEY:
                people = people[
                    : limits.per_name_lookup if lookup.tier == _BY_NAME else limits.per_key_lookup
                ]
            found[place] = people
        results[i] = choose(wanted[i], found, limits)
    return [results[i] for i in range(len(probes))]


def _people_by(
    session: Session, person: Any, column: Any, values: set[Any], cap: int
) -> dict[Any, list[uuid.UUID]]:
    """People under each value of an indexed column, at most `cap` a value, in chunks of IN queries."""
    found: defaultdict[Any, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(sorted(values), 500):
        for person_id, value in session.execute(select(person, column).where(column.in_(chunk))):
            if value is not None and len(found[value]) < cap:
                found[value].append(person_id)
    return found


def load_candidates_many(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    """`load_candidates` for the union of many people's candidates, by id."""
    unique = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, Candidate] = {}
    for chunk in _chunks(unique, 5000):
        found.update({c.person_id: c for c in load_candidates(session, chunk)})
    return found
