"""Request pages through HTTP: every page renders (the client checks each one), forms keep their values and
show errors at the field, duplicates are suggested, and the queue shows deadlines."""

import re
import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.db import utcnow
from disclosure.requests.models import DisclosureRequest
from tests.builders import make_session, make_user
from tests.pages import PageClient
from tests.requests.builders import contact_fields, meeting_fields


def _signed_in(db: Session, client: PageClient, *roles: Role) -> PageClient:
    user = make_user(db, *(roles or (Role.DATA_ADMINISTRATOR,)), display_name="Dana Clerk")
    return client.sign_in_as(make_session(db, user.user))


def _version(db: Session, case_url: str) -> str:
    db.expire_all()
    case = db.get(DisclosureRequest, uuid.UUID(case_url.rsplit("/", 1)[1]))
    assert case is not None
    return str(case.version)


def _reference(db: Session, case_url: str) -> str:
    case = db.get(DisclosureRequest, uuid.UUID(case_url.rsplit("/", 1)[1]))
    assert case is not None
    return case.reference


def _log(client: PageClient, **overrides: str) -> str:
    values = {
        "route": "right_to_ask",
        "applicant_type": "person_at_risk",
        **contact_fields(utcnow() - timedelta(hours=3)),
        "channel": "101",
        "receiving_force": "Testshire Police",
        "alleged_crime": "no",
        **overrides,
    }
    response = client.submit("/requests/new", values)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_logging_a_request_with_errors_keeps_what_was_typed(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    response = client.submit(
        "/requests/new",
        {
            "route": "right_to_ask",
            "police_reference": "OCC/55",
            "channel": "",
            "first_contact-day": "31",
            "first_contact-month": "2",
            "first_contact-year": "2026",
            "first_contact-time": "10:00",
        },
    )
    assert response.status_code == 400
    assert 'href="#first_contact"' in response.text and "must be a real date" in response.text
    assert 'value="OCC/55"' in response.text
    assert "Select who is applying" in response.text


def test_a_right_to_ask_request_from_logging_to_research(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    case_url = _log(client)
    page = client.get(case_url)
    assert page.status_code == 200
    assert "Whole process" in page.text and "28 days from first contact" in page.text
    assert "Still needed for this route" in page.text

    # applicant: find matches (none), then add as new
    person = {
        "role": "applicant",
        "given_names": "Jane",
        "family_name": "Doe",
        "date_of_birth-day": "3",
        "date_of_birth-month": "4",
        "date_of_birth-year": "1990",
        "safe_channels": ["phone", "text"],
        "safe_phone": "07700 900982",
        "no_messages": "yes",
        "safe_contact_method": "Use a withheld number",
        "safe_times": "Weekdays 9 to 2",
        "relationship": "Ex-partner of the subject",
    }
    searched = client.submit(f"{case_url}/people/add", {**person, "action": "search"})
    assert searched.status_code == 200 and "No likely matches" in searched.text
    assert client.submit(f"{case_url}/people/add", {**person, "action": "create"}).status_code == 303
    page = client.get(case_url)
    assert "Safe contact for the applicant, Jane Doe" in page.text
    assert "telephone call: 07700 900982; text message: 07700 900982" in page.text
    assert "Do not leave messages" in page.text and "Use a withheld number" in page.text

    # the same person again as person at risk: the index suggests her, with transposed date of birth
    again = {
        **person,
        "role": "person_at_risk",
        "given_names": "Jayne",
        "date_of_birth-day": "4",
        "date_of_birth-month": "3",
    }
    searched = client.submit(f"{case_url}/people/add", {**again, "action": "search"})
    assert "Jane Doe" in searched.text and "day and month swapped" in searched.text
    found = re.search(r'name="person_id" type="radio" value="([^"]+)"', searched.text)
    assert found is not None
    person_id = found.group(1)
    linked = client.submit(f"{case_url}/people/add", {**again, "action": "link", "person_id": person_id})
    assert linked.status_code == 303
    subject = {"role": "subject", "given_names": "John", "family_name": "Smyth", "action": "create"}
    assert client.submit(f"{case_url}/people/add", subject).status_code == 303

    version = _version(db, case_url)
    triage = client.submit(
        f"{case_url}/triage",
        {
            "immediate_risk": "no",
            "dash_done": "yes",
            "dash_score": "16",
            "rag": "green",
            "version": str(version),
        },
    )
    assert triage.status_code == 400 and "MARAC" in triage.text and 'value="16"' in triage.text
    triage = client.submit(
        f"{case_url}/triage",
        {
            "immediate_risk": "no",
            "dash_done": "yes",
            "dash_score": "16",
            "rag": "red",
            "marac_referral": "yes",
            "idva_referral": "yes",
            "version": str(version),
        },
    )
    assert triage.status_code == 303
    assert (
        client.submit(f"{case_url}/complete-initial-checks", {"version": _version(db, case_url)}).status_code
        == 303
    )
    meeting = {
        **meeting_fields(utcnow() - timedelta(minutes=5), ["passport", "utility_bill"]),
        "version": _version(db, case_url),
    }
    assert client.get(f"{case_url}/verify-identity").status_code == 200
    assert client.submit(f"{case_url}/verify-identity", meeting).status_code == 303
    assert client.submit(f"{case_url}/start-research", {"version": _version(db, case_url)}).status_code == 303
    page = client.get(case_url)
    assert "In research" in page.text and "Verified" in page.text


def test_a_stale_save_shows_this_case_has_changed_with_the_input(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    case_url = _log(client)
    response = client.submit(
        f"{case_url}/triage", {"immediate_risk": "no", "dash_done": "no", "rag": "amber", "version": "999"}
    )
    assert response.status_code == 409
    assert "Someone else changed this case" in response.text and "amber" in response.text
    assert "There is a problem" in response.text  # the news at the top of the re-shown form


def test_the_work_queue_shows_deadlines_nearest_first(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    older = _log(client, **contact_fields(utcnow() - timedelta(days=20)))
    newer = _log(client)
    page = client.get("/requests")
    assert page.status_code == 200
    older_ref, newer_ref = (_reference(db, url) for url in (older, newer))
    table = page.text[page.text.index("<tbody") :]
    assert table.index(older_ref) < table.index(newer_ref)
    assert "overdue by 19 days" in page.text  # the older case's 24-hour initial checks
    assert "Initial checks" in page.text


def test_every_request_form_page_renders(db: Session, client: PageClient) -> None:
    _signed_in(db, client)
    case_url = _log(client, route="csods_application", applicant_type="parent_or_carer")
    for form in (
        "triage",
        "verify-identity",
        "withdraw",
        "out-of-scope",
        "pause",
        "extend",
        "assign",
        "people/add",
    ):
        assert client.get(f"{case_url}/{form}").status_code == 200, form
    paused = client.submit(f"{case_url}/pause", {"reason_code": "applicant_request", "reason": "Abroad"})
    assert paused.status_code == 303
    assert "Clock paused" in client.get(case_url).text
    assert client.submit(f"{case_url}/resume").status_code == 303
    assert client.submit(f"{case_url}/out-of-scope", {"reason": "general_enquiry"}).status_code == 303
    assert "Out of scope" in client.get(case_url).text


def test_a_researcher_outside_the_team_states_a_reason_before_opening(
    db: Session, client: PageClient
) -> None:
    _signed_in(db, client)
    case_url = _log(client)
    researcher = make_user(db, Role.RESEARCHER)
    client.sign_in_as(make_session(db, researcher.user))
    response = client.get(case_url, follow_redirects=False)
    assert response.status_code == 303 and "/access" in response.headers["location"]
    form = client.get(response.headers["location"])
    assert "Why do you need to open this case?" in form.text
    short = client.submit(f"{case_url}/access", {"reason": "x", "next": case_url})
    assert short.status_code == 400
    opened = client.submit(
        f"{case_url}/access", {"reason": "Covering the lead's cases this week", "next": case_url}
    )
    assert opened.status_code == 303
    assert client.get(case_url).status_code == 200


def test_administrators_cannot_reach_request_pages(db: Session, client: PageClient) -> None:
    _signed_in(db, client, Role.ADMINISTRATOR)
    assert client.get("/requests").status_code == 403
    assert client.get("/requests/new").status_code == 403


def test_a_refused_person_form_leaves_no_new_person_behind(db: Session, client: PageClient) -> None:
    from sqlalchemy import func, select

    from disclosure.people.models import Person

    _signed_in(db, client)
    case_url = _log(client)
    before = db.scalar(select(func.count()).select_from(Person))
    refused = client.submit(
        f"{case_url}/people/add",
        {"role": "applicant", "given_names": "Ann", "family_name": "Lee", "action": "create"},
    )
    assert (
        refused.status_code == 400 and "Select at least one safe way to contact the applicant" in refused.text
    )
    assert db.scalar(select(func.count()).select_from(Person)) == before


def test_a_duplicate_person_is_merged_from_the_person_page(db: Session, client: PageClient) -> None:
    from tests.builders import principal_for
    from tests.requests.builders import make_person

    user = make_user(db, Role.DATA_ADMINISTRATOR)
    client.sign_in_as(make_session(db, user.user))
    actor = principal_for(user.user)
    from datetime import date

    keep = make_person(db, actor, "John", "Smith", date(1985, 8, 12))
    dupe = make_person(db, actor, "Jon", "Smyth", date(1985, 8, 12))
    page = client.get(f"/people/{keep.id}")
    assert "Possible duplicates of this record" in page.text and "Jon Smyth" in page.text
    refused = client.submit(f"/people/{keep.id}/merge", {"duplicate_id": str(dupe.id), "reason": ""})
    assert refused.status_code == 400
    merged = client.submit(
        f"/people/{keep.id}/merge", {"duplicate_id": str(dupe.id), "reason": "PNC confirms"}
    )
    assert merged.status_code == 303
    assert "Jon Smyth (alias)" in client.get(f"/people/{keep.id}").text
