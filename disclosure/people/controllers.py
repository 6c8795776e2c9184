"""The person page: one person's record in the people index, their history of requests and outcomes, and
likely duplicates that a data administrator can merge into it (with a recorded reason)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.roles import Role
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.people import service
from disclosure.people.schemas import NameEntry, PersonDetails
from disclosure.requests import queue
from disclosure.requests.access import require_case_role
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.requests.workflow import STATUS_LABELS, RequestStatus
from disclosure.web import Db, Form, FormState, form_values, page, redirect


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
    return _person_page(request, db, record, history, FormState.empty())


def _duplicates(db: Db, principal: Any, record: Any) -> list[Any]:
    """Likely duplicates of this record: the index searched with its own names, date of birth and postcode."""
    names = sorted(record.names, key=lambda n: n.kind != "primary")
    primary = names[0] if names else None
    current = next((a for a in record.addresses if a.current), None)
    details = PersonDetails(
        given_names=primary.given_names if primary else "",
        family_name=primary.family_name if primary else "",
        aliases=tuple(NameEntry(n.given_names, n.family_name) for n in names[1:]),
        date_of_birth=record.date_of_birth,
        postcode=current.postcode if current else "",
    )
    return [m for m in service.find_matches(db, principal, details) if m.person_id != record.id]


PersonPanel = Callable[[Db, Any, Any], dict[str, Any]]
PERSON_PANELS: list[PersonPanel] = []
"""Features that add to the person page (the missing-person history) append a function of (session,
principal, person) returning extra template context."""


def _person_page(
    request: Request[Any, Any, Any],
    db: Db,
    record: Any,
    history: list[dict[str, Any]],
    form: FormState,
    status_code: int = 200,
) -> Template:
    principal = require_principal(request)
    can_merge = principal.has_any(Role.DATA_ADMINISTRATOR.value)
    extra: dict[str, Any] = {}
    for panel in PERSON_PANELS:
        extra.update(panel(db, principal, record))
    return page(
        request,
        "people/person.html",
        heading=service.summaries(db, [record.id])[record.id].display_name,
        person=record,
        history=history,
        duplicates=_duplicates(db, principal, record) if can_merge else [],
        form=form,
        status_code=status_code,
        **extra,
    )


@post("/people/{person_id:uuid}/merge", name="people.merge", sync_to_thread=True)
def merge(
    request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    """Merge a duplicate into this record: names, addresses and case roles move here; audited with reason."""
    principal = require_principal(request)
    values = form_values(data)
    try:
        duplicate_id = uuid.UUID(values.get("duplicate_id", ""))
    except ValueError:
        duplicate_id = None
    try:
        if duplicate_id is None:
            raise FormInvalid({"duplicate_id": "Select the duplicate record to merge"}, values)
        with db.begin_nested():
            service.merge_people(db, principal, person_id, duplicate_id, values.get("reason", ""))
    except FormInvalid as exc:
        record = service.view_person(db, principal, person_id)
        return _person_page(request, db, record, [], FormState(values, exc.errors), status_code=400)
    return redirect(request, f"/people/{person_id}", flash="Records merged. The duplicate now points here.")


ROUTES = [person, merge]
