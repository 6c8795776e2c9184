"""The person page: one person's record in the people index, their history of requests and outcomes, and
likely duplicates that a data administrator can merge into it (with a recorded reason)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.roles import CASE_ROLES, Role
from disclosure.auth import require_principal
from disclosure.errors import Conflict, FormInvalid, PermissionDenied, StaleRecord
from disclosure.people import service
from disclosure.people.schemas import NameEntry, PersonDetails
from disclosure.web import Db, Form, FormState, form_values, page, redirect


@get("/people/{person_id:uuid}", name="people.person", sync_to_thread=True)
def person(request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID]) -> Template:
    """Shows the record; what other features know of the person (the requests they are on, by reference
    only, their missing history) comes from the panels those features register."""
    principal = require_principal(request)
    if not principal.roles & CASE_ROLES:
        raise PermissionDenied()
    record = service.view_person(db, principal, person_id)
    return _person_page(request, db, record, FormState.empty())


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
"""Features that add to the person page (the requests they are on, the missing-person history) register a
function of (session, principal, person) returning extra template context, in `disclosure.wiring`."""


def _person_page(
    request: Request[Any, Any, Any],
    db: Db,
    record: Any,
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
        return _person_page(request, db, record, FormState(values, exc.errors), status_code=400)
    except (Conflict, StaleRecord) as exc:
        record = service.view_person(db, principal, person_id)
        return _person_page(request, db, record, FormState(values, {}, exc.message), status_code=409)
    return redirect(request, f"/people/{person_id}", flash="Records merged. The duplicate now points here.")


ROUTES = [person, merge]
