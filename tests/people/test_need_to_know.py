"""The people index honours need to know [issue 14 §3], tested from the attacker's side: a panel chair who
was refused a case asks for its person at risk by the person page and by the API, as the penetration test
did, and is asked for a reason (page) or refused (API) with nothing recorded as read; with a reason the
record opens and both the reason and the read are audited. The case team sees the person and only the cases
it may open, told that others exist; the coordinator sees a missing person; intake still finds the match."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.missing import service as missing
from disclosure.requests.vocabulary import PartyRole
from tests.builders import make_user, principal_for, sign_in_as
from tests.missing.builders import episode_values
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request


def _user(db: Session, *roles: Role, name: str) -> Principal:
    return principal_for(make_user(db, *roles, username=name, display_name=name.title()).user)


def _events(db: Session, actor: Principal, action: str) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == actor.user_id, AuditEvent.action == action)
        )
    )


def test_a_user_with_no_case_involving_the_person_is_asked_why_before_reading_them(
    db: Session, client: PageClient
) -> None:
    clerk = _user(db, Role.DATA_ADMINISTRATOR, name="dana.clerk")
    chair = _user(db, Role.PANEL_CHAIR, name="chris.chair")
    admin = _user(db, Role.ADMINISTRATOR, name="ada.admin")
    case = make_request(db, clerk)
    at_risk = add(db, clerk, case, PartyRole.PERSON_AT_RISK, make_person(db, clerk, "Lily", "Bishop"))
    sign_in_as(db, client, chair)

    page = client.get(f"/people/{at_risk.id}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/people/{at_risk.id}/access?next={quote(f'/people/{at_risk.id}')}"
    asked = client.get(page.headers["location"])
    assert asked.status_code == 200 and "Lily" not in asked.text and "Bishop" not in asked.text
    token = accounts.issue_api_token(db, admin, chair.user_id, "case system")
    api = client.get(f"/api/v1/people/{at_risk.id}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403 and api.headers["content-type"].startswith("application/problem+json")
    assert "Bishop" not in api.text and "1988" not in api.text
    assert _events(db, chair, "person.view") == [], "a refused read writes nothing"

    short = client.submit(
        f"/people/{at_risk.id}/access", {"reason": "need it", "next": f"/people/{at_risk.id}"}
    )
    assert short.status_code == 400 and "at least 10 characters" in short.text and "need it" in short.text
    reason = "Chairing tomorrow's MARAC where she is discussed"
    opened = client.submit(
        f"/people/{at_risk.id}/access", {"reason": reason, "next": f"/people/{at_risk.id}"}
    )
    assert opened.headers["location"] == f"/people/{at_risk.id}"
    record = client.get(f"/people/{at_risk.id}")
    assert record.status_code == 200 and "Lily Bishop" in record.text
    assert case.reference not in record.text, "a stated reason opens the person, not their cases"
    assert "1 other request involving this person is not shown" in record.text
    assert [e.justification for e in _events(db, chair, "person.open_with_reason")] == [reason]
    [viewed] = _events(db, chair, "person.view")
    assert viewed.justification == "Person record opened: Stated reason (see access grant)"
    again = client.get(f"/api/v1/people/{at_risk.id}", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and again.json()["display_name"] == "Lily Bishop"


def test_the_case_team_sees_the_person_and_only_the_cases_it_may_open(
    db: Session, client: PageClient
) -> None:
    clerk = _user(db, Role.DATA_ADMINISTRATOR, name="dana.clerk")
    other_clerk = _user(db, Role.DATA_ADMINISTRATOR, name="omar.clerk")
    subject = make_person(db, clerk, "Mark", "Priest")
    mine, theirs, also_theirs = (
        make_request(db, clerk),
        make_request(db, other_clerk),
        make_request(db, other_clerk),
    )
    add(db, clerk, mine, PartyRole.SUBJECT, subject)
    add(db, other_clerk, theirs, PartyRole.SUBJECT, subject)
    add(db, other_clerk, also_theirs, PartyRole.SUBJECT, subject)
    researcher = _user(db, Role.RESEARCHER, name="rory.research")
    mine.assignee_id = researcher.user_id
    db.flush()

    sign_in_as(db, client, researcher)
    record = client.get(f"/people/{subject.id}")
    assert record.status_code == 200 and "Mark Priest" in record.text
    assert mine.reference in record.text
    assert theirs.reference not in record.text and also_theirs.reference not in record.text
    assert "2 other requests involving this person are not shown" in record.text
    [viewed] = _events(db, researcher, "person.view")
    assert viewed.justification == "Person record opened: On a case the user may open"


def test_the_coordinator_sees_a_missing_person_and_intake_still_finds_a_likely_match(
    db: Session, client: PageClient
) -> None:
    coordinator = _user(db, Role.DATA_ADMINISTRATOR, name="cara.coordinator")
    entered_by = _user(db, Role.DATA_ADMINISTRATOR, name="dana.clerk")
    child = make_person(db, entered_by, "Ava", "Quinn")
    missing.record_episode(db, entered_by, child.id, episode_values(hours_ago=5))
    sign_in_as(db, client, coordinator)
    assert client.get(f"/people/{child.id}").status_code == 200
    [viewed] = _events(db, coordinator, "person.view")
    assert viewed.justification == "Person record opened: Missing-person coordinator"

    stranger = make_person(db, entered_by, "Noah", "Fenwick")
    newcomer = _user(db, Role.DATA_ADMINISTRATOR, name="nia.new")
    sign_in_as(db, client, newcomer)
    assert client.get(f"/people/{stranger.id}", follow_redirects=False).status_code == 303
    admin = _user(db, Role.ADMINISTRATOR, name="ada.admin")
    token = accounts.issue_api_token(db, admin, newcomer.user_id, "intake")
    found = client.post(
        "/api/v1/people/matches",
        json={"given_names": "Noah", "family_name": "Fenwick", "date_of_birth": "1988-05-17"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert found.status_code == 200
    [match] = found.json()
    assert match["person_id"] == str(stranger.id) and set(match) == {
        "person_id",
        "display_name",
        "date_of_birth",
        "score",
        "reasons",
    }, "intake sees that the match exists, not the person's addresses or cases"
