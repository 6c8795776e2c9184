"""Correcting a person's details with their history [issue 16, "Correct any record"]: name, date of birth,
gender and current address; the old values stay, the index matches the corrected spelling, need to know
holds, a refusal writes nothing, and a merge keeps the duplicate's history with the survivor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.corrections import Correction
from disclosure.errors import FormInvalid
from disclosure.people import service
from disclosure.people.access import PersonNeedToKnow
from disclosure.people.schemas import PersonDetails
from disclosure.requests.vocabulary import PartyRole
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request


def _clerk(db: Session, username: str = "cora.clerk") -> Principal:
    return principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username=username).user)


def _on_a_case(db: Session, clerk: Principal) -> Any:
    case = make_request(db, clerk)
    person = make_person(db, clerk, "Jane", "Doe", date(1990, 4, 3), postcode="LS1 4AP")
    add(db, clerk, case, PartyRole.PERSON_AT_RISK, person)
    return person


def _given(person: Any) -> str:
    name = service.primary_name(person)
    assert name is not None
    return name.given_names


def _correct(db: Session, actor: Principal, person: Any, **changes: str) -> Any:
    values = {**service.correctable_values(person), "reason": "Her passport shows otherwise.", **changes}
    return service.correct_person(db, actor, person.id, values)


def test_a_name_and_date_of_birth_are_corrected_with_their_history_and_matched_again(db: Session) -> None:
    clerk = _clerk(db)
    person = _on_a_case(db, clerk)
    _correct(
        db,
        clerk,
        person,
        given_names="Jayne",
        **{"date_of_birth-day": "4", "date_of_birth-month": "3", "date_of_birth-year": "1990"},
    )
    assert _given(person) == "Jayne"
    assert person.date_of_birth == date(1990, 3, 4)
    history = {(c.label, c.old_value, c.new_value) for c in service.person_history(db, person)}
    assert history == {("Given names", "Jane", "Jayne"), ("Date of birth", "3 April 1990", "4 March 1990")}
    found = service.find_matches(
        db, clerk, PersonDetails(given_names="Jayne", family_name="Doe", date_of_birth=date(1990, 3, 4))
    )
    assert found and found[0].person_id == person.id and found[0].score >= 99


def test_the_current_address_is_corrected_not_moved(db: Session) -> None:
    clerk = _clerk(db)
    person = _on_a_case(db, clerk)
    _correct(db, clerk, person, postcode="ls1 4ap", address_line_1="14 Park Row")
    address = service.current_address(person)
    assert address is not None and address.line_1 == "14 Park Row" and len(person.addresses) == 1
    assert {c.field for c in service.person_history(db, person)} == {"line_1"}, "the postcode is the same"


def test_a_correction_needs_a_reason_a_change_and_valid_answers_and_a_refusal_writes_nothing(
    db: Session,
) -> None:
    clerk = _clerk(db)
    person = _on_a_case(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        _correct(
            db,
            clerk,
            person,
            reason="",
            given_names="",
            family_name="",
            postcode="NOT A POSTCODE",
            **{
                "date_of_birth-day": str((uk_today() + timedelta(days=1)).day),
                "date_of_birth-month": str((uk_today() + timedelta(days=1)).month),
                "date_of_birth-year": str((uk_today() + timedelta(days=1)).year),
            },
        )
    assert set(refused.value.errors) == {"reason", "given_names", "date_of_birth", "postcode"}
    with pytest.raises(FormInvalid) as unchanged:
        _correct(db, clerk, person)
    assert unchanged.value.errors == {"given_names": "Change at least one answer, or go back without saving"}
    assert db.scalar(select(func.count()).select_from(Correction)) == 0
    assert _given(person) == "Jane"


def test_only_someone_with_a_need_to_know_corrects_the_person(db: Session) -> None:
    clerk = _clerk(db)
    person = _on_a_case(db, clerk)
    stranger = _clerk(db, "sam.stranger")
    with pytest.raises(PersonNeedToKnow):
        _correct(db, stranger, person, given_names="Janet")
    assert _given(person) == "Jane"


def test_a_merge_keeps_the_duplicates_corrections_with_the_survivor(db: Session) -> None:
    clerk = _clerk(db)
    survivor = _on_a_case(db, clerk)
    duplicate = make_person(db, clerk, "Jane", "Doh", date(1990, 4, 3))
    add(db, clerk, make_request(db, clerk), PartyRole.PERSON_AT_RISK, duplicate)
    _correct(db, clerk, duplicate, family_name="Do")
    service.merge_people(
        db, clerk, survivor.id, duplicate.id, "The same woman: same date of birth and address"
    )
    assert [(c.old_value, c.new_value) for c in service.person_history(db, survivor)] == [("Doh", "Do")]


def test_the_page_offers_it_keeps_what_was_typed_and_shows_the_history(
    db: Session, client: PageClient
) -> None:
    clerk_user = make_user(db, Role.DATA_ADMINISTRATOR, username="cleo.clerk")
    clerk = principal_for(clerk_user.user)
    person = _on_a_case(db, clerk)
    db.commit()
    sign_in_as(db, client, clerk)
    record = client.get(f"/people/{person.id}")
    assert "Correct this person" in record.text and "Corrections" not in record.text
    form = client.get(f"/people/{person.id}/correct")
    assert 'value="Jane"' in form.text and 'value="LS1 4AP"' in form.text
    typed = {**service.correctable_values(person), "family_name": "Dawe", "reason": ""}
    refused = client.submit(f"/people/{person.id}/correct", typed)
    assert refused.status_code == 400 and 'value="Dawe"' in refused.text
    saved = client.submit(f"/people/{person.id}/correct", {**typed, "reason": "Spelt Dawe on her licence"})
    assert saved.status_code == 303
    record = client.get(f"/people/{person.id}")
    assert "Corrections" in record.text and "Spelt Dawe on her licence" in record.text
