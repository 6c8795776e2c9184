"""Search [issue 16, "Find anything"]: cases, people and missing episodes by name (spelling and sound),
date of birth, postcode and reference, closed ones too, for each role within what it may see, and every
search audited without the words typed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.missing import service as missing
from disclosure.requests import access
from disclosure.requests import service as requests
from disclosure.requests.vocabulary import PartyRole
from disclosure.search import service
from tests.builders import make_user, principal_for, sign_in_as
from tests.missing.builders import CHILD_BORN, coordinator, episode_values, return_values
from tests.missing.builders import person as missing_person
from tests.missing.test_feed import csv_of, line, run
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request
from tests.requests.test_api import api

__all__ = ["api"]

BORN = date(1988, 5, 17)


@pytest.fixture
def clerk(db: Session) -> Principal:
    return principal_for(make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk").user)


@pytest.fixture
def outsider(db: Session) -> Principal:
    """A researcher on none of the cases."""
    return principal_for(make_user(db, Role.RESEARCHER, display_name="Rory Outside").user)


def _case(db: Session, clerk: Principal, **overrides: Any) -> Any:
    case = make_request(db, clerk, **overrides)
    applicant = make_person(db, clerk, "Jamie", "Rivers", BORN, postcode="LS1 4AP")
    add(db, clerk, case, PartyRole.APPLICANT, applicant)
    add(db, clerk, case, PartyRole.PERSON_AT_RISK, applicant)
    add(db, clerk, case, PartyRole.SUBJECT, make_person(db, clerk, "Kit", "Marlowe", date(1979, 2, 3)))
    return case


def _find(db: Session, actor: Principal, q: str = "", born: date | None = None) -> service.Results:
    values: dict[str, Any] = {"q": q}
    if born:
        values.update({"date_of_birth-day": str(born.day), "date_of_birth-month": str(born.month)})
        values["date_of_birth-year"] = str(born.year)
    return service.search(db, actor, values)


def test_a_misspelt_name_finds_the_person_and_their_case_with_each_person_once(
    db: Session, clerk: Principal
) -> None:
    case = _case(db, clerk)
    found = _find(db, clerk, "Jaimie Rivres")
    assert [p.display_name for p in found.people] == ["Jamie Rivers"]
    [hit] = found.cases
    assert hit.reference == case.reference and hit.may_open and not hit.closed
    assert hit.people == ["Jamie Rivers (applicant, person at risk)", "Kit Marlowe (subject)"]
    assert [p.display_name for p in _find(db, clerk, "Rivers", BORN).people] == ["Jamie Rivers"]
    assert _find(db, clerk, "Rivers", date(2001, 1, 1)).people == [], "a plainly different date of birth"


def test_a_date_of_birth_a_postcode_or_a_reference_finds_the_record(db: Session, clerk: Principal) -> None:
    case = _case(db, clerk, police_reference="OCC/555/26")
    assert [p.display_name for p in _find(db, clerk, born=BORN).people] == ["Jamie Rivers"]
    assert [p.display_name for p in _find(db, clerk, "ls14ap").people] == ["Jamie Rivers"]
    for reference in (case.reference, case.reference.lower(), "occ/555/26"):
        assert [c.id for c in _find(db, clerk, reference).cases] == [case.id], reference
    assert _find(db, clerk, "OCC/556/26").count == 0


def test_a_closed_case_and_a_closed_episode_are_found(db: Session, clerk: Principal) -> None:
    case = _case(db, clerk)
    requests.withdraw(db, clerk, case.id, {"reason": "applicant_withdrew", "notes": "No longer wishes to."})
    [person] = _find(db, clerk, "Jamie Rivers").people
    episode = missing.record_episode(db, clerk, person.id, episode_values(police_reference="MP/26/0042"))
    missing.close_episode(db, clerk, episode.id, return_values())
    found = _find(db, clerk, "Jamie Rivers")
    assert [(c.id, c.closed) for c in found.cases] == [(case.id, True)]
    assert [(e.id, e.closed) for e in found.episodes] == [(episode.id, True)]
    assert [e.id for e in _find(db, clerk, "mp/26/0042").episodes] == [episode.id]


def test_need_to_know_a_name_reveals_nothing_outside_it_and_a_reference_reveals_no_one(
    db: Session, clerk: Principal, outsider: Principal
) -> None:
    case = _case(db, clerk)
    missing.record_episode(
        db, clerk, _find(db, clerk, "Kit Marlowe").people[0].id, episode_values(police_reference="MP/26/7")
    )
    assert _find(db, outsider, "Jamie Rivers").count == 0
    assert _find(db, outsider, born=BORN).count == 0 and _find(db, outsider, "LS1 4AP").count == 0
    [hit] = _find(db, outsider, case.reference).cases
    assert not hit.may_open and hit.people == [], "the reference was known: who the case is about is not"
    assert _find(db, outsider, "MP/26/7").episodes == [], "missing episodes are the coordinators'"
    access.open_with_reason(db, outsider, case.id, "Asked by the DI to review")
    assert [p.display_name for p in _find(db, outsider, "Jamie Rivers").people] == ["Jamie Rivers"]


def test_administrators_and_auditors_do_not_search_case_content(db: Session) -> None:
    for role in (Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            _find(db, principal_for(make_user(db, role).user), "Jamie Rivers")


def test_a_search_needs_words_or_a_date_and_reports_them_at_the_field(db: Session, clerk: Principal) -> None:
    with pytest.raises(FormInvalid) as empty:
        service.search(db, clerk, {"q": "  "})
    assert empty.value.errors == {"q": "Enter a name, reference or postcode, or a date of birth"}
    with pytest.raises(FormInvalid) as bad:
        service.search(db, clerk, {"q": "Rivers", "date_of_birth-day": "31", "date_of_birth-month": "2"})
    assert set(bad.value.errors) == {"date_of_birth"}
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "search.run")).all() == []


def test_every_search_is_audited_with_what_it_listed_never_the_words(db: Session, clerk: Principal) -> None:
    case = _case(db, clerk)
    found = _find(db, clerk, "Jamie Rivers", BORN)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "search.run")).one()
    details = json.loads(event.details)
    assert details["cases"] == [str(case.id)] and details["people"] == [str(p.id) for p in found.people]
    assert details["kind"] == "name" and details["date_of_birth"] is True
    assert "Rivers" not in event.details + event.justification and "1988" not in event.details
    assert event.justification == "Searched by a name and a date of birth"


def test_the_search_page_posts_keeps_the_words_and_lists_the_results(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    case = _case(db, clerk)
    sign_in_as(db, client, clerk)
    home = client.get("/")
    assert 'href="/search"' in home.text, "search is in the navigation"
    assert client.get("/search").status_code == 200
    refused = client.submit("/search", {"q": "", "date_of_birth-day": "40"})
    assert refused.status_code == 400 and "Date of birth must include a month and year" in refused.text
    assert 'value="40"' in refused.text
    found = client.submit("/search", {"q": "Jamie Rivers"})
    assert found.status_code == 200 and case.reference in found.text
    assert "Jamie Rivers (applicant, person at risk)" in found.text and 'value="Jamie Rivers"' in found.text


def test_the_api_searches_within_need_to_know(db: Session, api: PageClient) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username="dana.search").user)
    case = _case(db, clerk)
    db.commit()
    answer = api.post("/api/v1/search", json={"q": case.reference})
    assert answer.status_code == 200, answer.text
    [hit] = answer.json()["cases"]
    assert hit["reference"] == case.reference and hit["may_open"] is False and hit["people"] == []
    assert api.post("/api/v1/search", json={"q": "Jamie Rivers"}).json()["people"] == []
    refused = api.post("/api/v1/search", json={})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"q"}


def test_an_episode_from_the_feed_still_to_confirm_is_found_by_the_name_reported(db: Session) -> None:
    clerk = coordinator(db)
    missing_person(db, clerk, "Jamie", "Rivers", CHILD_BORN)
    missing_person(db, clerk, "Jamie", "Rivers", CHILD_BORN)  # two records alike: the feed row waits
    outcome, _ = run(db, clerk, csv_of(line(police_reference="MP/26/0777")))
    assert outcome.to_confirm == 1
    found = service.search(db, clerk, {"q": "Jaimie Rivres"})
    waiting = [e for e in found.episodes if e.police_reference == "MP/26/0777"]
    assert [e.name for e in waiting] == ["Jamie Rivers"]
    assert not any(
        e.police_reference == "MP/26/0777" for e in service.search(db, clerk, {"q": "Kit Marlowe"}).episodes
    )
