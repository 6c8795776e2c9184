"""People index verbs against the database: refusals at the right field, likely matches found through the
indexes (and only through them), audit events without personal data, names and addresses, merges."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.accounts.roles import Role
from disclosure.audit import SYSTEM, AuditEvent
from disclosure.auth import Principal
from disclosure.db import create_db_engine, create_session_factory
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied, StaleRecord
from disclosure.people import candidates, service
from disclosure.people.models import Person
from disclosure.people.schemas import AddressDetails, NameEntry
from tests import fresh_db
from tests.builders import make_user, principal_for

fresh_database_url = fresh_db.fresh_database_url


@pytest.fixture
def clerk(db: Session) -> Principal:
    return principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)


def details(**values: str) -> service.PersonDetails:
    return service.details_from_form(values)


def person(
    db: Session,
    actor: Principal,
    given: str,
    family: str,
    dob: str = "",
    postcode: str = "",
    aliases: str = "",
) -> Person:
    entered = details(
        given_names=given, family_name=family, date_of_birth=dob, postcode=postcode, aliases=aliases
    )
    return service.create_person(db, actor, entered)


def found(db: Session, actor: Principal, **values: str) -> list[uuid.UUID]:
    return [m.person_id for m in service.find_matches(db, actor, details(**values))]


def events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


# ------------------------------------------------------------------------------------------ refusals


def words(match: service.MatchView) -> list[str]:
    """A match's reasons without their weights ("Date of birth matches +14.1" -> "Date of birth matches")."""
    return [reason.rsplit(" ", 1)[0] for reason in match.reasons]


def test_each_refusal_is_at_its_field_in_page_order() -> None:
    with pytest.raises(FormInvalid) as refused:
        details(
            **{
                "postcode": "12345",
                "date_of_birth-day": "31",
                "date_of_birth-month": "2",
                "date_of_birth-year": "1990",
            }
        )
    assert refused.value.errors == {
        "given_names": "Enter a given name or a family name",
        "date_of_birth": "Date of birth must be a real date",
        "postcode": "Enter a real postcode, like SW1A 1AA",
    }
    assert refused.value.values["postcode"] == "12345"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "Date of birth must be in the past"),
        (
            {"date_of_birth": "1899-12-31"},
            "date_of_birth",
            "Date of birth must be the same as or after 1 January 1900",
        ),
        (
            {"date_of_birth-day": "3", "date_of_birth-month": "4"},
            "date_of_birth",
            "Date of birth must include a year",
        ),
        (
            {"date_of_birth-day": "3", "date_of_birth-month": "4", "date_of_birth-year": "85"},
            "date_of_birth",
            "Year of birth must include 4 numbers",
        ),
        ({"family_name": "123"}, "family_name", "Family name must include letters"),
        ({"family_name": "x" * 201}, "family_name", "Family name must be 200 characters or fewer"),
        ({"aliases": "Jon Smyth\n---"}, "aliases", "Each other name must include letters"),
    ],
)
def test_details_that_break_a_rule_are_refused_with_a_clear_message(
    fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(FormInvalid) as refused:
        details(**{"given_names": "Ann", **fields})
    assert refused.value.errors[field] == message


def test_with_strict_off_refused_fields_are_dropped_so_matches_can_still_show() -> None:
    kept = service.details_from_form(
        {"given_names": "Ann", "family_name": "Lee", "date_of_birth": "2999-01-01", "postcode": "nowhere"},
        strict=False,
    )
    assert (kept.family_name, kept.date_of_birth, kept.postcode) == ("Lee", None, "")


def test_creation_checks_the_rules_even_without_a_form(db: Session, clerk: Principal) -> None:
    with pytest.raises(FormInvalid) as refused:
        service.create_person(
            db, clerk, service.PersonDetails(family_name="Lee", date_of_birth=date(1850, 1, 1))
        )
    assert set(refused.value.errors) == {"date_of_birth"}


def test_a_person_is_added_by_a_named_user(db: Session) -> None:
    with pytest.raises(PermissionDenied):
        service.create_person(db, SYSTEM, service.PersonDetails(family_name="Lee"))


# ------------------------------------------------------------------------------------------ creation


def test_creation_stores_names_with_keys_and_a_normalised_address_and_is_audited(
    db: Session, clerk: Principal
) -> None:
    record = service.create_person(
        db,
        clerk,
        details(
            given_names="Siobhán",
            family_name="O'Brien",
            aliases="Shiv OBrien\nSiobhán O'Brien",
            date_of_birth="1990-04-03",
            address_line_1="1 High Street",
            town="Leeds",
            postcode="ls14ap",
        ),
    )
    assert [(n.kind, n.full_name) for n in record.names] == [
        ("primary", "Siobhán O'Brien"),
        ("alias", "Shiv OBrien"),
    ]
    assert record.names[0].normalised == "siobhan obrien" and record.names[0].family_key1 == "APRN"
    assert (
        record.current_address is not None
        and record.current_address.one_line == "1 High Street, Leeds, LS1 4AP"
    )
    (created,) = events(db, "person.create")
    assert (created.category, created.object_id) == ("collection", str(record.id))
    assert "Brien" not in created.details and json.loads(created.details) == {"addresses": 1, "names": 2}


# ------------------------------------------------------------------------------------------ matching


def test_a_sound_alike_name_with_a_transposed_birth_date_is_found(db: Session, clerk: Principal) -> None:
    smith = person(db, clerk, "John", "Smith", "1985-04-03", "LS1 4AP")
    person(db, clerk, "Priya", "Shah", "1985-04-03")
    (match,) = service.find_matches(
        db, clerk, details(given_names="Jon", family_name="Smyth", date_of_birth="1985-03-04")
    )
    assert match.person_id == smith.id and match.display_name == "John Smith"
    assert words(match) == [
        "Given name is spelt alike",
        "Family name sounds alike",
        "Date of birth matches with day and month swapped",
    ]
    assert match.address == "LS1 4AP" and match.score >= 90


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (("Muhammad", "Khan"), ("Mohamed", "Khan")),
        (("Mohammed", "Ali"), ("Muhammad", "Ali")),
        (("José", "García"), ("Jose", "Garcia")),
        (("Siobhán", "O'Brien"), ("Siobhan", "OBrien")),
        (("Anna", "Schmidt"), ("Anna", "Smith")),
        (("Mary", "Smith-Jones"), ("Mary", "Smith")),
        (("Mary", "Jones"), ("Mary", "Smith-Jones")),
        (("Mary", "Smith Jones"), ("Mary", "Smith-Jones")),
    ],
)
def test_spelling_accent_punctuation_and_hyphen_variants_are_found_by_name_alone(
    db: Session, clerk: Principal, stored: tuple[str, str], typed: tuple[str, str]
) -> None:
    record = person(db, clerk, *stored)
    assert found(db, clerk, given_names=typed[0], family_name=typed[1]) == [record.id]


def test_a_stored_alias_is_found_and_named_as_the_reason(db: Session, clerk: Principal) -> None:
    record = person(db, clerk, "Robert", "Brown", "1979-11-30", aliases="Jon Smyth")
    (match,) = service.find_matches(
        db, clerk, details(given_names="John", family_name="Smith", date_of_birth="1979-11-30")
    )
    assert match.person_id == record.id and match.other_names == ("Jon Smyth",)
    assert words(match) == [
        "Given name is spelt alike (alias 'Jon Smyth')",
        "Family name sounds alike (alias 'Jon Smyth')",
        "Date of birth matches",
    ]


def test_a_birth_date_a_year_out_is_found_through_the_date_index(db: Session, clerk: Principal) -> None:
    # A different spelling the phonetic keys do not join: only the date lookup can find it.
    record = person(db, clerk, "Katarzyna", "Nowakowska", "1991-06-15")
    matches = service.find_matches(
        db, clerk, details(given_names="Katarzyna", family_name="Nowakowski", date_of_birth="1990-06-15")
    )
    assert [m.person_id for m in matches] == [record.id]
    assert "Date of birth differs in the year" in words(matches[0])


def test_the_same_birth_date_and_postcode_under_another_name_is_offered(
    db: Session, clerk: Principal
) -> None:
    record = person(db, clerk, "Jane", "Doe", "1990-04-03", "M1 1AE")
    (match,) = service.find_matches(
        db,
        clerk,
        details(given_names="Priya", family_name="Shah", date_of_birth="1990-04-03", postcode="m11ae"),
    )
    assert match.person_id == record.id
    assert words(match) == [
        "Given name differs",
        "Family name differs",
        "Date of birth matches",
        "Address has the same postcode",
    ]


def test_someone_else_stays_out(db: Session, clerk: Principal) -> None:
    person(db, clerk, "John", "Smith", "1985-08-12", "LS1 4AP")
    person(db, clerk, "Mary", "Smith", "1962-01-20")
    assert found(db, clerk, given_names="Priya", family_name="Shah", date_of_birth="1995-02-01") == []
    assert found(db, clerk, given_names="John", family_name="Smith", date_of_birth="1950-10-10") == []


def test_matches_are_best_first_and_limited(db: Session, clerk: Principal) -> None:
    exact = person(db, clerk, "John", "Smith", "1985-08-12")
    close = person(db, clerk, "Jon", "Smyth", "1985-12-08")
    for day in range(1, 4):
        person(db, clerk, "John", "Smith", f"1985-08-1{day + 2}")
    assert found(db, clerk, given_names="John", family_name="Smith", date_of_birth="1985-08-12")[:2] == [
        exact.id,
        close.id,
    ]
    limited = service.find_matches(db, clerk, details(given_names="John", family_name="Smith"), limit=2)
    assert len(limited) == 2 and limited[0].score == limited[1].score


def test_a_common_name_never_crowds_out_the_person_born_on_the_date_entered(
    db: Session, clerk: Principal
) -> None:
    for day in range(1, 7):
        person(db, clerk, "John", "Smith", f"1970-01-0{day}")
    for _ in range(3):
        person(db, clerk, "Mary", "Smith")
    target = person(db, clerk, "Ian", "Smith", "1985-08-12")  # another given name: not found by name
    small = candidates.Limits(
        per_date=5, per_postcode=5, per_name_lookup=3, names=3, per_family_lookup=9, total=5
    )
    probe = details(given_names="John", family_name="Smith", date_of_birth="1985-08-12")
    ids = candidates.candidate_ids(db, probe, small)
    assert ids[0] == target.id  # kept: found by date, however many the names find
    assert len(ids) == 5  # then three by name, then one by family name alone, up to the total


def test_a_search_writes_one_consultation_event_with_counts_and_no_personal_data(
    db: Session, clerk: Principal
) -> None:
    person(db, clerk, "John", "Smith", "1985-08-12", "LS1 4AP")
    service.find_matches(
        db,
        clerk,
        details(given_names="Jon", family_name="Smyth", date_of_birth="1985-08-12", postcode="LS1 4AP"),
    )
    (searched,) = events(db, "person.search")
    assert searched.category == "consultation" and searched.object_id is None
    assert json.loads(searched.details) == {
        "candidates": 1,
        "matches": 1,
        "threshold": service.MATCH_THRESHOLD,
    }
    written = searched.canonical().decode()
    for personal in ("Jon", "Smyth", "Smith", "1985", "LS1"):
        assert personal not in written


def test_candidates_are_found_through_indexes_never_by_scanning_a_table(
    db: Session, clerk: Principal
) -> None:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip(
            "PostgreSQL's planner rightly scans tiny tables; bench/people_matching.py measures it at scale"
        )
    person(db, clerk, "John", "Smith", "1985-04-03", "LS1 4AP", aliases="Jon Smyth")
    probe = details(
        given_names="Jon", family_name="Smith-Jones", date_of_birth="1985-03-04", postcode="LS1 4AP"
    )
    with captured_selects(db) as statements:
        assert service.find_matches(db, clerk, probe)
    people_queries = [
        s for s in statements if any(t in s[0] for t in ("people", "person_names", "person_addresses"))
    ]
    assert len(people_queries) >= 4  # candidates, then people, names, postcodes (and the summaries)
    for sql, parameters in people_queries:
        plan = [row[-1] for row in db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)]
        ours = [line for line in plan if line.split()[1:2] and line.split()[1] in TABLES]
        assert ours and not [line for line in ours if line.startswith("SCAN")], (sql, plan)
        # Every lookup is by a selective column: an index on a near-constant one is a scan in disguise.
        assert all(SELECTIVE.search(line) for line in ours), (sql, plan)


TABLES = {"people", "person_names", "person_addresses"}
SELECTIVE = re.compile(
    r"^SEARCH \w+ USING (?:COVERING )?(?:INDEX \w+|PRIMARY KEY|INTEGER PRIMARY KEY) "
    r"\((?:id|person_id|family_key[12]|date_of_birth|postcode)="
)


@contextmanager
def captured_selects(db: Session) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the session sends while the block runs, with its parameters."""
    statements: list[tuple[str, Any]] = []
    connection = db.connection()

    def capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", capture)


# ------------------------------------------------------------------------------------ names and addresses


def test_an_alias_added_later_is_keyed_found_and_audited(db: Session, clerk: Principal) -> None:
    record = person(db, clerk, "Robert", "Brown")
    version = record.version
    service.add_alias(db, clerk, record.id, NameEntry("Bobby", "Braun"), kind="previous")
    assert record.version == version + 1
    assert found(db, clerk, given_names="Bobby", family_name="Braun") == [record.id]
    (added,) = events(db, "person.add_name")
    assert added.category == "alteration" and "Braun" not in added.details
    with pytest.raises(Conflict):
        service.add_alias(db, clerk, record.id, NameEntry("bobby", "BRAUN"))
    with pytest.raises(FormInvalid):
        service.add_alias(db, clerk, record.id, NameEntry("", " - "))


def test_a_new_current_address_makes_the_last_one_previous(db: Session, clerk: Principal) -> None:
    record = person(db, clerk, "Ann", "Lee", postcode="LS1 4AP")
    service.add_address(
        db,
        clerk,
        record.id,
        AddressDetails(line_1="2 New Road", postcode="m1 1ae", from_date=date(2024, 5, 1)),
    )
    old, new = record.addresses
    assert (old.current, old.to_date) == (False, date(2024, 5, 1))
    assert (new.current, new.postcode) == (True, "M1 1AE")
    assert (
        found(db, clerk, given_names="Zed", family_name="Other", postcode="M1 1AE") == []
    )  # address alone is weak
    assert [e.category for e in events(db, "person.add_address")] == ["alteration"]


def test_an_address_is_checked_before_it_is_added(db: Session, clerk: Principal) -> None:
    record = person(db, clerk, "Ann", "Lee")
    with pytest.raises(FormInvalid) as refused:
        service.add_address(
            db, clerk, record.id, AddressDetails(line_1="1 Road", postcode="99999", to_date=date(2020, 1, 1))
        )
    assert refused.value.errors == {
        "postcode": "Enter a real postcode, like SW1A 1AA",
        "to_date": "A current address has no date moved out",
    }
    with pytest.raises(FormInvalid) as backwards:
        service.add_address(
            db,
            clerk,
            record.id,
            AddressDetails(
                line_1="1 Road", current=False, from_date=date(2021, 1, 1), to_date=date(2020, 1, 1)
            ),
        )
    assert set(backwards.value.errors) == {"to_date"}


def test_born_today_and_moved_in_today_mean_the_uk_s_today(
    db: Session, clerk: Principal, time_machine: TimeMachineFixture
) -> None:
    # 00:30 BST on 1 July 2027 is still 30 June in UTC: a child born that night was born today.
    time_machine.move_to(datetime(2027, 6, 30, 23, 30, tzinfo=UTC), tick=False)
    record = person(db, clerk, "Newborn", "Lee", "2027-07-01")
    service.add_address(db, clerk, record.id, AddressDetails(line_1="1 Road", from_date=date(2027, 7, 1)))
    with pytest.raises(FormInvalid) as tomorrow:
        person(db, clerk, "Later", "Lee", "2027-07-02")
    assert tomorrow.value.errors == {"date_of_birth": "Date of birth must be in the past"}
    with pytest.raises(FormInvalid) as moving:
        service.add_address(db, clerk, record.id, AddressDetails(line_1="2 Road", from_date=date(2027, 7, 2)))
    assert moving.value.errors == {"from_date": "The date moved in must be today or in the past"}


# ------------------------------------------------------------------------------------------ merges


def test_a_merge_moves_names_and_addresses_and_is_a_combination_event(db: Session, clerk: Principal) -> None:
    survivor = person(db, clerk, "John", "Smith", "1985-08-12")
    duplicate = person(db, clerk, "Johnny", "Smyth", "", "LS1 4AP", aliases="John Smith")
    service.merge_people(db, clerk, survivor.id, duplicate.id, "Same person: confirmed by PNC")
    assert [(n.kind, n.full_name) for n in survivor.names] == [
        ("primary", "John Smith"),
        ("alias", "Johnny Smyth"),
    ]
    assert [a.postcode for a in survivor.addresses] == ["LS1 4AP"]
    assert duplicate.merged_into_id == survivor.id and duplicate.merged_at is not None
    assert duplicate.merge_reason == "Same person: confirmed by PNC", "the reason stays on the record"
    (merged,) = events(db, "person.merge")
    assert (merged.category, merged.object_id, merged.justification) == (
        "combination",
        str(survivor.id),
        "Records merged as the same person (reason on the merged record)",
    )
    assert json.loads(merged.details) == {
        "duplicate": str(duplicate.id),
        "names_moved": 1,
        "addresses_moved": 1,
    }


def test_a_merged_record_is_never_offered_again(db: Session, clerk: Principal) -> None:
    survivor = person(db, clerk, "John", "Smith", "1985-08-12")
    duplicate = person(db, clerk, "John", "Smith", "1985-08-12", "LS1 4AP")
    assert set(found(db, clerk, given_names="John", family_name="Smith", date_of_birth="1985-08-12")) == {
        survivor.id,
        duplicate.id,
    }
    service.merge_people(db, clerk, survivor.id, duplicate.id, "Duplicate entry")
    assert found(
        db, clerk, given_names="John", family_name="Smith", date_of_birth="1985-08-12", postcode="LS1 4AP"
    ) == [survivor.id]


def test_a_merged_record_resolves_to_its_survivor_through_every_merge(db: Session, clerk: Principal) -> None:
    first, second, third = (person(db, clerk, "Ann", "Lee", "1990-04-03") for _ in range(3))
    service.merge_people(db, clerk, second.id, first.id, "Duplicate")
    service.merge_people(db, clerk, third.id, second.id, "Duplicate")
    assert first.merged_into_id == third.id  # re-pointed, not left as a chain
    assert service.resolve(db, first.id) is third and service.get_person(db, first.id) is first
    assert service.view_person(db, clerk, first.id) is third
    (viewed,) = events(db, "person.view")
    assert viewed.object_id == str(third.id) and json.loads(viewed.details) == {
        "merged_record_opened": str(first.id)
    }
    assert service.link_person(db, clerk, second.id, context="request DVDS-2026-000001") is third
    assert events(db, "person.link")[0].category == "combination"


def test_merges_into_oneself_or_with_a_merged_record_are_refused(db: Session, clerk: Principal) -> None:
    a, b, c = (person(db, clerk, "Ann", "Lee") for _ in range(3))
    with pytest.raises(Conflict):
        service.merge_people(db, clerk, a.id, a.id, "Same")
    with pytest.raises(FormInvalid) as no_reason:
        service.merge_people(db, clerk, a.id, b.id, "  ")
    assert set(no_reason.value.errors) == {"reason"}
    service.merge_people(db, clerk, a.id, b.id, "Duplicate")
    with pytest.raises(Conflict):
        service.merge_people(db, clerk, b.id, c.id, "Into a merged record")
    with pytest.raises(Conflict):
        service.merge_people(db, clerk, c.id, b.id, "From a merged record")
    with pytest.raises(NotFound):
        service.merge_people(db, clerk, a.id, uuid.uuid4(), "Nobody")
    assert len(events(db, "person.merge")) == 1


def test_features_re_point_their_references_through_the_merge_hooks(db: Session, clerk: Principal) -> None:
    survivor, duplicate = person(db, clerk, "Ann", "Lee"), person(db, clerk, "Anne", "Lee")
    calls: list[tuple[uuid.UUID, uuid.UUID]] = []

    def hook(session: Session, kept: uuid.UUID, merged: uuid.UUID) -> None:
        assert session is db
        calls.append((kept, merged))

    service.MERGE_HOOKS.append(hook)
    try:
        service.merge_people(db, clerk, survivor.id, duplicate.id, "Duplicate")
    finally:
        service.MERGE_HOOKS.remove(hook)
    assert calls == [(survivor.id, duplicate.id)]


def test_a_merge_from_a_stale_copy_is_refused(fresh_database_url: str) -> None:
    """Two users merge the same duplicate: the one who read it before the other's merge is refused."""
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    try:
        with factory() as setup:
            actor = principal_for(make_user(setup, Role.DATA_ADMINISTRATOR).user)
            ids = [
                service.create_person(setup, actor, service.PersonDetails(family_name="Lee")).id
                for _ in range(3)
            ]
            setup.commit()
        first, late = factory(), factory()
        stale_copy = late.get(Person, ids[1])  # read before the first merge commits (and kept)
        late.commit()
        service.merge_people(first, actor, ids[0], ids[1], "Duplicate")
        first.commit()
        with pytest.raises(StaleRecord):
            service.merge_people(late, actor, ids[2], ids[1], "Duplicate")
        late.rollback()
        assert stale_copy is not None
        first.close()
        late.close()
        with factory() as check:
            assert check.get(Person, ids[1]).merged_into_id == ids[0]  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_summaries_show_the_primary_name_other_names_and_current_address(
    db: Session, clerk: Principal
) -> None:
    record = person(db, clerk, "Ann", "Lee", "1990-04-03", "LS1 4AP", aliases="Annie Lee")
    summary = service.summaries(db, [record.id, uuid.uuid4()])
    assert list(summary) == [record.id]
    assert (summary[record.id].display_name, summary[record.id].aliases, summary[record.id].address) == (
        "Ann Lee",
        ["Annie Lee"],
        "LS1 4AP",
    )


def test_batched_candidates_find_what_the_single_search_finds_through_indexes(
    db: Session, clerk: Principal
) -> None:
    """The feed's batch search (`candidate_ids_many`) keeps the single path's tiers: the same people for
    each probe with a date of birth, found without scanning a table."""
    from disclosure.people import candidates

    person(db, clerk, "John", "Smith", "1985-04-03", "LS1 4AP", aliases="Jon Smyth")
    person(db, clerk, "Joan", "Smithers", "1985-04-03", "M1 1AE")
    person(db, clerk, "Priya", "Shah", "1990-12-25", "LS1 4AP")
    probes = [
        details(given_names="Jon", family_name="Smith-Jones", date_of_birth="1985-03-04", postcode="LS1 4AP"),
        details(given_names="Priya", family_name="Shaw", date_of_birth="1991-12-25"),
        details(given_names="Nobody", family_name="Known", date_of_birth="2001-01-01"),
        details(given_names="John", family_name="Smith"),  # no date of birth: the single path
    ]
    single = [set(candidates.candidate_ids(db, p)) for p in probes]
    with captured_selects(db) as statements:
        batched = [set(found) for found in candidates.candidate_ids_many(db, probes)]
    assert batched == single and single[0] and single[1] and not single[2]
    if db.get_bind().dialect.name == "sqlite":
        for sql, parameters in statements:
            plan = [
                row[-1] for row in db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            ]
            ours = [line for line in plan if line.split()[1:2] and line.split()[1] in TABLES]
            assert not [line for line in ours if line.startswith("SCAN")], (sql, plan)
