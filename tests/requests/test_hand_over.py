"""The hand-over to research asks who researches the case, listing researchers only; closing a case asks
for confirmation; the case page and the work queue offer only the actions their reader may take (issue 16)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.policy import POLICY, may
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.errors import FormInvalid
from disclosure.requests import queue, service
from disclosure.requests.models import CaseMember, DisclosureRequest
from tests.accounts.helpers import field_error, summary_links
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import make_request, ready_for_checks


def _ready(db: Session, clerk: object) -> DisclosureRequest:
    """A Right to Know case through initial checks: ready to hand to research."""
    case = make_request(db, clerk, route="right_to_know")  # type: ignore[arg-type]
    ready_for_checks(db, clerk, case)  # type: ignore[arg-type]
    service.complete_initial_checks(db, clerk, case.id)  # type: ignore[arg-type]
    return case


def _options(html: str, name: str) -> list[str]:
    block = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", block)


def _team(db: Session, case: DisclosureRequest) -> set[uuid.UUID]:
    return set(db.scalars(select(CaseMember.user_id).where(CaseMember.request_id == case.id)))


def test_the_hand_over_lists_researchers_only_and_makes_the_chosen_one_the_lead(
    db: Session, client: PageClient
) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk").user)
    rory = make_user(db, Role.RESEARCHER, username="rory.research", display_name="Rory Research").user
    make_user(db, Role.RESEARCHER, username="rita.research", display_name="Rita Research")
    make_user(db, Role.PANEL_MEMBER, username="pat.panel", display_name="Pat Panel")
    case = _ready(db, clerk)
    service.assign(db, clerk, case.id, {"assignee_id": str(clerk.user_id)})
    sign_in_as(db, client, clerk)
    page = client.get(f"/requests/{case.id}").text
    assert _options(page, "researcher_id") == ["Choose a researcher", "Rita Research", "Rory Research"]

    db.refresh(case)
    handed = client.submit(
        f"/requests/{case.id}/start-research", {"version": str(case.version), "researcher_id": str(rory.id)}
    )
    assert handed.status_code == 303
    db.expire_all()
    after = db.get(DisclosureRequest, case.id)
    assert after is not None and after.status == "in_research" and after.assignee_id == rory.id
    assert clerk.user_id in _team(db, after)  # the earlier lead stays on the team
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "request.start_research"))
    assert json.loads(event.details)["assignee"] == str(rory.id)


def test_a_hand_over_without_a_researcher_is_refused_at_the_field_and_writes_nothing(
    db: Session, client: PageClient
) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    make_user(db, Role.RESEARCHER, username="rory.research", display_name="Rory Research")
    panel = make_user(db, Role.PANEL_MEMBER, username="pat.panel").user
    case = _ready(db, clerk)
    sign_in_as(db, client, clerk)
    for chosen, message in (
        ("", "Select who will research the case"),
        (str(panel.id), "Select an active researcher from the list"),
        ("not-an-id", "Select an active researcher from the list"),
    ):
        db.refresh(case)
        refused = client.submit(
            f"/requests/{case.id}/start-research", {"version": str(case.version), "researcher_id": chosen}
        )
        assert refused.status_code == 400
        assert summary_links(refused.text) == ["researcher_id"]
        assert field_error(refused.text, "researcher_id") == message
    db.expire_all()
    after = db.get(DisclosureRequest, case.id)
    assert after is not None and after.status == "initial_checks_done" and after.research_started_at is None
    assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "request.start_research")).all()


def test_the_hand_over_starts_at_the_lead_or_the_only_researcher(db: Session) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    case = _ready(db, clerk)
    assert queue.researcher_chosen(case, queue.researcher_options(db)) == ""  # no researcher: none to choose
    only = make_user(db, Role.RESEARCHER, username="rory.research").user
    assert queue.researcher_chosen(case, queue.researcher_options(db)) == str(only.id)
    second = make_user(db, Role.RESEARCHER, username="rita.research").user
    assert queue.researcher_chosen(case, queue.researcher_options(db)) == ""  # two: the user chooses
    service.assign(db, clerk, case.id, {"assignee_id": str(second.id)})
    assert queue.researcher_chosen(case, queue.researcher_options(db)) == str(second.id)


def test_the_service_refuses_a_user_who_is_not_a_researcher(db: Session) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    case = _ready(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.start_research(db, clerk, case.id, {"researcher_id": str(clerk.user_id)})
    assert list(refused.value.errors) == ["researcher_id"]


def test_the_api_hands_over_to_a_named_researcher(db: Session, client: PageClient) -> None:
    from disclosure.accounts import service as accounts

    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    clerk_user = make_user(db, Role.DATA_ADMINISTRATOR, username="dana.integration").user
    clerk = principal_for(clerk_user)
    rory = make_user(db, Role.RESEARCHER, username="rory.research").user
    raw = accounts.issue_api_token(db, admin, clerk_user.id, "case system")
    headers = {"Authorization": f"Bearer {raw}"}
    case = _ready(db, clerk)
    url = f"/api/v1/requests/{case.id}/start-research"
    refused = client.post(url, json={"researcher_id": str(clerk_user.id)}, headers=headers)
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["researcher_id"]
    handed = client.post(url, json={"researcher_id": str(rory.id)}, headers=headers)
    assert handed.status_code == 201, handed.text
    db.expire_all()
    assert db.get(DisclosureRequest, case.id).assignee_id == rory.id  # type: ignore[union-attr]
    schema = client.get("/api/v1/schema/openapi.json").json()
    assert "researcher_id" in schema["components"]["schemas"]["StartResearchBody"]["properties"]


def test_every_case_action_names_a_route_the_policy_knows() -> None:
    assert set(queue.ACTION_ROUTES.values()) <= set(POLICY)


def test_the_case_page_offers_only_what_its_reader_may_do(db: Session, client: PageClient) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    make_user(db, Role.RESEARCHER, username="rory.research")
    case = _ready(db, clerk)
    chair = principal_for(make_user(db, Role.PANEL_CHAIR, username="cora.chair").user)
    service.assign(db, clerk, case.id, {"assignee_id": str(chair.user_id)})  # on the team: reads the case
    sign_in_as(db, client, chair)
    page = client.get(f"/requests/{case.id}").text
    for offer in ("Hand to research", "Assign the case", "Pause the clock", "Withdraw the request"):
        assert offer not in page, offer
    assert not may(chair, "requests.start_research") and may(clerk, "requests.start_research")
    queue_page = client.get("/requests").text
    assert "Log a request" not in queue_page and "Log a request" not in client.get("/").text
    sign_in_as(db, client, clerk)
    page = client.get(f"/requests/{case.id}").text
    assert "Hand to research" in page and "Assign the case" in page
    assert "Log a request" in client.get("/requests").text


def test_a_hand_over_before_the_meeting_says_why_on_the_form_and_writes_nothing(
    db: Session, client: PageClient
) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    rory = make_user(db, Role.RESEARCHER, username="rory.research").user
    case = make_request(db, clerk)  # Right to Ask, just logged: no meeting yet
    sign_in_as(db, client, clerk)
    refused = client.submit(
        f"/requests/{case.id}/start-research", {"version": str(case.version), "researcher_id": str(rory.id)}
    )
    assert refused.status_code == 409
    assert "Possible now: complete initial checks" in refused.text  # why, at the top of the form
    assert f'href="/requests/{case.id}"' in refused.text  # back to the case
    db.expire_all()
    after = db.get(DisclosureRequest, case.id)
    assert after is not None and after.status == "logged" and after.assignee_id != rory.id
