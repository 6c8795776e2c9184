"""People index verbs: find likely matches while a person is entered, create a person, add names and
addresses, view and link a person, merge duplicates, and follow a merged record to its survivor.

Candidates come only from indexed lookups (`candidates`: phonetic keys of any name, the same, swapped or
year-out date of birth, the same postcode), each capped, never a scan, so matching stays fast with a million
people; they are then scored in Python (`matching`). Each verb writes its audit event in the caller's
transaction (DPA 2018 s.62 [DPA-62]): searches and views are consultations, creation a collection, new names
and addresses alterations, links and merges combinations. Search events carry counts, never the names
searched for.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Column, MetaData, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from disclosure import audit, chronology, corrections
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import Base, check_version, utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied, StaleRecord
from disclosure.forms import raise_if
from disclosure.people import access, candidates, matching, scoring
from disclosure.people.matching import Probe
from disclosure.people.models import Person, PersonAddress, PersonName
from disclosure.people.schemas import (
    AddressDetails,
    MatchView,
    NameEntry,
    PersonDetails,
    PersonSummary,
    parse_person_form,
)

__all__ = [
    "MATCH_THRESHOLD",
    "MAX_MATCHES",
    "MERGE_HOOKS",
    "AddressDetails",
    "MatchView",
    "MergeHook",
    "NameEntry",
    "PersonDetails",
    "PersonSummary",
    "add_address",
    "add_alias",
    "create_person",
    "details_from_form",
    "find_matches",
    "get_person",
    "link_person",
    "merge_people",
    "resolve",
    "summaries",
    "validate_details",
    "view_person",
]

MATCH_THRESHOLD = matching.DEFAULT_THRESHOLD
MAX_MATCHES = 10
EARLIEST_BIRTH = date(1900, 1, 1)
_FIELD_ORDER = ("given_names", "family_name", "aliases", "date_of_birth", "gender", "postcode")

MergeHook = Callable[[Session, uuid.UUID, uuid.UUID], None]
MERGE_HOOKS: list[MergeHook] = []
"""A feature whose references to people need more than re-pointing (a row the survivor already has, under a
unique constraint) registers a hook, called as (session, survivor_id, duplicate_id) inside the merge's
transaction before every remaining reference is re-pointed (`person_references`). Registered by
`disclosure.wiring.connect`, where the app and the CLI are built."""
OWN_TABLES = frozenset({"people", "person_names", "person_addresses"})
"""The index's own tables, which `merge_people` moves name by name and address by address."""


def person_references(metadata: MetaData = Base.metadata) -> list[Column[Any]]:
    """Every column outside the index's own tables that refers to a person, read from the metadata, so a
    new feature's reference follows a merge without registering anything."""
    return [
        column
        for table in metadata.sorted_tables
        if table.name not in OWN_TABLES
        for column in table.columns
        if any(fk.column.table.name == "people" for fk in column.foreign_keys)
    ]


def _repoint_references(session: Session, survivor_id: uuid.UUID, duplicate_id: uuid.UUID) -> None:
    session.flush()
    for column in person_references():
        session.execute(update(column.table).where(column == duplicate_id).values({column.name: survivor_id}))
    session.expire_all()


def _record(
    session: Session,
    actor: Actor,
    action: str,
    category: AuditCategory,
    *,
    person_id: uuid.UUID | None = None,
    justification: str,
    details: dict[str, Any] | None = None,
) -> None:
    """One audit event about a person (or, for a search, about the index)."""
    audit.record(
        session,
        actor=actor,
        action=f"person.{action}",
        category=category,
        object_type="person",
        object_id=person_id,
        justification=justification,
        details=details,
    )


# ------------------------------------------------------------------------------------- entering details


def validate_details(details: PersonDetails) -> dict[str, str]:
    """The rules a person's details meet, each refusal keyed by its form field: a name (given or family) with
    at least one letter; a date of birth in the past and not before 1900; a UK-style postcode."""
    errors: dict[str, str] = {}
    for field, value, label in (
        ("given_names", details.given_names, "Given names"),
        ("family_name", details.family_name, "Family name"),
    ):
        if value.strip() and not matching.normalise(value):
            errors[field] = f"{label} must include letters"
    if not (details.given_names.strip() or details.family_name.strip()):
        errors["given_names"] = "Enter a given name or a family name"
    if any(not matching.normalise(a.full_name) for a in details.aliases):
        errors["aliases"] = "Each other name must include letters"
    if details.date_of_birth is not None and details.date_of_birth < EARLIEST_BIRTH:
        errors["date_of_birth"] = "Date of birth must be the same as or after 1 January 1900"
    chronology.check("people.details", {"date_of_birth": details.date_of_birth}, errors)
    if len(details.gender) > 40:
        errors["gender"] = "Gender must be 40 characters or fewer"
    if details.postcode and not matching.is_uk_postcode(details.postcode):
        errors["postcode"] = "Enter a real postcode, like SW1A 1AA"
    return errors


def details_from_form(values: Mapping[str, Any], *, strict: bool = True) -> PersonDetails:
    """Person fields from a form or API body, checked (`validate_details`), postcode normalised. Raises
    `FormInvalid` with every refusal at its field; with strict=False the refused fields are dropped instead,
    so matches can still be shown beside other errors on the page."""
    details, errors = parse_person_form(values)
    for name, message in validate_details(details).items():
        errors.setdefault(name, message)
    if errors and strict:
        ordered = {k: errors[k] for k in _FIELD_ORDER if k in errors}
        raise FormInvalid({**ordered, **errors}, dict(values))
    return replace(
        details,
        aliases=() if "aliases" in errors else details.aliases,
        date_of_birth=None if "date_of_birth" in errors else details.date_of_birth,
        postcode="" if "postcode" in errors else matching.normalise_postcode(details.postcode),
    )


# ------------------------------------------------------------------------------------------- matching


def find_matches(
    session: Session,
    actor: Actor,
    details: PersonDetails,
    *,
    threshold: int | None = None,
    limit: int = MAX_MATCHES,
) -> list[MatchView]:
    """Likely matches for the details being entered, best first, each with a score and its reasons, so the
    user links the existing record instead of creating a duplicate. Audited as a consultation with counts
    only: the names searched for are personal data and stay out of the log."""
    matcher = scoring.matcher(session)
    threshold = matcher.possible if threshold is None else threshold
    ids = candidates.candidate_ids(session, details)
    ranked = matching.rank(
        Probe.of(details),
        candidates.load_candidates(session, ids),
        threshold=threshold,
        limit=limit,
        scorer=matcher.scorer,
    )
    shown = summaries(session, [m.person_id for m in ranked])
    _record(
        session,
        actor,
        "search",
        AuditCategory.CONSULTATION,
        justification="Checked the people index for likely matches of a person being entered",
        details={"candidates": len(ids), "matches": len(ranked), "threshold": threshold},
    )
    return [
        MatchView(
            person_id=m.person_id,
            display_name=shown[m.person_id].display_name,
            date_of_birth=shown[m.person_id].date_of_birth,
            score=m.score,
            reasons=m.reasons,
            other_names=tuple(shown[m.person_id].aliases),
            address=shown[m.person_id].address,
            likely=m.score >= matcher.likely,
        )
        for m in ranked
    ]


# ------------------------------------------------------------------------------------- records


def _name_row(kind: str, entry: NameEntry) -> PersonName:
    keys = matching.name_keys(entry)
    return PersonName(
        kind=kind,
        given_names=entry.given_names.strip(),
        family_name=entry.family_name.strip(),
        normalised=matching.normalise(entry.full_name)[:400],
        family_key1=keys.family_key1,
        family_key2=keys.family_key2,
        given_key1=keys.given_key1,
    )


def _address_row(address: AddressDetails) -> PersonAddress:
    return PersonAddress(
        line_1=address.line_1.strip(),
        line_2=address.line_2.strip(),
        town=address.town.strip(),
        postcode=matching.normalise_postcode(address.postcode) if address.postcode else "",
        current=address.current,
        from_date=address.from_date,
        to_date=address.to_date,
    )


def _same_name(a: NameEntry, b: NameEntry) -> bool:
    return matching.normalise(a.full_name) == matching.normalise(b.full_name)


def create_person(session: Session, actor: Actor, details: PersonDetails) -> Person:
    """Add a new person to the index, after the user has seen the likely matches and confirmed none of them
    is this person. Names and aliases, date of birth and address as known [Beds][Phoenix]."""
    errors = validate_details(details)
    if errors:
        raise FormInvalid(errors, {"given_names": details.given_names, "family_name": details.family_name})
    if actor.user_id is None:
        raise PermissionDenied("A person is added to the index by a named user")
    person = Person(
        date_of_birth=details.date_of_birth, gender=details.gender.strip(), created_by_id=actor.user_id
    )
    person.names = [_name_row("primary", details.name)]
    for alias in details.aliases:
        if not any(_same_name(alias, NameEntry(n.given_names, n.family_name)) for n in person.names):
            person.names.append(_name_row("alias", alias))
    if not details.address.is_empty:
        person.addresses = [_address_row(details.address)]
    session.add(person)
    session.flush()
    _record(
        session,
        actor,
        "create",
        AuditCategory.COLLECTION,
        person_id=person.id,
        justification="Person added to the people index after checking for matches",
        details={"names": len(person.names), "addresses": len(person.addresses)},
    )
    return person


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    """The record as stored, merged or not."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("There is no such person")
    return person


def resolve(session: Session, person_id: uuid.UUID) -> Person:
    """The surviving record: a merged duplicate points at the record it was merged into."""
    person = get_person(session, person_id)
    seen = {person.id}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = get_person(session, person.merged_into_id)
    return person


def view_person(session: Session, actor: Principal, person_id: uuid.UUID) -> Person:
    """A person's record opened by a user with a need to know (`access`): a consultation, audited with its
    basis. Anyone else with a case role is asked for a reason first."""
    person = resolve(session, person_id)
    basis = access.require(session, actor, person)
    _record(
        session,
        actor,
        "view",
        AuditCategory.CONSULTATION,
        person_id=person.id,
        justification=f"Person record opened: {basis}",
        details={"merged_record_opened": str(person_id)} if person.id != person_id else None,
    )
    return person


def link_person(session: Session, actor: Actor, person_id: uuid.UUID, *, context: str) -> Person:
    """The user chose an existing person from the matches: the records are combined, which is audited."""
    person = resolve(session, person_id)
    _record(
        session,
        actor,
        "link",
        AuditCategory.COMBINATION,
        person_id=person.id,
        justification=f"Existing person linked to {context}"[:2000],
    )
    return person


def add_alias(
    session: Session, actor: Actor, person_id: uuid.UUID, name: NameEntry, *, kind: str = "alias"
) -> PersonName:
    """Record another name the person uses (alias) or used (previous name); a subject's names and aliases
    are part of what is recorded [Beds][Phoenix]."""
    if kind not in {"alias", "previous"}:
        raise FormInvalid({"kind": "Choose alias or previous name"})
    if not matching.normalise(name.full_name):
        raise FormInvalid({"given_names": "Enter a given name or a family name"})
    if max(len(name.given_names), len(name.family_name)) > 200:
        raise FormInvalid({"given_names": "Names must be 200 characters or fewer"})
    person = resolve(session, person_id)
    if any(_same_name(name, NameEntry(n.given_names, n.family_name)) for n in person.names):
        raise Conflict("This name is already recorded for the person")
    row = _name_row(kind, name)
    person.names.append(row)
    person.updated_at = utcnow()
    session.flush()
    _record(
        session,
        actor,
        "add_name",
        AuditCategory.ALTERATION,
        person_id=person.id,
        justification="Alias added" if kind == "alias" else "Previous name added",
        details={"kind": kind},
    )
    return row


def add_address(
    session: Session, actor: Actor, person_id: uuid.UUID, address: AddressDetails
) -> PersonAddress:
    """Record a current or previous address (five years of previous addresses are advised for a subject
    [Beds][Phoenix]). A new current address makes the earlier current ones previous."""
    errors: dict[str, str] = {}
    if address.is_empty:
        errors["line_1"] = "Enter the address"
    if address.postcode and not matching.is_uk_postcode(address.postcode):
        errors["postcode"] = "Enter a real postcode, like SW1A 1AA"
    if address.to_date and address.current:
        errors["to_date"] = "A current address has no date moved out"
    chronology.check("people.address", {"from_date": address.from_date, "to_date": address.to_date}, errors)
    if errors:
        raise FormInvalid(errors)
    person = resolve(session, person_id)
    if address.current:
        for earlier in person.addresses:
            if earlier.current:
                earlier.current = False
                if (
                    earlier.to_date is None
                    and address.from_date
                    and (earlier.from_date is None or earlier.from_date <= address.from_date)
                ):
                    earlier.to_date = address.from_date
    row = _address_row(address)
    person.addresses.append(row)
    person.updated_at = utcnow()
    session.flush()
    _record(
        session,
        actor,
        "add_address",
        AuditCategory.ALTERATION,
        person_id=person.id,
        justification="Current address added" if address.current else "Previous address added",
    )
    return row


# ------------------------------------------------------------------------------------- corrections

NAME_FIELDS = [
    corrections.Field("given_names", "Given names"),
    corrections.Field("family_name", "Family name"),
]
PERSON_FIELDS = [corrections.Field("date_of_birth", "Date of birth"), corrections.Field("gender", "Gender")]
ADDRESS_FIELDS = [
    corrections.Field("line_1", "Current address, line 1"),
    corrections.Field("line_2", "Current address, line 2"),
    corrections.Field("town", "Current address, town"),
    corrections.Field("postcode", "Current address, postcode"),
]


def primary_name(person: Person) -> PersonName | None:
    return next((n for n in person.names if n.kind == "primary"), None)


def current_address(person: Person) -> PersonAddress | None:
    return next((a for a in person.addresses if a.current), None)


def correctable_values(person: Person) -> dict[str, str]:
    """The person's name, date of birth, gender and current address as the correction form's answers."""
    name, address, born = primary_name(person), current_address(person), person.date_of_birth
    return {
        "given_names": name.given_names if name else "",
        "family_name": name.family_name if name else "",
        "date_of_birth-day": str(born.day) if born else "",
        "date_of_birth-month": str(born.month) if born else "",
        "date_of_birth-year": str(born.year) if born else "",
        "gender": person.gender,
        "address_line_1": address.line_1 if address else "",
        "address_line_2": address.line_2 if address else "",
        "town": address.town if address else "",
        "postcode": address.postcode if address else "",
        "version": str(person.version),
    }


def correct_person(
    session: Session, actor: Principal, person_id: uuid.UUID, values: dict[str, Any]
) -> Person:
    """Correct a name, date of birth, gender or the current address entered wrongly, with a reason, by a
    user with a need to know the person (`access`). The old values stay in the person's history; the name's
    matching keys are made again, so the index finds the corrected spelling. A move is not a correction:
    it is a new current address (`add_address`)."""
    person = resolve(session, person_id)
    access.require(session, actor, person)
    check_version(person.version, values.get("version"), what="this person's record")
    errors: dict[str, str] = {}
    reason = corrections.reason_from(values, errors)
    details, form_errors = parse_person_form(values)
    for field, message in {**form_errors, **validate_details(replace(details, aliases=()))}.items():
        errors.setdefault(field, message)
    address = current_address(person)
    if address is not None and not details.address_line_1 and not details.postcode:
        errors["address_line_1"] = "Enter the current address, or add a new one on the person's page"
    raise_if(errors, values)
    made: list[corrections.Correction] = []
    name = primary_name(person)
    if name is not None:
        entry = NameEntry(details.given_names.strip(), details.family_name.strip())
        made += corrections.apply(
            session,
            actor,
            name,
            NAME_FIELDS,
            vars_of(entry),
            reason,
            object_type="person",
            object_id=person.id,
        )
        keys = matching.name_keys(entry)
        name.normalised = matching.normalise(entry.full_name)[:400]
        name.family_key1, name.family_key2, name.given_key1 = (
            keys.family_key1,
            keys.family_key2,
            keys.given_key1,
        )
    made += corrections.apply(
        session,
        actor,
        person,
        PERSON_FIELDS,
        {"date_of_birth": details.date_of_birth, "gender": details.gender.strip()},
        reason,
        object_type="person",
    )
    if address is not None:
        new_address = {
            "line_1": details.address_line_1.strip(),
            "line_2": details.address_line_2.strip(),
            "town": details.town.strip(),
            "postcode": matching.normalise_postcode(details.postcode) if details.postcode else "",
        }
        made += corrections.apply(
            session,
            actor,
            address,
            ADDRESS_FIELDS,
            new_address,
            reason,
            object_type="person",
            object_id=person.id,
        )
    corrections.refuse_unchanged(made, "given_names", values)
    person.updated_at = utcnow()
    _record(
        session,
        actor,
        "correct",
        AuditCategory.ALTERATION,
        person_id=person.id,
        justification=corrections.justification(made),
        details={"fields": [c.field for c in made]},
    )
    return person


def vars_of(entry: NameEntry) -> dict[str, str]:
    return {"given_names": entry.given_names, "family_name": entry.family_name}


def person_history(session: Session, person: Person) -> list[corrections.Correction]:
    """The person's corrections, with those of records merged into it."""
    merged = session.scalars(select(Person.id).where(Person.merged_into_id == person.id)).all()
    return corrections.history(session, "person", person.id, *merged)


def merge_people(
    session: Session, actor: Actor, survivor_id: uuid.UUID, duplicate_id: uuid.UUID, reason: str
) -> Person:
    """Two records are the same person: the duplicate's names (its primary name becoming an alias) and
    addresses move to the survivor, each feature re-points its references (MERGE_HOOKS), and the duplicate
    keeps its row, pointing at the survivor, never to be offered as a match again. Every other record that
    refers to the duplicate (case roles, missing episodes, protocol forms, notifications, evidence...)
    follows the survivor. Audited as a combination
    with the reason given. Refuses merging a record into itself or into (or from) a merged record."""
    if not reason.strip():
        raise FormInvalid({"reason": "Enter why these records are the same person"})
    if survivor_id == duplicate_id:
        raise Conflict("A person cannot be merged into themselves")
    survivor, duplicate = get_person(session, survivor_id), get_person(session, duplicate_id)
    if survivor.is_merged or duplicate.is_merged:
        raise Conflict("One of these records has already been merged into another")
    earlier = list(session.scalars(select(Person).where(Person.merged_into_id == duplicate.id)))
    known = [NameEntry(n.given_names, n.family_name) for n in survivor.names]
    moved_names = moved_addresses = 0
    # Re-parent rather than remove-and-append: removing from the collection would delete them as orphans.
    for name in list(duplicate.names):
        if not any(_same_name(NameEntry(name.given_names, name.family_name), k) for k in known):
            name.kind = "alias" if name.kind == "primary" else name.kind
            name.person = survivor
            moved_names += 1
    places = {(a.line_1.casefold(), a.postcode) for a in survivor.addresses}
    for address in list(duplicate.addresses):
        if (address.line_1.casefold(), address.postcode) not in places:
            address.person = survivor
            moved_addresses += 1
    survivor.date_of_birth = survivor.date_of_birth or duplicate.date_of_birth
    survivor.gender = survivor.gender or duplicate.gender
    survivor.updated_at = duplicate.merged_at = utcnow()
    duplicate.merged_into_id, duplicate.merge_reason = survivor.id, reason.strip()[:2000]
    for record in earlier:
        record.merged_into_id = survivor.id
    try:  # hooks may query, which flushes: a stale copy can surface there too
        for hook in MERGE_HOOKS:
            hook(session, survivor.id, duplicate.id)
        _repoint_references(session, survivor.id, duplicate.id)
    except StaleDataError as exc:
        raise StaleRecord("One of these records changed while they were being merged") from exc
    _record(
        session,
        actor,
        "merge",
        AuditCategory.COMBINATION,
        person_id=survivor.id,
        justification="Records merged as the same person (reason on the merged record)",
        details={
            "duplicate": str(duplicate.id),
            "names_moved": moved_names,
            "addresses_moved": moved_addresses,
        },
    )
    return survivor


def summaries(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PersonSummary]:
    """Display details for a set of people, in one query (names and addresses load in two more)."""
    ids = set(person_ids)
    if not ids:
        return {}
    found = {}
    for person in session.scalars(select(Person).where(Person.id.in_(ids))):
        current = person.current_address
        found[person.id] = PersonSummary(
            id=person.id,
            display_name=person.display_name,
            aliases=[n.full_name for n in person.other_names],
            date_of_birth=person.date_of_birth,
            address=current.one_line if current else "",
        )
    return found
