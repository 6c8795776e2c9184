"""The work queue says who each case is about [issue 16, "Find anything"]: the people's names with their
roles (one person in two roles once) and the applicant's safe contact for the call back, on the cases the
user may open; on any other case only the reference, as before [APP-MoPI]."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.requests import access
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.queue import QueueFilters, work_queue
from disclosure.requests.vocabulary import PartyRole
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request


def _case(db: Session, clerk: Principal) -> DisclosureRequest:
    case = make_request(db, clerk)
    applicant = make_person(db, clerk, "Jamie", "Rivers", date(1990, 1, 2))
    add(db, clerk, case, PartyRole.APPLICANT, applicant, safe_phone="07700 900123", no_messages="yes")
    add(db, clerk, case, PartyRole.PERSON_AT_RISK, applicant)
    add(db, clerk, case, PartyRole.SUBJECT, make_person(db, clerk, "Kit", "Marlowe", date(1979, 2, 3)))
    return case


def test_the_queue_names_who_a_case_is_about_only_for_those_who_may_open_it(
    db: Session, clerk: Principal
) -> None:
    case = _case(db, clerk)
    [row] = [r for r in work_queue(db, clerk, QueueFilters()).items if r.id == case.id]
    assert row.may_open
    assert row.about == ("Jamie Rivers (applicant, person at risk)", "Kit Marlowe (subject)")
    assert "07700 900123" in row.safe_contact and "Do not leave messages" in row.safe_contact
    other = principal_for(make_user(db, Role.RESEARCHER).user)
    [theirs] = [r for r in work_queue(db, other, QueueFilters()).items if r.id == case.id]
    assert not theirs.may_open and theirs.about == () and theirs.safe_contact == ""
    access.open_with_reason(db, other, case.id, "Covering for the case officer")
    [now] = [r for r in work_queue(db, other, QueueFilters()).items if r.id == case.id]
    assert now.about == row.about


def test_the_queue_page_shows_the_names(db: Session, client: PageClient, clerk: Principal) -> None:
    _case(db, clerk)
    sign_in_as(db, client, clerk)
    page = client.get("/requests")
    assert "Jamie Rivers (applicant, person at risk); Kit Marlowe (subject)" in page.text
    assert "07700 900123" in page.text
