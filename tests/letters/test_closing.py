"""Closing a case asks for confirmation first: the case page's button leads to a page that says what
closing does, and only its button closes the case (issue 16)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from disclosure.letters import delivery
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.workflow import RequestStatus
from tests.builders import sign_in_as
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery
from tests.letters.conftest import Decide
from tests.pages import PageClient


def test_closing_asks_for_confirmation_then_closes(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    delivery.record_delivery(db, cast.officer, case.id, disclosure_delivery())
    sign_in_as(db, client, cast.clerk)
    page = client.get(f"/requests/{case.id}").text
    assert f'href="/requests/{case.id}/close"' in page  # a link to the question, not a form that closes
    assert f'action="/requests/{case.id}/close"' not in page

    confirm = client.get(f"/requests/{case.id}/close")
    assert confirm.status_code == 200
    assert "Closing cannot be undone" in confirm.text and "Yes, close the case" in confirm.text
    db.refresh(case)
    assert case.status == RequestStatus.OUTCOME_DELIVERED.value  # asking closes nothing

    closed = client.submit(f"/requests/{case.id}/close", {"version": str(case.version)})
    assert closed.status_code == 303
    db.expire_all()
    after = db.get(DisclosureRequest, case.id)
    assert after is not None and after.status == RequestStatus.CLOSED.value


def test_a_case_not_yet_delivered_says_why_it_cannot_be_closed(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    sign_in_as(db, client, cast.clerk)
    assert f'href="/requests/{case.id}/close"' not in client.get(f"/requests/{case.id}").text
    refused = client.get(f"/requests/{case.id}/close")
    assert refused.status_code == 409
    assert "Only a case whose outcome has been delivered can be closed" in refused.text
    assert "Yes, close the case" not in refused.text
