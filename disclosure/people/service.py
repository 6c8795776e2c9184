"""People index verbs: find likely matches while a person is entered, create a person, view, link and merge.

Candidates come only from indexed lookups (phonetic family-name keys, date of birth, swapped date of birth,
postcode), never a scan, so matching stays fast with a million people; they are then scored in Python.
Searches, views, creations and merges are audited (DPA 2018 s.62: consultation, collection, combination).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import Actor, AuditCategory
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound
from disclosure.people import matching
from disclosure.people.matching import Match, NameEntry
from disclosure.people.models import Person, PersonAddress, PersonName

MATCH_THRESHOLD = 45
MAX_MATCHES = 10
# Enough candidates for any real name; a common surname's sound-alikes are narrowed by the other keys.
MAX_CANDIDATES = 500
# Family name alone (nicknames: Bob for Robert): a smaller share, so common surnames stay cheap.
MAX_FAMILY_ONLY = 200

MergeHook = Callable[[Session, uuid.UUID, uuid.UUID], None]
MERGE_HOOKS: list[MergeHook] = []
"""Features that point at people append a hook: (session, survivor_id, duplicate_id) re-points references."""


@dataclass(frozen=True)
class PersonDetails:
    given_names: str = ""
    family_name: str = ""
    aliases: tuple[NameEntry, ...] = ()
    date_of_birth: date | None = None
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""

    @property
    def names(self) -> list[NameEntry]:
        return [NameEntry(self.given_names, self.family_name), *self.aliases]


@dataclass(frozen=True)
class PersonSummary:
    id: uuid.UUID
    display_name: str
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    address: str = ""


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    return (value[0] if isinstance(value, list) and value else str(value or "")).strip()


def details_from_form(values: dict[str, Any], *, strict: bool = True) -> PersonDetails:
    """Person fields from a form or API body, each refusal at its field. With strict=False bad fields are
    dropped instead (to keep showing matches beside other errors)."""
    errors: dict[str, str] = {}
    given, family = _text(values, "given_names")[:201], _text(values, "family_name")[:201]
    if not given and not family:
        errors["given_names"] = "Enter a given name or a family name"
    for name, value, label in (("given_names", given, "Given names"), ("family_name", family, "Family name")):
        if len(value) > 200:
            errors[name] = f"{label} must be 200 characters or fewer"
    aliases = []
    for line in _text(values, "aliases").splitlines()[:20]:
        parts = line.strip().rsplit(" ", 1)
        if parts and parts[0]:
            aliases.append(
                NameEntry(parts[0][:200], parts[1][:200])
                if len(parts) == 2
                else NameEntry("", parts[0][:200])
            )
    dob = _date_of_birth(values, errors)
    postcode = _text(values, "postcode")
    if postcode and not matching.is_uk_postcode(postcode):
        errors["postcode"] = "Enter a real postcode, like SW1A 1AA"
    if errors and strict:
        raise FormInvalid(errors, values)
    return PersonDetails(
        given_names=given[:200],
        family_name=family[:200],
        aliases=tuple(aliases),
        date_of_birth=None if "date_of_birth" in errors else dob,
        address_line_1=_text(values, "address_line_1")[:200],
        address_line_2=_text(values, "address_line_2")[:200],
        town=_text(values, "town")[:100],
        postcode=matching.normalise_postcode(postcode) if postcode and "postcode" not in errors else "",
    )


def _date_of_birth(values: dict[str, Any], errors: dict[str, str]) -> date | None:
    iso = _text(values, "date_of_birth")
    parts = [_text(values, f"date_of_birth-{p}") for p in ("day", "month", "year")]
    if not iso and not any(parts):
        return None
    try:
        if iso:
            day = date.fromisoformat(iso)
        elif not all(parts):
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            errors["date_of_birth"] = f"Date of birth must include a {' and '.join(missing)}"
            return None
        else:
            d, m, y = (int(p) for p in parts)
            day = date(y, m, d)
    except ValueError:
        errors["date_of_birth"] = "Date of birth must be a real date"
        return None
    if day > utcnow().date():
        errors["date_of_birth"] = "Date of birth must be in the past"
    elif day.year < 1900:
        errors["date_of_birth"] = "Date of birth must be after 1900"
    return day


def _name_row(kind: str, entry: NameEntry) -> PersonName:
    key1, key2 = matching.phonetic_keys(entry.family_name or entry.given_names)
    return PersonName(
        kind=kind,
        given_names=entry.given_names,
        family_name=entry.family_name,
        normalised=matching.normalise(f"{entry.given_names} {entry.family_name}")[:400],
        family_key1=key1,
        family_key2=key2,
        given_key1=matching.first_given_key(entry.given_names),
    )


def _candidate_statement(details: PersonDetails) -> Any:
    """Indexed lookups only: sound-alike family names (primary or secondary key), the same or swapped date
    of birth, the same postcode. Each branch is capped. None when nothing can be looked up."""
    keys = {k for n in details.names for k in matching.phonetic_keys(n.family_name or n.given_names) if k}
    given = {matching.first_given_key(n.given_names) for n in details.names if n.given_names} - {""}
    branches = []
    for key in sorted(keys):
        # Sound-alike family and first given name first: a common surname alone would fill the cap.
        for given_key in sorted(given):
            branches.append(
                select(PersonName.person_id)
                .where(PersonName.family_key1 == key, PersonName.given_key1 == given_key)
                .limit(MAX_CANDIDATES)
            )
        for column in (PersonName.family_key1, PersonName.family_key2):
            branches.append(select(PersonName.person_id).where(column == key).limit(MAX_FAMILY_ONLY))
    if details.date_of_birth:
        branches.append(
            select(Person.id).where(Person.date_of_birth == details.date_of_birth).limit(MAX_CANDIDATES)
        )
        branches.append(
            select(Person.id).where(Person.dob_swapped == details.date_of_birth).limit(MAX_CANDIDATES)
        )
    if details.postcode:
        branches.append(
            select(PersonAddress.person_id)
            .where(PersonAddress.postcode == details.postcode)
            .limit(MAX_CANDIDATES)
        )
    if not branches:
        return None
    return union(*[select(b.subquery().c[0]) for b in branches])


def _candidate_ids(session: Session, details: PersonDetails) -> list[uuid.UUID]:
    """Every branch is capped, so the union is bounded; it is not truncated further, because that would drop
    arbitrary rows, such as the few people born on the date entered."""
    statement = _candidate_statement(details)
    return [] if statement is None else list(session.scalars(statement))


def find_matches(
    session: Session,
    actor: Actor,
    details: PersonDetails,
    *,
    threshold: int = MATCH_THRESHOLD,
    limit: int = MAX_MATCHES,
) -> list[Match]:
    """Likely matches for the details entered, best first, each with its reasons in words."""
    ids = _candidate_ids(session, details)
    people = (
        session.scalars(select(Person).where(Person.id.in_(ids), Person.merged_into_id.is_(None))).all()
        if ids
        else []
    )
    found = []
    for person in people:
        names = [NameEntry(n.given_names, n.family_name) for n in _ordered_names(person)]
        value, reasons = matching.score(
            details.names,
            details.date_of_birth,
            details.postcode,
            names,
            person.date_of_birth,
            [a.postcode for a in person.addresses],
        )
        if value >= threshold:
            found.append(Match(person.id, _display(person), person.date_of_birth, value, tuple(reasons)))
    found.sort(key=lambda m: -m.score)
    audit.record(
        session,
        actor=actor,
        action="person.search",
        category=AuditCategory.CONSULTATION,
        object_type="person",
        justification="Duplicate check while entering a person",
        details={"candidates": len(ids), "matches": min(len(found), limit)},
    )
    return found[:limit]


def _ordered_names(person: Person) -> list[PersonName]:
    return sorted(person.names, key=lambda n: (n.kind != "primary", n.created_at))


def _display(person: Person) -> str:
    primary = person.primary_name
    return primary.full_name if primary else "(no name)"


def create_person(session: Session, actor: Actor, details: PersonDetails) -> Person:
    """Add a new person after the user confirmed none of the matches is them."""
    person = Person(
        date_of_birth=details.date_of_birth,
        dob_swapped=matching.swapped(details.date_of_birth),
        created_by_id=actor.user_id,
    )
    person.names = [_name_row("primary", NameEntry(details.given_names, details.family_name))]
    person.names += [_name_row("alias", alias) for alias in details.aliases]
    if details.address_line_1 or details.postcode or details.town:
        person.addresses = [
            PersonAddress(
                line_1=details.address_line_1,
                line_2=details.address_line_2,
                town=details.town,
                postcode=details.postcode,
                current=True,
            )
        ]
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.create",
        category=AuditCategory.COLLECTION,
        object_type="person",
        object_id=person.id,
        justification="Person added to the people index",
    )
    return person


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("There is no such person")
    return resolve(session, person)


def resolve(session: Session, person: Person) -> Person:
    """Follow merges to the surviving record."""
    seen = set()
    while person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)
        survivor = session.get(Person, person.merged_into_id)
        if survivor is None:
            break
        person = survivor
    return person


def link_person(session: Session, actor: Actor, person_id: uuid.UUID, *, context: str) -> Person:
    """The user chose an existing person from the matches: recorded as a combination of records."""
    person = get_person(session, person_id)
    audit.record(
        session,
        actor=actor,
        action="person.link",
        category=AuditCategory.COMBINATION,
        object_type="person",
        object_id=person.id,
        justification=f"Existing person linked to {context}",
    )
    return person


def view_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Person:
    person = get_person(session, person_id)
    audit.record(
        session,
        actor=actor,
        action="person.view",
        category=AuditCategory.CONSULTATION,
        object_type="person",
        object_id=person.id,
        justification="Person page opened",
    )
    return person


def add_alias(session: Session, actor: Actor, person_id: uuid.UUID, alias: NameEntry) -> None:
    person = get_person(session, person_id)
    person.names.append(_name_row("alias", alias))
    person.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="person.add_alias",
        category=AuditCategory.COLLECTION,
        object_type="person",
        object_id=person.id,
        justification="Alias added",
    )


def merge_people(
    session: Session, actor: Actor, survivor_id: uuid.UUID, duplicate_id: uuid.UUID, reason: str
) -> Person:
    """Two records are the same person: the duplicate's names (as aliases) and addresses move to the
    survivor, every feature re-points its references (MERGE_HOOKS), and the duplicate records where it went."""
    if survivor_id == duplicate_id:
        raise Conflict("A person cannot be merged into themselves")
    if not reason.strip():
        raise FormInvalid({"reason": "Enter why these records are the same person"})
    survivor, duplicate = session.get(Person, survivor_id), session.get(Person, duplicate_id)
    if survivor is None or duplicate is None:
        raise NotFound("There is no such person")
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise Conflict("One of these records has already been merged")
    # Re-parent rather than remove-and-append: removal would delete them as orphans.
    for name in list(duplicate.names):
        name.kind = "alias" if name.kind == "primary" else name.kind
        name.person = survivor
    for address in list(duplicate.addresses):
        address.person = survivor
    if survivor.date_of_birth is None:
        survivor.date_of_birth, survivor.dob_swapped = duplicate.date_of_birth, duplicate.dob_swapped
    duplicate.merged_into_id, duplicate.merged_at = survivor.id, utcnow()
    for hook in MERGE_HOOKS:
        hook(session, survivor.id, duplicate.id)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.merge",
        category=AuditCategory.COMBINATION,
        object_type="person",
        object_id=survivor.id,
        justification=reason.strip()[:2000],
        details={"merged": str(duplicate.id)},
    )
    return survivor


def summaries(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PersonSummary]:
    """Display details for a set of people in one query."""
    ids = set(person_ids)
    if not ids:
        return {}
    people = session.scalars(select(Person).where(Person.id.in_(ids))).all()
    result = {}
    for person in people:
        names = _ordered_names(person)
        current = next((a for a in person.addresses if a.current), None)
        result[person.id] = PersonSummary(
            id=person.id,
            display_name=_display(person),
            aliases=[n.full_name for n in names[1:]],
            date_of_birth=person.date_of_birth,
            address=current.one_line if current else "",
        )
    return result
