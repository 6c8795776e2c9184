"""The person page: one person's record in the people index, with their history of requests and outcomes."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from disclosure.auth import require_principal
from disclosure.people import service
from disclosure.requests import queue
from disclosure.requests.access import require_case_role
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.requests.workflow import STATUS_LABELS, RequestStatus
from disclosure.web import Db, page


@get("/people/{person_id:uuid}", name="people.person", sync_to_thread=True)
def person(request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID]) -> Template:
    """Shows the record and every request the person is on, by reference only: opening a case still needs
    the case's need to know."""
    principal = require_principal(request)
    require_case_role(principal)
    record = service.view_person(db, principal, person_id)
    history = []
    for case in queue.people_history(db, record.id):
        roles = [PartyRole(p.role).label for p in case.parties if p.person_id == record.id]
        history.append(
            {
                "id": case.id,
                "reference": case.reference,
                "route": Route(case.route).label,
                "roles": roles,
                "status": STATUS_LABELS[RequestStatus(case.status)],
                "first_contact_at": case.first_contact_at,
            }
        )
    return page(
        request,
        "people/person.html",
        heading=service.summaries(db, [record.id])[record.id].display_name,
        person=record,
        history=history,
    )


ROUTES = [person]
