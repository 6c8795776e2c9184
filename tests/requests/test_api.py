"""The requests JSON API: the same verbs as the pages, with bearer tokens, problem details at the field."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.db import utcnow
from tests.builders import make_user, principal_for
from tests.pages import PageClient


@pytest.fixture
def api(db: Session, client: PageClient) -> PageClient:
    clerk = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    admin = make_user(db, Role.ADMINISTRATOR)
    token = accounts.issue_api_token(db, principal_for(admin.user), clerk.user.id, "online form")
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _person(api: PageClient, given: str, family: str, dob: str) -> str:
    response = api.post(
        "/api/v1/people", json={"given_names": given, "family_name": family, "date_of_birth": dob}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_right_to_ask_request_through_the_api(api: PageClient) -> None:
    first_contact = (utcnow() - timedelta(hours=1)).isoformat()
    logged = api.post(
        "/api/v1/requests",
        json={
            "route": "right_to_ask",
            "applicant_type": "person_at_risk",
            "first_contact": first_contact,
            "channel": "online",
            "receiving_force": "Testshire Police",
        },
    )
    assert logged.status_code == 201, logged.text
    case = logged.json()
    assert case["reference"].startswith("DVDS-") and case["status"] == "logged"
    assert {d["key"] for d in case["deadlines"]} == {"initial_checks", "meeting", "completion"}
    url = f"/api/v1/requests/{case['id']}"

    jane = _person(api, "Jane", "Doe", "1990-04-03")
    matches = api.post(
        "/api/v1/people/matches",
        json={"given_names": "Jayne", "family_name": "Doe", "date_of_birth": "1990-03-04"},
    )
    assert matches.status_code == 200 and matches.json()[0]["person_id"] == jane
    refused = api.post(f"{url}/parties", json={"person_id": jane, "role": "applicant"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"safe_channels", "safe_times"}
    no_detail = api.post(
        f"{url}/parties",
        json={"person_id": jane, "role": "applicant", "safe_channels": ["email"], "safe_times": "Evenings"},
    )
    assert no_detail.status_code == 400 and no_detail.json()["errors"] == {
        "safe_email": "Enter the safe email address"
    }
    added = api.post(
        f"{url}/parties",
        json={
            "person_id": jane,
            "role": "applicant",
            "safe_channels": ["email"],
            "safe_email": "jane@example.org",
            "no_messages": True,
            "safe_times": "Evenings",
        },
    )
    assert added.status_code == 201
    [party] = added.json()["parties"]
    assert (party["safe_channels"], party["safe_email"], party["no_messages"]) == (
        ["email"],
        "jane@example.org",
        True,
    )
    assert api.post(f"{url}/parties", json={"person_id": jane, "role": "person_at_risk"}).status_code == 201
    john = _person(api, "John", "Smith", "1985-08-12")
    assert api.post(f"{url}/parties", json={"person_id": john, "role": "subject"}).status_code == 201
    triaged = api.post(f"{url}/triage", json={"immediate_risk": False, "dash_score": 4, "rag": "green"})
    assert triaged.status_code == 201 and triaged.json()["risk_level"] == "standard"
    checked = api.post(f"{url}/complete-initial-checks", json={})
    assert checked.status_code == 201 and checked.json()["status"] == "initial_checks_done"
    met = api.post(
        f"{url}/verify-identity",
        json={
            "meeting": utcnow().isoformat(),
            "outcome": "verified",
            "documents": ["passport", "bank_statement"],
        },
    )
    assert met.status_code == 201 and met.json()["identity_verified"] is True
    assert api.post(f"{url}/start-research", json={}).json()["status"] == "in_research"
    queue = api.get("/api/v1/requests").json()
    assert [row["reference"] for row in queue["items"]] == [case["reference"]]
    assert (queue["count"], queue["count_capped"], queue["next_cursor"]) == (1, False, None)


def test_bad_input_is_a_problem_at_the_field_never_a_500(api: PageClient) -> None:
    response = api.post(
        "/api/v1/requests",
        json={
            "route": "right_to_know",
            "first_contact": "2999-01-01T10:00:00",
            "channel": "fax",
            "receiving_force": "",
        },
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"first_contact", "channel", "receiving_force", "information_received"} <= set(
        response.json()["errors"]
    )
    wrong_type = api.post("/api/v1/requests", json={"route": 5, "first_contact": "yesterday"})
    assert wrong_type.status_code == 400


def test_an_invalid_transition_is_a_conflict(api: PageClient) -> None:
    logged = api.post(
        "/api/v1/requests",
        json={
            "route": "csods_application",
            "applicant_type": "parent_or_carer",
            "first_contact": (utcnow() - timedelta(hours=1)).isoformat(),
            "channel": "101",
            "receiving_force": "T",
        },
    )
    response = api.post(f"/api/v1/requests/{logged.json()['id']}/start-research", json={})
    assert response.status_code == 409


def test_a_pause_and_an_extension_through_the_api_take_a_listed_reason(api: PageClient) -> None:
    logged = api.post(
        "/api/v1/requests",
        json={
            "route": "right_to_know",
            "first_contact": (utcnow() - timedelta(hours=1)).isoformat(),
            "channel": "partner_referral",
            "receiving_force": "Testshire Police",
            "information_received": "Referral from the IDVA service",
        },
    )
    assert logged.status_code == 201, logged.text
    url = f"/api/v1/requests/{logged.json()['id']}"
    refused = api.post(f"{url}/pause", json={"reason_code": "bored", "reason": "x"})
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "reason_code": "Select why the clock is paused"
    }
    paused = api.post(f"{url}/pause", json={"reason_code": "awaiting_partner", "reason": "GP letter"})
    assert paused.status_code == 201
    assert api.post(f"{url}/resume", json={}).status_code == 201
    extended = api.post(
        f"{url}/extend", json={"days": 5, "reason_code": "partner_delay", "reason": "Probation return late"}
    )
    assert extended.status_code == 201
    [completion] = [d for d in extended.json()["deadlines"] if d["key"] == "completion"]
    assert "Extended by 5 days" in completion["explanation"]
