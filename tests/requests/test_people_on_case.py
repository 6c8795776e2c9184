"""One person in several roles on a case, entered once and listed once; the add-person form's errors all at
once in page order; a child on a Sarah's Law case is under 18."""

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.people.models import Person
from disclosure.requests import parties
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from tests.builders import make_session, make_user
from tests.pages import PageClient
from tests.requests.builders import add, contact_fields, make_person, make_request
from tests.requests.test_api import api  # noqa: F401 (fixture)

SAFE = {
    "safe_channels": ["phone"],
    "safe_phone": "07700 900982",
    "safe_times": "Weekdays 9am to 2pm",
}


def _signed_in(db: Session, client: PageClient) -> PageClient:
    user = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    return client.sign_in_as(make_session(db, user.user))


def _log(client: PageClient, route: str = "right_to_ask", applicant_type: str = "person_at_risk") -> str:
    values = {
        "route": route,
        "applicant_type": applicant_type,
        **contact_fields(utcnow() - timedelta(hours=3)),
        "channel": "101",
        "receiving_force": "Testshire Police",
        "alleged_crime": "no",
    }
    response = client.submit("/requests/new", values)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _case(db: Session, case_url: str) -> DisclosureRequest:
    db.expire_all()
    case = db.get(DisclosureRequest, uuid.UUID(case_url.rsplit("/", 1)[1]))
    assert case is not None
    return case


def _born(years_ago: int, days: int = 0) -> date:
    """`years_ago` years before today (the 28th for a 29 February), then `days` later: 18 years ago is
    someone turning 18 today, a day later someone who is 17 whatever today's date."""
    today = uk_today()
    try:
        then = today.replace(year=today.year - years_ago)
    except ValueError:  # 29 February in a year that has none
        then = today.replace(year=today.year - years_ago, day=28)
    return then + timedelta(days=days)


def _dob(day: date) -> dict[str, str]:
    return {
        "date_of_birth-day": str(day.day),
        "date_of_birth-month": str(day.month),
        "date_of_birth-year": str(day.year),
    }


def _error_order(html: str) -> list[str]:
    summary = html.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def test_an_applicant_who_is_the_person_at_risk_is_entered_once_and_listed_once(
    db: Session, client: PageClient
) -> None:
    _signed_in(db, client)
    case_url = _log(client)
    form = client.get(f"{case_url}/people/add?role=applicant")
    # Right to Ask by the person at risk: both roles start ticked.
    assert re.search(r'value="applicant"[^>]*checked', form.text)
    assert re.search(r'value="person_at_risk"[^>]*checked', form.text)
    jane = {
        "role": ["applicant", "person_at_risk"],
        "given_names": "Jane",
        "family_name": "Doe",
        **_dob(date(1990, 4, 3)),
        **SAFE,
        "action": "create",
    }
    assert client.submit(f"{case_url}/people/add", jane).status_code == 303
    case = _case(db, case_url)
    assert sorted(p.role for p in case.parties) == ["applicant", "person_at_risk"]
    assert len({p.person_id for p in case.parties}) == 1
    assert all(p.safe_times == "Weekdays 9am to 2pm" for p in case.parties)
    assert parties.missing_roles(case) == [PartyRole.SUBJECT]
    page = client.get(case_url)
    assert page.text.count('href="/people/') == 1
    assert "Applicant and person at risk" in page.text
    assert "Safe contact for the applicant and person at risk, Jane Doe" in page.text
    assert "Still needed for this route: subject." in page.text


def test_every_ticked_role_and_safe_way_stays_ticked_while_matches_are_shown(
    db: Session, client: PageClient
) -> None:
    """A field sent more than once (`text.Repeated`) keeps every value on the page it comes back to."""
    _signed_in(db, client)
    case_url = _log(client)
    jane = {
        "role": ["applicant", "person_at_risk"],
        "given_names": "Jane",
        "family_name": "Doe",
        **_dob(date(1990, 4, 3)),
        **SAFE,
        "safe_channels": ["phone", "in_person"],
        "action": "search",
    }
    shown = client.submit(f"{case_url}/people/add", jane)
    assert shown.status_code == 200
    for name, value in (
        ("role", "applicant"),
        ("role", "person_at_risk"),
        ("safe_channels", "phone"),
        ("safe_channels", "in_person"),
    ):
        assert re.search(rf'name="{name}" type="checkbox" value="{value}" checked', shown.text), value


def test_someone_on_the_case_is_added_in_another_role_without_typing_them_again(
    db: Session, client: PageClient
) -> None:
    _signed_in(db, client)
    case_url = _log(client, applicant_type="third_party")
    mum = {"role": "applicant", "given_names": "Ann", "family_name": "Roe", **SAFE, "action": "create"}
    assert client.submit(f"{case_url}/people/add", mum).status_code == 303
    person_id = _case(db, case_url).parties[0].person_id
    people_before = db.scalar(select(func.count()).select_from(Person)) or 0

    form = client.get(f"{case_url}/people/add?person={person_id}")
    assert form.status_code == 200 and "Add Ann Roe in another role" in form.text
    assert 'name="given_names"' not in form.text  # nothing typed again
    assert 'value="applicant"' not in form.text  # a role she holds is not offered
    assert 'value="07700 900982"' in form.text  # her safe contact comes with her
    more = {
        "existing_person_id": str(person_id),
        "role": "best_placed_to_protect",
        **SAFE,
        "action": "existing",
    }
    assert client.submit(f"{case_url}/people/add", more).status_code == 303
    case = _case(db, case_url)
    assert sorted(p.role for p in case.parties) == ["applicant", "best_placed_to_protect"]
    assert db.scalar(select(func.count()).select_from(Person)) == people_before
    assert "Applicant and person best placed to protect" in client.get(case_url).text

    again = client.submit(f"{case_url}/people/add", {**more, "role": "applicant"})
    assert again.status_code == 400 and "already on the case as the applicant" in again.text
    stranger = client.submit(f"{case_url}/people/add", {**more, "existing_person_id": str(uuid.uuid4())})
    assert stranger.status_code == 400 and "Select a person already on this case" in stranger.text


def test_the_add_person_form_reports_every_error_at_once_in_page_order(
    db: Session, client: PageClient
) -> None:
    _signed_in(db, client)
    case_url = _log(client)
    bad = {
        "given_names": "",
        "town": "Leeds",
        "postcode": "NOT A CODE",
        "date_of_birth-day": "31",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1990",
        "safe_channels": ["phone"],
        "safe_times": "",
        "relationship": "x" * 201,
    }
    for action in ("search", "create"):
        response = client.submit(f"{case_url}/people/add", {**bad, "role": "", "action": action})
        assert response.status_code == 400
        order = _error_order(response.text)
        assert order == ["role", "given_names", "date_of_birth", "postcode", "relationship"]
        assert 'value="Leeds"' in response.text  # nothing entered is lost
    # The applicant's safe contact rules join the person's own errors, in their place on the page.
    applicant = client.submit(f"{case_url}/people/add", {**bad, "role": "applicant", "action": "create"})
    assert _error_order(applicant.text) == [
        "given_names",
        "date_of_birth",
        "postcode",
        "relationship",
        "safe_phone",
        "safe_times",
    ]


def test_the_child_on_a_sarahs_law_case_is_under_18(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    case_url = _log(client, route="csods_application", applicant_type="parent_or_carer")
    child = {"role": "child", "given_names": "Kit", "family_name": "Roe", "action": "create"}
    adult = client.submit(f"{case_url}/people/add", {**child, **_dob(_born(18))})
    assert adult.status_code == 400
    assert _error_order(adult.text) == ["date_of_birth"]
    assert "must be under 18: this date of birth makes them 18" in adult.text
    assert client.submit(f"{case_url}/people/add", {**child, **_dob(_born(18, days=1))}).status_code == 303
    assert _case(db, case_url).parties_in(PartyRole.CHILD)


def test_linking_an_adult_as_the_child_is_refused_at_the_role(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk, route="csods_application")
    grown = make_person(db, clerk, "Lee", "Grown", dob=_born(30))
    with pytest.raises(FormInvalid) as refused:
        add(db, clerk, case, PartyRole.CHILD, grown)
    assert "under 18" in refused.value.errors["role"]
    # A child with no date of birth is not held to it, nor a Clare's Law case's child in the household.
    add(db, clerk, case, PartyRole.CHILD, make_person(db, clerk, "No", "Date", dob=None))
    add(db, clerk, make_request(db, clerk), PartyRole.CHILD, grown)


def test_the_subject_never_also_holds_the_applicant_or_person_at_risk_role(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as together:
        add(db, clerk, case, PartyRole.SUBJECT, also_roles=["person_at_risk"])
    assert "cannot also be" in together.value.errors["role"]
    subject = add(db, clerk, case, PartyRole.SUBJECT)
    with pytest.raises(FormInvalid) as later:
        add(db, clerk, case, PartyRole.PERSON_AT_RISK, subject)
    assert "cannot also be" in later.value.errors["role"]


def test_people_of_a_case_lists_each_person_once_with_their_roles(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    jane = add(db, clerk, case, PartyRole.APPLICANT, also_roles=["person_at_risk"])
    add(db, clerk, case, PartyRole.SUBJECT)
    found = parties.people_of(case)
    assert [p.roles_label for p in found] == ["Applicant and person at risk", "Subject"]
    assert found[0].person_id == jane.id and found[0].contact is not None
    assert found[0].contact.role == "applicant"
    to_tell = parties.people_of(case, [PartyRole.PERSON_AT_RISK, PartyRole.APPLICANT])
    assert [p.person_id for p in to_tell] == [jane.id]
    assert parties.roles_in_words([PartyRole.APPLICANT, PartyRole.PERSON_AT_RISK, PartyRole.CHILD]) == (
        "Applicant, person at risk and child"
    )


def test_the_api_puts_one_person_in_two_roles(api: PageClient) -> None:  # noqa: F811
    logged = api.post(
        "/api/v1/requests",
        json={
            "route": "right_to_ask",
            "applicant_type": "person_at_risk",
            "first_contact": (utcnow() - timedelta(hours=1)).isoformat(),
            "channel": "online",
            "receiving_force": "Testshire Police",
        },
    )
    url = f"/api/v1/requests/{logged.json()['id']}"
    person = api.post("/api/v1/people", json={"given_names": "Jane", "family_name": "Doe"}).json()["id"]
    body = {"person_id": person, "role": "applicant", "also_roles": ["person_at_risk"], **SAFE}
    added = api.post(f"{url}/parties", json=body)
    assert added.status_code == 201, added.text
    assert sorted(p["role"] for p in added.json()["parties"]) == ["applicant", "person_at_risk"]
    wrong = api.post(f"{url}/parties", json={**body, "also_roles": ["panel"]})
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"role"}


def test_the_form_adds_a_new_person_at_once_when_the_index_holds_no_likely_match(
    db: Session, client: PageClient
) -> None:
    """The page's button (`action=add`) searches first: with nothing like them in the index the person is
    added in the same step; with a likely match the matches are shown and nothing is added until the user
    chooses (issue 16)."""
    _signed_in(db, client)
    case_url = _log(client)
    add_page = client.get(f"{case_url}/people/add").text
    button = re.search(r"<button[^>]*>\s*Check the index and add", add_page)
    assert button and 'value="add"' in button.group() and 'name="action"' in button.group()
    people_before = db.scalar(select(func.count()).select_from(Person)) or 0
    jane = {
        "role": ["applicant", "person_at_risk"],
        "given_names": "Jane",
        "family_name": "Doe",
        **_dob(date(1990, 4, 3)),
        **SAFE,
        "action": "add",
    }
    added = client.submit(f"{case_url}/people/add", jane)
    assert added.status_code == 303
    assert "No one in the people index matched" in client.get(case_url).text
    assert db.scalar(select(func.count()).select_from(Person)) == people_before + 1

    other_case = _log(client)
    again = client.submit(f"{other_case}/people/add", {**jane, "given_names": "Jayne"})
    assert again.status_code == 200, "a likely match is shown, not added over"
    assert "Possible matches in the people index" in again.text and "Jane Doe" in again.text
    assert db.scalar(select(func.count()).select_from(Person)) == people_before + 1
    assert parties.people_of(_case(db, other_case)) == []
