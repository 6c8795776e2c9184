"""A partner's inbox of information requests in two views, each a keyset page [issue 17]: what waits for
an answer (nearest due date first, with how many wait) and what was answered or closed (newest first). Every
request is on exactly one page of one view, however many there are; the API pages the same way and refuses
a view it does not have."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.agencies.inbox import InboxView
from disclosure.auth import Principal
from disclosure.research import service
from disclosure.research.models import PartnerRequest
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.research.builders import agency, case_in_research, partner_user, subject_id

ASKED = 5


@pytest.fixture
def sent(db: Session, clerk: Principal, researcher: Principal) -> list[PartnerRequest]:
    made = []
    for n in range(ASKED):
        case = case_in_research(db, clerk, researcher)
        values = {"agency_id": str(agency(db).id), "asked": f"Question {n}", "person_ids": [subject_id(case)]}
        made.append(service.send_partner_request(db, researcher, case.id, values))
    for n, request in enumerate(made):  # due on different days, in an order unlike the order sent
        db.execute(
            update(PartnerRequest)
            .where(PartnerRequest.id == request.id)
            .values(due_on=request.due_on + timedelta(days=(n * 3) % ASKED))
        )
    db.expire_all()
    return made


def _walk(db: Session, partner: Principal, view: InboxView) -> list[list[str]]:
    pages, after = [], None
    while True:
        found = service.partner_inbox(db, partner, view=view, after=after, limit=2)
        pages.append([row.asked for row in found.found.items])
        if not (after := found.found.after):
            return pages


def test_every_request_is_on_one_page_of_one_view(db: Session, sent: list[PartnerRequest]) -> None:
    partner = partner_user(db)
    answered = {"result": "nil_return", "response": "Nothing held", "onward_consent": "consents"}
    service.answer(db, partner, sent[1].id, {**answered, "version": str(sent[1].version)})
    waiting = _walk(db, partner, InboxView.WAITING)
    due = sorted((r.due_on, r.id) for r in sent if r.id != sent[1].id)
    assert [a for page in waiting for a in page] == [
        next(r.asked for r in sent if r.id == i) for _, i in due
    ], "nearest due date first, each once"
    assert all(len(page) <= 2 for page in waiting) and len(waiting) == 2
    assert _walk(db, partner, InboxView.DONE) == [["Question 1"]]
    first = service.partner_inbox(db, partner, view=InboxView.DONE)
    assert (first.waiting, first.waiting_more) == (ASKED - 1, False), "the other view's count"


def test_the_page_and_the_api_offer_both_views(
    db: Session, client: PageClient, sent: list[PartnerRequest]
) -> None:
    partner = partner_user(db)
    sign_in_as(db, client, partner)
    page = client.get("/partner")
    assert (
        page.status_code == 200 and f"To answer ({ASKED})" in page.text and 'aria-current="page"' in page.text
    )
    link = f"/partner/requests/{sent[0].id}"
    assert link in page.text
    done = client.get("/partner?view=done")
    assert link not in done.text and "has not answered any requests yet" in done.text
    assert link in client.get("/partner?view=nonsense").text, "an unknown view opens what waits"
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    client.headers["Authorization"] = (
        f"Bearer {accounts.issue_api_token(db, admin, partner.user_id, 'inbox')}"
    )
    first = client.get("/api/v1/partner/requests?limit=3").json()
    assert (first["view"], first["waiting"], len(first["items"])) == ("waiting", ASKED, 3)
    rest = client.get(f"/api/v1/partner/requests?limit=3&after={first['next_cursor']}").json()
    assert len(rest["items"]) == ASKED - 3 and rest["next_cursor"] is None
    assert {i["id"] for i in first["items"]} | {i["id"] for i in rest["items"]} == {str(r.id) for r in sent}
    assert client.get("/api/v1/partner/requests?view=done").json()["items"] == []
    refused = client.get("/api/v1/partner/requests?view=everything")
    assert refused.status_code == 400
