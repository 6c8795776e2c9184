"""What the requests feature adds to other features' pages, registered in `disclosure.wiring`: the person
page lists the requests the person is on, by reference only (opening a case still needs its need to know)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.people.models import Person
from disclosure.requests import queue
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.requests.workflow import RequestStatus


def person_history(session: Session, principal: Principal, person: Person) -> dict[str, Any]:
    del principal  # every case role may see references; the case itself checks its team
    history = [
        {
            "id": case.id,
            "reference": case.reference,
            "route": Route(case.route).label,
            "roles": [PartyRole(p.role).label for p in case.parties if p.person_id == person.id],
            "status": RequestStatus(case.status).label,
            "first_contact_at": case.first_contact_at,
        }
        for case in queue.people_history(session, person.id)
    ]
    return {"history": history}
