"""The request forms ask only what earlier answers make relevant (GOV.UK conditional reveals, the service
ignoring a hidden answer), report every error at once in page order, and start dates at now."""

import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.requests import service
from disclosure.requests.models import DisclosureRequest
from tests.builders import make_session, make_user, principal_for
from tests.pages import PageClient
from tests.requests.builders import make_request, ready_for_checks

UK = ZoneInfo("Europe/London")


def _clerk(db: Session, client: PageClient) -> Principal:
    user = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    client.sign_in_as(make_session(db, user.user))
    return principal_for(user.user)


def _errors(html: str) -> list[str]:
    summary = html.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def _revealed_by(html: str, answer_id: str) -> str:
    """The conditional content a radio answer reveals."""
    found = re.search(rf'id="{re.escape(answer_id)}"[^>]*data-aria-controls="([^"]+)"', html)
    assert found is not None, answer_id
    return html.split(f'id="{found.group(1)}"', 1)[1].split('<div class="govuk-radios__item">', 1)[0]


def test_the_log_form_starts_at_now_and_hides_what_the_route_does_not_ask(
    db: Session, client: PageClient
) -> None:
    _clerk(db, client)
    before = utcnow().astimezone(UK)
    form = client.get("/requests/new").text
    after = utcnow().astimezone(UK)
    assert _value(form, "first_contact-day") == str(before.day)
    assert _value(form, "first_contact-year") == str(before.year)
    assert _value(form, "first_contact-time") in {f"{before:%H:%M}", f"{after:%H:%M}"}
    # "Who is applying?" and the linked case only for the applications; the crime reference only on "yes".
    assert form.count('data-shown-for-routes="right_to_ask csods_application"') == 2
    assert 'name="crime_reference"' in _revealed_by(form, "alleged_crime")
    assert not re.search(r'id="alleged_crime-2"[^>]*data-aria-controls', form)  # "No" reveals nothing


def test_the_log_form_lists_every_error_at_once_in_page_order(db: Session, client: PageClient) -> None:
    _clerk(db, client)
    refused = client.submit(
        "/requests/new",
        {"route": "right_to_ask", "receiving_force": "", "alleged_crime": "yes", "first_contact-day": "40"},
    )
    assert refused.status_code == 400
    assert _errors(refused.text) == [
        "applicant_type",
        "first_contact",
        "channel",
        "receiving_force",
        "crime_reference",
    ]


def test_a_police_initiated_request_ignores_answers_its_route_hides(db: Session, client: PageClient) -> None:
    _clerk(db, client)
    at = utcnow() - timedelta(hours=1)
    local = at.astimezone(UK)
    logged = client.submit(
        "/requests/new",
        {
            "route": "right_to_know",
            "applicant_type": "person_at_risk",  # ticked before the route changed
            "open_linked_case": "yes",
            "first_contact-day": str(local.day),
            "first_contact-month": str(local.month),
            "first_contact-year": str(local.year),
            "first_contact-time": f"{local:%H:%M}",
            "channel": "partner_referral",
            "receiving_force": "Testshire Police",
            "information_received": "Referral about controlling behaviour",
            "alleged_crime": "no",
            "crime_reference": "CR/9/26",  # typed before the answer became "no"
        },
    )
    assert logged.status_code == 303, logged.text
    case = db.get(DisclosureRequest, uuid.UUID(logged.headers["location"].rsplit("/", 1)[1]))
    assert case is not None
    assert case.applicant_type is None and case.linked_request_id is None and case.crime_reference == ""


def test_the_triage_form_reveals_each_follow_up_and_ignores_hidden_ones(
    db: Session, client: PageClient
) -> None:
    clerk = _clerk(db, client)
    case = make_request(db, clerk)
    url = f"/requests/{case.id}/triage"
    form = client.get(url).text
    assert 'name="immediate_risk_action"' in _revealed_by(form, "immediate_risk")
    assert 'name="dash_score"' in _revealed_by(form, "dash_done")
    judgement = _revealed_by(form, "professional_judgement")
    assert 'name="professional_risk_level"' in judgement and 'name="risk_rationale"' in judgement
    assert re.search(r'id="professional_judgement-2"[^>]*value="no"[^>]*checked', form)

    empty = client.submit(url, {"version": str(case.version), "professional_judgement": ""})
    assert empty.status_code == 400
    assert _errors(empty.text) == ["immediate_risk", "dash_done", "professional_judgement", "rag"]
    asked = client.submit(
        url,
        {
            "version": str(case.version),
            "immediate_risk": "no",
            "dash_done": "no",
            "professional_judgement": "yes",
        },
    )
    assert _errors(asked.text) == ["professional_risk_level", "rag"]

    saved = client.submit(
        url,
        {
            "version": str(case.version),
            "immediate_risk": "no",
            "immediate_risk_action": "Typed, then the answer changed",
            "dash_done": "no",
            "dash_score": "22",
            "professional_judgement": "no",
            "professional_risk_level": "high",
            "risk_rationale": "Typed, then the answer changed",
            "rag": "green",
        },
    )
    assert saved.status_code == 303, saved.text
    db.expire_all()
    assert case.immediate_risk_action == "" and case.dash_score is None
    assert case.professional_risk_level is None and case.risk_rationale == "" and case.rag == "green"


def test_the_meeting_form_starts_at_now(db: Session, client: PageClient) -> None:
    clerk = _clerk(db, client)
    case = make_request(db, clerk)
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    before = utcnow().astimezone(UK)
    form = client.get(f"/requests/{case.id}/verify-identity").text
    assert _value(form, "meeting-day") == str(before.day)
    assert _value(form, "meeting-month") == str(before.month)


def test_the_case_page_reads_labels_and_plain_deadlines_not_codes(db: Session, client: PageClient) -> None:
    clerk = _clerk(db, client)
    case = make_request(db, clerk, channel="partner_referral")
    page = client.get(f"/requests/{case.id}").text
    assert "Referral from a partner agency" in page and "partner referral" not in page
    assert "The person at risk" in page
    deadlines = page.split(">Deadlines<", 1)[1].split(">People<", 1)[0]
    assert "Source: " in deadlines and not re.search(r"\[[A-Za-z&-]+(-\d{4})?\]", deadlines)
