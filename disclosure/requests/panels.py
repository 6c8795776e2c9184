"""What the requests feature adds to other features' pages, registered in `disclosure.wiring`: the person
page lists the requests the person is on that the reader may open, and says how many others there are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.people.models import Person
from disclosure.requests import access, queue
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.requests.workflow import RequestStatus


def person_history(session: Session, principal: Principal, person: Person) -> dict[str, Any]:
    """The cases the reader may open (their team's, or opened with a stated reason), and how many others
    involve the person, so that the reader knows they exist [issue 14 §3]."""
    cases = queue.people_history(session, person.id)
    ids = [case.id for case in cases]
    mine = set(
        session.scalars(
            select(DisclosureRequest.id).where(DisclosureRequest.id.in_(ids), access.readable(principal))
        )
    )
    history = [
        {
            "id": case.id,
            "reference": case.reference,
            "route": Route(case.route).label,
            "roles": [PartyRole(p.role).label for p in case.parties if p.person_id == person.id],
            "status": RequestStatus(case.status).label,
            "first_contact_at": case.first_contact_at,
        }
        for case in cases
        if case.id in mine
    ]
    return {"history": history, "other_cases": len(cases) - len(history)}
